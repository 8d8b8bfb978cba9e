;; Imports a function, a memory, a table and a global; provider.wat exports
;; matching ones (the link-error tests offer mismatching ones).
(module
  (type $binop (func (param i32 i32) (result i32)))
  (import "provider" "add" (func $add (type $binop)))
  (import "provider" "memory" (memory 1 4))
  (import "provider" "table" (table 2 funcref))
  (import "provider" "counter" (global $counter (mut i32)))

  (func $mul (type $binop) (i32.mul (local.get 0) (local.get 1)))
  ;; Puts $mul into slot 1 of the imported table.
  (elem (i32.const 1) $mul)

  (func (export "call_add") (param i32 i32) (result i32) (call $add (local.get 0) (local.get 1)))
  (func (export "store8") (param i32 i32) (i32.store8 (local.get 0) (local.get 1)))
  (func (export "call_slot") (param i32 i32 i32) (result i32)
    (call_indirect (type $binop) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "bump") (result i32)
    (global.set $counter (i32.add (global.get $counter) (i32.const 1)))
    (global.get $counter)))

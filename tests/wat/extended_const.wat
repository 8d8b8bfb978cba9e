;; Extended constant expressions (Wasm 3.0): integer add/sub/mul and reads of
;; earlier immutable globals in global initializers and segment offsets.
(module
  (import "env" "base" (global $base i32))
  (import "env" "big" (global $big i64))
  (memory (export "memory") 1)
  (table 8 funcref)
  (global $z3 i32 (i32.add (i32.sub (i32.mul (i32.const 20) (i32.const 2)) (i32.const 2))
                           (i32.const 4)))                                  ;; 42
  (global $from_import i32 (i32.add (global.get $base) (i32.const 100)))  ;; base + 100
  (global $from_defined i32 (i32.mul (global.get $z3) (global.get $z3)))  ;; 1764
  (global $wraps i32 (i32.mul (i32.const 0x10000) (i32.const 0x10000)))   ;; 0
  (global $wide i64 (i64.sub (i64.mul (global.get $big) (i64.const 3)) (i64.const 1)))
  (global $plain i32 (global.get $z3))                                    ;; a defined global
  (elem (i32.add (global.get $base) (i32.const 2)) $seven)
  (data (i32.mul (global.get $z3) (i32.const 2)) "waot")                 ;; at 84
  (func $seven (result i32) (i32.const 7))
  (func (export "z3") (result i32) (global.get $z3))
  (func (export "from_import") (result i32) (global.get $from_import))
  (func (export "from_defined") (result i32) (global.get $from_defined))
  (func (export "wraps") (result i32) (global.get $wraps))
  (func (export "wide") (result i64) (global.get $wide))
  (func (export "plain") (result i32) (global.get $plain))
  (func (export "call_slot") (param i32) (result i32)
    (call_indirect (result i32) (local.get 0)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0))))

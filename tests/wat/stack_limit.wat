;; Recursion without end that records how deep it got, for the per-instance
;; stack limit (InstanceLimits::maxStackBytes).
(module
  (import "env" "host" (func $host (param i32) (result i32)))
  (global $deepest (mut i32) (i32.const 0))
  (func $recurse (export "recurse") (param i32) (result i32)
    (global.set $deepest (local.get 0))
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  ;; The same, calling the host at every level: the host runs on the stack
  ;; wasm leaves it.
  (func $recurse_via_host (export "recurse_via_host") (param i32) (result i32)
    (global.set $deepest (local.get 0))
    (drop (call $host (local.get 0)))
    (i32.add (call $recurse_via_host (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  (func (export "call_host") (param i32) (result i32) (call $host (local.get 0)))
  (func (export "deepest") (result i32) (global.get $deepest))
  (func (export "ok") (result i32) (i32.const 42)))

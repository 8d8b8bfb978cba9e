;; Calls back into the host: "run" passes its argument to host.callback and
;; returns the callback's result plus one.
(module
  (import "host" "callback" (func $callback (param i32) (result i32)))
  (func (export "run") (param i32) (result i32)
    (i32.add (call $callback (local.get 0)) (i32.const 1))))

;; A host function that reads its caller's memory: "run" asks host.peek for
;; the byte at its argument (the data segment holds 7 at address 3).
(module
  (import "host" "peek" (func $peek (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 3) "\07")
  (func (export "run") (param i32) (result i32)
    (call $peek (local.get 0))))

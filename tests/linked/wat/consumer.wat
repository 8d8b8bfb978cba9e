;; Imports every extern kind from "provider" and a host function.
(module $consumer
  (import "provider" "double" (func $double (param i32) (result i32)))
  (import "provider" "memory" (memory 1))
  (import "provider" "table" (table 2 funcref))
  (import "provider" "base" (global $base (mut i32)))
  (import "host" "report" (func $report (param i32)))
  (type $unary (func (param i32) (result i32)))
  ;; double(x) + table[1](x) + base + memory[0], reported to the host.
  (func $run (export "run") (param $x i32) (result i32)
    (local $sum i32)
    (local.set $sum
      (i32.add
        (i32.add (call $double (local.get $x))
                 (call_indirect (type $unary) (local.get $x) (i32.const 1)))
        (i32.add (global.get $base) (i32.load (i32.const 0)))))
    (call $report (local.get $sum))
    (local.get $sum))
  (func (export "set_base") (param i32) (global.set $base (local.get 0))))

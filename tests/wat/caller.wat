;; Host functions that see their caller: "host.sum" reads a range of the
;; calling instance's memory, "host.poke" writes it, "host.twice" calls the
;; caller's export "double" back. The table holds the import too, so a call
;; through a funcref the instance made of it must report the same caller.
(module
  (import "host" "sum" (func $sum (param i32 i32) (result i32)))
  (import "host" "poke" (func $poke (param i32 i32)))
  (import "host" "twice" (func $twice (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "\01\02\03\04\05")
  (table 1 funcref)
  (elem (i32.const 0) $sum)
  (type $sum_t (func (param i32 i32) (result i32)))
  (func (export "sum") (param i32 i32) (result i32)
    (call $sum (local.get 0) (local.get 1)))
  (func (export "sum_indirect") (param i32 i32) (result i32)
    (call_indirect (type $sum_t) (local.get 0) (local.get 1) (i32.const 0)))
  (func (export "poke") (param i32 i32)
    (call $poke (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32)
    (i32.load8_u (local.get 0)))
  (func (export "double") (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 2)))
  (func (export "twice") (param i32) (result i32)
    (call $twice (local.get 0)))
  (func (export "sum_ref") (result funcref)
    (ref.func $sum)))

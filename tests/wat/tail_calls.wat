;; Tail calls (Wasm 3.0): return_call and return_call_indirect, e2e_tail_calls_test.cpp.
(module
  (type $i64_i64 (func (param i64) (result i64)))
  (type $three (func (param i64 i64 f64) (result i64 f64 i32)))
  (import "env" "host_inc" (func $host_inc (param i64) (result i64)))
  (import "env" "peer" (func $peer (param i64) (result i64)))

  ;; Mutual direct tail calls: even/odd of n in n calls.
  (func $even (export "even") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 1))
      (else (return_call $odd (i64.sub (local.get 0) (i64.const 1))))))
  (func $odd (export "odd") (param i64) (result i32)
    (if (result i32) (i64.eqz (local.get 0))
      (then (i32.const 0))
      (else (return_call $even (i64.sub (local.get 0) (i64.const 1))))))

  ;; Through a table the code can change (so nothing is known at compile
  ;; time): bounce(n) tail-calls $t[n & 1](n - 1) until n is 0, and returns
  ;; the number of bounces it saw in $t[1] (counted in a global).
  (table $t (export "t") 2 2 funcref)
  (elem (table $t) (i32.const 0) func $bounce $bounce_counted)
  (global $counted (mut i64) (i64.const 0))
  (func $bounce (export "bounce") (type $i64_i64)
    (if (i64.eqz (local.get 0)) (then (return (global.get $counted))))
    (return_call_indirect $t (type $i64_i64)
      (i64.sub (local.get 0) (i64.const 1))
      (i32.wrap_i64 (i64.and (local.get 0) (i64.const 1)))))
  (func $bounce_counted (export "bounce_counted") (type $i64_i64)
    (global.set $counted (i64.add (global.get $counted) (i64.const 1)))
    (return_call $bounce (local.get 0)))
  (func (export "set_slot") (param i32 funcref) (table.set $t (local.get 0) (local.get 1)))
  (func (export "reset") (global.set $counted (i64.const 0)))
  (func (export "counted") (result i64) (global.get $counted))

  ;; More results than registers: they travel through a pointer the chain
  ;; passes on. sum3(n, acc, x) = (acc + n + ... + 1, x * 2^n, n0 parity-free tag 7).
  (func $sum3 (export "sum3") (type $three)
    (if (i64.eqz (local.get 0))
      (then (return (local.get 1) (local.get 2) (i32.const 7))))
    (return_call_indirect $t3 (type $three)
      (i64.sub (local.get 0) (i64.const 1))
      (i64.add (local.get 1) (local.get 0))
      (f64.mul (local.get 2) (f64.const 2))
      (i32.const 0)))
  (table $t3 1 1 funcref)
  (elem (table $t3) (i32.const 0) func $sum3)
  ;; An ordinary call of a tailcc function with results in memory.
  (func (export "sum3_plus") (param i64) (result i64)
    (call $sum3 (local.get 0) (i64.const 0) (f64.const 1))
    (drop) (drop))

  ;; Through a 64-bit table (table64): the i64 index, saturated like
  ;; call_indirect's.
  (table $t64 i64 2 2 funcref)
  (elem (table $t64) (i64.const 0) func $bounce64 $bounce64)
  (func $bounce64 (export "bounce64") (type $i64_i64)
    (if (i64.eqz (local.get 0)) (then (return (i64.const 64))))
    (return_call_indirect $t64 (type $i64_i64)
      (i64.sub (local.get 0) (i64.const 1)) (i64.and (local.get 0) (i64.const 1))))
  (func (export "bounce64_out_of_bounds") (result i64)
    (return_call_indirect $t64 (type $i64_i64) (i64.const 1) (i64.const 0x100000000)))

  ;; Tail calls to functions that make none end the chain: a plain call and
  ;; return (a defined leaf, a host function, another instance's function).
  (func $leaf (param i64) (result i64) (i64.mul (local.get 0) (i64.const 3)))
  (func (export "to_leaf") (param i64) (result i64) (return_call $leaf (local.get 0)))
  (func (export "to_host") (param i64) (result i64) (return_call $host_inc (local.get 0)))
  (func (export "to_peer") (param i64) (result i64) (return_call $peer (local.get 0)))

  ;; Not a tail call: recursion in a function that also makes tail calls
  ;; still uses stack and must exhaust it.
  (func $deep (export "deep") (param i64) (result i64)
    (if (i64.eqz (local.get 0)) (then (return_call $leaf (i64.const 1))))
    (i64.add (call $deep (i64.add (local.get 0) (i64.const 1))) (i64.const 1)))
)

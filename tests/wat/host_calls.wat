;; Calls from wasm into host functions of every scalar type
;; (tests/e2e/e2e_host_calls_test.cpp): arguments and results cross the host
;; adapter's slots with their exact bits.
(module
  (import "host" "i32" (func $i32 (param i32) (result i32)))
  (import "host" "i64" (func $i64 (param i64) (result i64)))
  (import "host" "f32" (func $f32 (param f32) (result f32)))
  (import "host" "f64" (func $f64 (param f64) (result f64)))
  (import "host" "mixed" (func $mixed (param i32 i64 f32 f64) (result f64)))
  (import "host" "counter" (func $counter (result i32)))

  (func (export "call_i32") (param i32) (result i32)
    (call $i32 (local.get 0)))
  (func (export "call_i64") (param i64) (result i64)
    (call $i64 (local.get 0)))
  ;; Floats go in and come out as bit patterns, so that NaN payloads are seen.
  (func (export "call_f32_bits") (param i32) (result i32)
    (i32.reinterpret_f32 (call $f32 (f32.reinterpret_i32 (local.get 0)))))
  (func (export "call_f64_bits") (param i64) (result i64)
    (i64.reinterpret_f64 (call $f64 (f64.reinterpret_i64 (local.get 0)))))
  (func (export "call_mixed") (param i32 i64 f32 f64) (result f64)
    (call $mixed (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
  ;; Calls the counter n times and returns its last result.
  (func (export "count") (param $n i32) (result i32)
    (local $last i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $last (call $counter))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $last)))

;; Code for the interruption tests (compiled with CompileOptions::interruptible).
(module
  (memory 1)
  ;; A tight infinite loop: no call, no memory access.
  (func (export "spin")
    (loop $forever (br $forever)))
  ;; An infinite loop summing loads (a loop whose loads the lowering sums).
  (func (export "spin_loads") (param $address i32) (result i32) (local $sum i32)
    (loop $forever
      (local.set $sum (i32.add (local.get $sum) (i32.load (local.get $address))))
      (br $forever))
    (local.get $sum))
  ;; Exponential work without a loop: only function entries are checked.
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_u (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1)))
                     (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; A loop that ends.
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i)))

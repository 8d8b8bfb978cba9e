;; Uses the other module's function and memory, and a host function.
(module $stats
  (import "mathlib" "square" (func $square (param i32) (result i32)))
  (import "mathlib" "memory" (memory 1))
  (import "env" "progress" (func $progress (param i32 i32)))
  ;; The sum of the squares of the `count` i32s at `address`.
  (func $sum_of_squares (export "sum_of_squares") (param $address i32) (param $count i32) (result i64)
    (local $i i32) (local $sum i64)
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $sum
          (i64.add (local.get $sum)
                   (i64.extend_i32_u
                     (call $square (i32.load (i32.add (local.get $address)
                                                      (i32.shl (local.get $i) (i32.const 2))))))))
        (call $progress (local.get $i) (local.get $count))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $sum)))

;; A small library module: a memory the application fills, and functions.
(module $mathlib
  (memory (export "memory") 1)
  (func $square (export "square") (param i32) (result i32)
    (i32.mul (local.get 0) (local.get 0)))
  (func $ratio (export "ratio") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1))))

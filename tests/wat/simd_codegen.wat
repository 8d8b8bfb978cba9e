;; Small SIMD functions whose generated code tests/unit/codegen_simd_golden_test.cpp
;; inspects (function indices matter: the symbols are waot_f<index>).
(module
  (memory 1)
  (func (export "load") (param i32) (result v128)                 ;; f0
    (v128.load offset=16 (local.get 0)))
  (func (export "reverse") (param v128 v128) (result v128)        ;; f1
    (i8x16.shuffle 15 14 13 12 11 10 9 8 7 6 5 4 3 2 1 0 (local.get 0) (local.get 1)))
  (func (export "dropped") (param i32)                            ;; f2
    (drop (v128.load (local.get 0))))
  (func (export "swizzle") (param v128 v128) (result v128)        ;; f3
    (i8x16.swizzle (local.get 0) (local.get 1)))
  (func (export "store") (param i32 v128)                         ;; f4
    (v128.store offset=32 (local.get 0) (local.get 1))))

;; Multi-memory (Wasm 3.0): memory 0 imported, memory 1 ($b) defined and
;; exported, memory 2 ($c) defined with a maximum. Every memory instruction
;; names its memory; data segments go into each.
(module
  (import "env" "mem" (memory $a 1 4))
  (memory $b (export "b") 2 8)
  (memory $c 1 2)
  (data (memory $b) (i32.const 100) "bee")
  (data (memory $c) (i32.const 7) "sea")
  (data $passive "passive")

  (func (export "load8_a") (param i32) (result i32) (i32.load8_u $a (local.get 0)))
  (func (export "load8_b") (param i32) (result i32) (i32.load8_u $b (local.get 0)))
  (func (export "load8_c") (param i32) (result i32) (i32.load8_u $c (local.get 0)))
  (func (export "load_b") (param i32) (result i32) (i32.load $b offset=4 (local.get 0)))
  (func (export "load64_c") (param i32) (result i64) (i64.load $c (local.get 0)))
  (func (export "store_b") (param i32 i32) (i32.store $b offset=4 (local.get 0) (local.get 1)))
  (func (export "store64_c") (param i32 i64) (i64.store $c (local.get 0) (local.get 1)))
  (func (export "store_f64_a") (param i32 f64) (f64.store $a (local.get 0) (local.get 1)))
  (func (export "load_f64_a") (param i32) (result f64) (f64.load $a (local.get 0)))

  ;; The same address in three memories: each its own bytes.
  (func (export "store_all") (param i32 i32)
    (i32.store8 $a (local.get 0) (local.get 1))
    (i32.store8 $b (local.get 0) (i32.add (local.get 1) (i32.const 1)))
    (i32.store8 $c (local.get 0) (i32.add (local.get 1) (i32.const 2))))
  (func (export "sum_all") (param i32) (result i32)
    (i32.add (i32.load8_u $a (local.get 0))
             (i32.add (i32.load8_u $b (local.get 0)) (i32.load8_u $c (local.get 0)))))

  (func (export "size_a") (result i32) (memory.size $a))
  (func (export "size_b") (result i32) (memory.size $b))
  (func (export "size_c") (result i32) (memory.size $c))
  (func (export "grow_b") (param i32) (result i32) (memory.grow $b (local.get 0)))
  (func (export "grow_c") (param i32) (result i32) (memory.grow $c (local.get 0)))

  (func (export "fill_b") (param i32 i32 i32)
    (memory.fill $b (local.get 0) (local.get 1) (local.get 2)))
  ;; memory.copy dst src: from $b to $a, from $a to $c, within $b.
  (func (export "copy_b_to_a") (param i32 i32 i32)
    (memory.copy $a $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_a_to_c") (param i32 i32 i32)
    (memory.copy $c $a (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_b_to_b") (param i32 i32 i32)
    (memory.copy $b $b (local.get 0) (local.get 1) (local.get 2)))
  (func (export "init_c") (param i32 i32 i32)
    (memory.init $c $passive (local.get 0) (local.get 1) (local.get 2)))

  ;; SIMD loads and stores name their memory too.
  (func (export "v128_copy_b_to_c") (param i32)
    (v128.store $c (local.get 0) (v128.load $b (local.get 0))))
  (func (export "lane_b") (param i32) (result i32)
    (i32x4.extract_lane 1 (v128.load32_lane $b 1 (local.get 0) (v128.const i32x4 0 0 0 0))))
  (func (export "store_lane_c") (param i32 i64)
    (v128.store64_lane $c 0 (local.get 0) (i64x2.splat (local.get 1))))
)

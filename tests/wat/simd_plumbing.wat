;; v128 values through everything that is not a SIMD instruction: parameters
;; and results, locals, globals (defined, exported, imported), select, block
;; results and branches, direct and indirect calls, host imports, v128.const.
(module
  (import "host" "swap_halves" (func $swap_halves (param v128) (result v128)))
  (import "host" "base" (global $base v128))
  (type $unary (func (param v128) (result v128)))
  (table 2 funcref)
  (elem (i32.const 0) $identity $through_host)
  (global $counter (export "counter") (mut v128) (v128.const i32x4 1 2 3 4))
  (global $copy (export "copy") v128 (global.get $base))

  (func $identity (export "identity") (param v128) (result v128) (local.get 0))
  (func $through_host (export "through_host") (param v128) (result v128)
    (call $swap_halves (local.get 0)))
  ;; pick(a, b, c): a if c != 0, else b
  (func (export "pick") (param v128 v128 i32) (result v128)
    (select (local.get 0) (local.get 1) (local.get 2)))
  (func (export "pick_typed") (param v128 v128 i32) (result v128)
    (select (result v128) (local.get 0) (local.get 1) (local.get 2)))
  ;; a block result and a branch carrying a v128
  (func (export "early") (param i32) (result v128)
    (local $x v128)
    (local.set $x (v128.const i64x2 0x1111111111111111 0x2222222222222222))
    (block $out (result v128)
      (br_if $out (local.get $x) (local.get 0))
      (drop)
      (v128.const i8x16 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16)))
  (func (export "zero_local") (result v128) (local v128) (local.get 0))
  (func (export "call_indirect") (param v128 i32) (result v128)
    (call_indirect (type $unary) (local.get 0) (local.get 1)))
  (func (export "store_counter") (param v128) (global.set $counter (local.get 0)))
  (func (export "load_counter") (result v128) (global.get $counter))
  (func (export "two") (result v128 v128)
    (v128.const f32x4 1.5 -0.0 nan inf) (global.get $base)))

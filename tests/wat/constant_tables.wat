;; call_indirect through a table nothing can change after instantiation
;; (defined, not exported, written by no instruction) becomes direct calls of
;; the elements with the call's signature (emit_call.cpp). $public holds the
;; same elements but is exported, so its calls take the generic path: every
;; result and trap must be the same through both.
;; Elements: 0 null, 1 $double, 2 $square, 3 $add, 4 imported $triple,
;; 5 $double again, 6 $pair, 7 $nop.
(module
  (type $i2i (func (param i32) (result i32)))
  (type $ii2i (func (param i32 i32) (result i32)))
  (type $i2ii (func (param i32) (result i32 i32)))
  (type $v2v (func))
  ;; Structurally equal to $i2i: the same signature.
  (type $i2i_again (func (param i32) (result i32)))
  (import "host" "triple" (func $triple (type $i2i)))
  (table $private 9 funcref)
  (table $public (export "public") 9 funcref)
  (elem (table $private) (i32.const 1) func $double $square $add $triple $double $pair $nop)
  (elem (table $public) (i32.const 1) func $double $square $add $triple $double $pair $nop)
  (func $double (type $i2i) (i32.mul (local.get 0) (i32.const 2)))
  (func $square (type $i2i) (i32.mul (local.get 0) (local.get 0)))
  (func $add (type $ii2i) (i32.add (local.get 0) (local.get 1)))
  (func $pair (type $i2ii) (local.get 0) (i32.add (local.get 0) (i32.const 1)))
  (func $nop (type $v2v))

  (func (export "private_unary") (param $slot i32) (param $v i32) (result i32)
    (call_indirect $private (type $i2i) (local.get $v) (local.get $slot)))
  (func (export "public_unary") (param $slot i32) (param $v i32) (result i32)
    (call_indirect $public (type $i2i) (local.get $v) (local.get $slot)))
  (func (export "private_unary_again") (param $slot i32) (param $v i32) (result i32)
    (call_indirect $private (type $i2i_again) (local.get $v) (local.get $slot)))
  (func (export "private_binary") (param $slot i32) (param $v i32) (result i32)
    (call_indirect $private (type $ii2i) (local.get $v) (i32.const 100) (local.get $slot)))
  (func (export "public_binary") (param $slot i32) (param $v i32) (result i32)
    (call_indirect $public (type $ii2i) (local.get $v) (i32.const 100) (local.get $slot)))
  ;; Two results: v and v + 1, combined as v * 1000 + (v + 1).
  (func (export "private_pair") (param $slot i32) (param $v i32) (result i32)
    (local $second i32)
    (call_indirect $private (type $i2ii) (local.get $v) (local.get $slot))
    (local.set $second)
    (i32.add (i32.mul (i32.const 1000)) (local.get $second)))
  (func (export "public_pair") (param $slot i32) (param $v i32) (result i32)
    (local $second i32)
    (call_indirect $public (type $i2ii) (local.get $v) (local.get $slot))
    (local.set $second)
    (i32.add (i32.mul (i32.const 1000)) (local.get $second)))
  (func (export "private_void") (param $slot i32) (result i32)
    (call_indirect $private (type $v2v) (local.get $slot))
    (i32.const 1))
  (func (export "public_void") (param $slot i32) (result i32)
    (call_indirect $public (type $v2v) (local.get $slot))
    (i32.const 1)))

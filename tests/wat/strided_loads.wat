;; A loop as a wasm producer emits it after unrolling by four: one pointer
;; steps by 16 and the four loads address p, p+4, p+8 and p+12 through
;; wrapping i32 adds (no offset immediates), so their distances are unknown
;; to the loop vectorizer. Sums element ^ index, like memgrow's checksum loop.
(module
  (memory (export "memory") 1)
  (func (export "sum4") (param $p i32) (param $n i32) (result i32)
    (local $s i32) (local $k i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.xor (i32.load (local.get $p)) (local.get $k))))
      (local.set $s (i32.add (local.get $s)
        (i32.xor (i32.load (i32.add (local.get $p) (i32.const 4)))
                 (i32.add (local.get $k) (i32.const 1)))))
      (local.set $s (i32.add (local.get $s)
        (i32.xor (i32.load (i32.add (local.get $p) (i32.const 8)))
                 (i32.add (local.get $k) (i32.const 2)))))
      (local.set $s (i32.add (local.get $s)
        (i32.xor (i32.load (i32.add (local.get $p) (i32.const 12)))
                 (i32.add (local.get $k) (i32.const 3)))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $k (i32.add (local.get $k) (i32.const 4)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $s)))

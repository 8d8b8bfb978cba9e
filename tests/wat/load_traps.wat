;; Out-of-bounds loads must trap even when the optimizer could delete them
;; (emit_load_keepalive.cpp), memory.fill/copy check their whole range before
;; writing, and byte loops never become library calls that fault outside
;; generated code. One page of memory: 65536 is the first address out of
;; bounds. Every export takes the address (or range) as its argument.
(module
  (type $v2v (func))
  (type $i2i (func (param i32) (result i32)))
  (memory (export "memory") 1)
  (table 3 3 funcref)
  (elem (i32.const 0) $boom $id)

  (func $boom (unreachable))
  (func $id (type $i2i) (local.get 0))
  ;; Runs for a while, touches no memory, returns: a callee that could run
  ;; before a dropped load if that load were moved or deleted.
  (func $busy (local $n i32)
    (local.set $n (i32.const 1000))
    (loop $l (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1))))))
  (func $load_and_return (param i32) (result i32) (i32.load (local.get 0)))

  ;; Loads in innermost loops without calls: kept by the load sums.
  (func (export "loop_dropped") (param $p i32) (local $i i32)
    (loop $l
      (drop (i64.load (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4)))))
  (func (export "loop_and_zero") (param $p i32) (result i32) (local $i i32) (local $acc i32)
    (loop $l
      (local.set $acc (i32.or (local.get $acc) (i32.and (i32.load8_u (local.get $p)) (i32.const 0))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (local.get $acc))
  (func (export "loop_nan_product") (param $p i32) (result f64) (local $i i32) (local $x f64)
    (loop $l
      (local.set $x (f64.mul (f64.load (local.get $p)) (f64.const nan)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (local.get $x))
  (func (export "loop_then_unreachable") (param $p i32) (local $i i32)
    (loop $l
      (drop (f32.load (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (unreachable))
  (func (export "loop_then_trapping_call") (param $p i32) (local $i i32)
    (loop $l
      (drop (i32.load16_s (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (call $boom))
  (func (export "loop_then_busy_call") (param $p i32) (local $i i32)
    (loop $l
      (drop (i32.load (local.get $p)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 4))))
    (call $busy))
  (func (export "loop_without_exit") (param $p i32)
    (loop $l (drop (i32.load (local.get $p))) (br $l)))
  (func (export "loop_with_constant_false_exit") (param $p i32)
    (block $out (loop $l
      (drop (i32.load (local.get $p)))
      (br_if $out (i32.const 0))
      (br $l))))
  ;; Sums [p, p + 4n) as i32s; the caller drops or keeps the result.
  (func $sum (param $p i32) (param $n i32) (result i32) (local $i i32) (local $s i32)
    (loop $l
      (local.set $s (i32.add (local.get $s)
        (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $s))
  (func (export "sum") (param i32 i32) (result i32) (call $sum (local.get 0) (local.get 1)))
  (func (export "sum_dropped") (param i32 i32) (drop (call $sum (local.get 0) (local.get 1))))
  ;; Loads outside loops: kept by an asm use, also after inlining.
  (func (export "inlined_dropped") (param i32) (drop (call $load_and_return (local.get 0))))
  (func (export "dropped_before_busy_call") (param i32) (drop (i32.load (local.get 0))) (call $busy))

;; Loads with uses of their own: after optimization their keep-alive is
  ;; dropped (codegen's DropRedundantKeepAlivesPass) where the back end must
  ;; keep them anyway, and kept where it could delete, sink or narrow them.
  ;; Counts the zero bytes of [p, p + n) (a vectorized loop).
  (func (export "count_zero_bytes") (param $p i32) (param $n i32) (result i32)
    (local $i i32) (local $count i32)
    (loop $l
      (if (i32.eqz (i32.load8_u (i32.add (local.get $p) (local.get $i))))
        (then (local.set $count (i32.add (local.get $count) (i32.const 1)))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $count))
  ;; Counts the zero bytes from p up to the first 0xFF byte (not vectorized:
  ;; the loop has a data-dependent exit).
  (func (export "zeros_before_marker") (param $p i32) (result i32) (local $byte i32) (local $count i32)
    (block $done (loop $l
      (local.set $byte (i32.load8_u (local.get $p)))
      (br_if $done (i32.eq (local.get $byte) (i32.const 0xFF)))
      (local.set $count (i32.add (local.get $count) (i32.eqz (local.get $byte))))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $l)))
    (local.get $count))
  ;; The index of the first i32 at p, p + 4, ... that is at least $bound.
  (func (export "find_at_least") (param $p i32) (param $bound i32) (result i32) (local $i i32)
    (block $found (loop $l
      (br_if $found (i32.ge_u (i32.load (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 2))))
                              (local.get $bound)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l)))
    (local.get $i))
  ;; Scales n doubles at p by 2 in place.
  (func (export "scale_f64") (param $p i32) (param $n i32) (local $i i32) (local $a i32)
    (loop $l
      (local.set $a (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 3))))
      (f64.store (local.get $a) (f64.mul (f64.load (local.get $a)) (f64.const 2)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    )
  ;; Replaces each pair of doubles (a, b) at p, p + 16, ... by (a + b, a - b).
  (func (export "butterflies") (param $p i32) (param $n i32) (local $i i32) (local $a f64) (local $b f64)
    (loop $l
      (local.set $a (f64.load (local.get $p)))
      (local.set $b (f64.load offset=8 (local.get $p)))
      (f64.store (local.get $p) (f64.add (local.get $a) (local.get $b)))
      (f64.store offset=8 (local.get $p) (f64.sub (local.get $a) (local.get $b)))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n)))))
  ;; Copies the i32 at p to q.
  (func (export "copy_word") (param $p i32) (param $q i32)
    (i32.store (local.get $q) (i32.load (local.get $p))))
  ;; Only the low bits of these loads are used: without its keep-alive the
  ;; back end would read fewer bytes and miss the trap on the last one.
  (func (export "store_low_byte") (param $p i32) (param $q i32)
    (i32.store8 (local.get $q) (i32.load (local.get $p))))
  (func (export "low_word_is_zero") (param $p i32) (result i32)
    (i32.eqz (i32.wrap_i64 (i64.load (local.get $p)))))
  ;; The value is used only on one path: without its keep-alive the load
  ;; could be sunk into that path.
  (func (export "load_used_on_one_path") (param $p i32) (param $c i32) (result i32) (local $v i32)
    (local.set $v (i32.load8_u (local.get $p)))
    (if (local.get $c) (then (i32.store (i32.const 0) (local.get $c)) (return (i32.eqz (local.get $v)))))
    (i32.const 7))
  ;; A load outside a loop whose value decides a branch.
  (func (export "branch_on_byte") (param $p i32) (result i32)
    (if (result i32) (i32.load8_u (local.get $p)) (then (i32.const 1)) (else (i32.const 2))))

  ;; Bulk memory, inline: whole range checked before any byte is written.
  (func (export "fill") (param i32 i32 i32)
    (memory.fill (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i32 i32 i32)
    (memory.copy (local.get 0) (local.get 1) (local.get 2)))
  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  ;; Zeroes [from, to) a byte at a time: LLVM's loop idiom pass would make
  ;; this a memset call if it were allowed to.
  (func (export "zero_bytes") (param $from i32) (param $to i32) (local $i i32)
    (local.set $i (local.get $from))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $i) (local.get $to)))
      (i32.store8 (local.get $i) (i32.const 0))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l))))

  ;; call_indirect through a fixed-size table (size 3: entry 2 is null).
  (func (export "call_indirect") (param $f i32) (param $x i32) (result i32)
    (call_indirect (type $i2i) (local.get $x) (local.get $f))))

;; One export per trap kind; each traps when called with the arguments the
;; test gives, and works normally otherwise.
(module
  (type $i2i (func (param i32) (result i32)))
  (type $v2v (func))
  (memory 1 2)
  (table $t 3 funcref)
  (elem (table $t) (i32.const 0) func $id $nop)

  (func $id (type $i2i) (local.get 0))
  (func $nop (type $v2v))

  (func (export "unreachable") (unreachable))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
  (func (export "load_offset") (param i32) (result i64)
    (i64.load offset=0xFFFFFFFF (local.get 0)))
  (func (export "store") (param i32) (i32.store8 (local.get 0) (i32.const 7)))
  ;; A load whose result is dropped must still trap when out of bounds.
  (func (export "dropped_load") (param i32) (drop (i32.load (local.get 0))))
  (func (export "dropped_load_in_dead_local") (param i32)
    (local $unused i32)
    (local.set $unused (i32.load16_u (local.get 0))))
  (func (export "div_s") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
  (func (export "div_u") (param i32 i32) (result i32) (i32.div_u (local.get 0) (local.get 1)))
  (func (export "rem_s") (param i32 i32) (result i32) (i32.rem_s (local.get 0) (local.get 1)))
  (func (export "rem_u64") (param i64 i64) (result i64) (i64.rem_u (local.get 0) (local.get 1)))
  (func (export "div_s64") (param i64 i64) (result i64) (i64.div_s (local.get 0) (local.get 1)))
  (func (export "trunc_f32_s") (param f32) (result i32) (i32.trunc_f32_s (local.get 0)))
  (func (export "trunc_f64_u") (param f64) (result i32) (i32.trunc_f64_u (local.get 0)))
  (func (export "trunc_f64_s64") (param f64) (result i64) (i64.trunc_f64_s (local.get 0)))
  (func (export "call_indirect") (param $value i32) (param $slot i32) (result i32)
    (call_indirect (type $i2i) (local.get $value) (local.get $slot)))
  (func (export "table_get") (param i32) (result funcref) (table.get $t (local.get 0)))
  (func (export "memory_fill") (param i32 i32)
    (memory.fill (local.get 0) (i32.const 0) (local.get 1)))

  ;; Unbounded recursion: ends in "call stack exhausted".
  (func $recurse (export "recurse") (param i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get 0) (i32.const 1))) (i32.const 1)))
  ;; Another frame shape: i64 parameter and locals live across the recursive call.
  (func $recurse_big (export "recurse_big") (param i64) (result i64)
    (local i64 i64 i64 i64 i64 i64 i64 i64)
    (local.set 1 (i64.add (local.get 0) (i64.const 1)))
    (i64.add (call $recurse_big (local.get 1)) (local.get 1)))
  (func (export "ok") (result i32) (i32.const 42)))

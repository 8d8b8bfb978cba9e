;; memory64 and table64 (Wasm 3.0): a 64-bit memory (i64 addresses,
;; memory.size/grow in i64 pages, 64-bit data offsets), a 32-bit memory to
;; copy to and from (lengths of the smaller type), an imported 64-bit memory,
;; and a 64-bit table (i64 indices for call_indirect and the table
;; instructions, a 64-bit element offset).
(module
  (import "env" "mem64" (memory $imported i64 1))
  (memory $m (export "m") i64 1 5)
  (memory $small 1)
  (data (memory $m) (i64.const 100) "hi64")
  (data $passive "passive")

  (type $ii (func (result i32)))
  (table $t (export "t") i64 4 8 funcref)
  (elem (table $t) (i64.const 1) func $seven $eight)
  (func $seven (result i32) (i32.const 7))
  (func $eight (result i32) (i32.const 8))

  (func (export "load8") (param i64) (result i32) (i32.load8_u $m (local.get 0)))
  (func (export "load64") (param i64) (result i64) (i64.load $m (local.get 0)))
  (func (export "load8_offset_max32") (param i64) (result i32)
    (i32.load8_u $m offset=0xFFFF_FFFF (local.get 0)))
  (func (export "load8_offset_2_32") (param i64) (result i32)
    (i32.load8_u $m offset=0x1_0000_0000 (local.get 0)))
  (func (export "load8_offset_1") (param i64) (result i32)
    (i32.load8_u $m offset=1 (local.get 0)))
  (func (export "load8_offset_max64") (param i64) (result i32)
    (i32.load8_u $m offset=0xFFFF_FFFF_FFFF_FFFF (local.get 0)))
  (func (export "store8") (param i64 i32) (i32.store8 $m (local.get 0) (local.get 1)))
  (func (export "store64") (param i64 i64) (i64.store $m offset=8 (local.get 0) (local.get 1)))
  (func (export "v128_load_lane0") (param i64) (result i64)
    (i64x2.extract_lane 0 (v128.load $m (local.get 0))))
  (func (export "imported_load8") (param i64) (result i32) (i32.load8_u $imported (local.get 0)))

  (func (export "size") (result i64) (memory.size $m))
  (func (export "grow") (param i64) (result i64) (memory.grow $m (local.get 0)))
  (func (export "fill") (param i64 i32 i64)
    (memory.fill $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy") (param i64 i64 i64)
    (memory.copy $m $m (local.get 0) (local.get 1) (local.get 2)))
  ;; Between a 64-bit and a 32-bit memory the length is an i32.
  (func (export "copy_to_small") (param i32 i64 i32)
    (memory.copy $small $m (local.get 0) (local.get 1) (local.get 2)))
  (func (export "copy_from_small") (param i64 i32 i32)
    (memory.copy $m $small (local.get 0) (local.get 1) (local.get 2)))
  (func (export "small_load8") (param i32) (result i32) (i32.load8_u $small (local.get 0)))
  (func (export "init") (param i64 i32 i32)
    (memory.init $m $passive (local.get 0) (local.get 1) (local.get 2)))

  (func (export "call") (param i64) (result i32) (call_indirect $t (type $ii) (local.get 0)))
  (func (export "table_size") (result i64) (table.size $t))
  (func (export "table_grow") (param i64) (result i64) (table.grow $t (ref.null func) (local.get 0)))
  (func (export "table_is_null") (param i64) (result i32) (ref.is_null (table.get $t (local.get 0))))
  (func (export "table_set_seven") (param i64) (table.set $t (local.get 0) (ref.func $seven)))
  (func (export "table_fill_eight") (param i64 i64)
    (table.fill $t (local.get 0) (ref.func $eight) (local.get 1)))
)

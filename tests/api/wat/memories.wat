;; Two memories (multi-memory): memory 0 imported from the host, memory 1
;; defined and exported; `copy` moves bytes from memory 0 to memory 1.
(module
  (import "host" "memory" (memory $in 1 2))
  (memory $out (export "out") 1 3)
  (data (memory $out) (i32.const 0) "out")
  (func (export "copy") (param $dst i32) (param $src i32) (param $n i32)
    (memory.copy $out $in (local.get $dst) (local.get $src) (local.get $n)))
  (func (export "sum") (param $at i32) (result i32)
    (i32.add (i32.load8_u $in (local.get $at)) (i32.load8_u $out (local.get $at))))
  (func (export "sizes") (result i32)
    (i32.add (i32.mul (memory.size $in) (i32.const 10)) (memory.size $out)))
)

;; Growing memory and a table, for the per-instance resource limits.
(module
  (memory (export "memory") 1)
  (table (export "table") 1 funcref)
  (func (export "grow_memory") (param $pages i32) (result i32)
    (memory.grow (local.get $pages)))
  (func (export "grow_table") (param $elements i32) (result i32)
    (table.grow 0 (ref.null func) (local.get $elements)))
  (func (export "pages") (result i32) (memory.size)))

;; Exports one of each extern kind; consumer.wat imports them all.
(module
  (type $binop (func (param i32 i32) (result i32)))
  (func $add (export "add") (type $binop) (i32.add (local.get 0) (local.get 1)))
  (func $sub (type $binop) (i32.sub (local.get 0) (local.get 1)))
  (memory (export "memory") 1 4)
  (table (export "table") 2 funcref)
  (elem (i32.const 0) $add $sub)
  (global $counter (export "counter") (mut i32) (i32.const 10))
  (global (export "pi") f64 (f64.const 3.5))

  (func (export "load8") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "counter_value") (result i32) (global.get $counter))
  ;; Calls whatever is in table slot i (another instance may have put it there).
  (func (export "call_slot") (param i32 i32 i32) (result i32)
    (call_indirect (type $binop) (local.get 1) (local.get 2) (local.get 0)))
  (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1))))

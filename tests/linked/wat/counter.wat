;; A counter: linked twice under two names, each instance keeps its own count.
(module $counter
  (global $count (export "count") (mut i32) (i32.const 0))
  (func (export "next") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count)))

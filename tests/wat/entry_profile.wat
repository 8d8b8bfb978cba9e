;; Functions for the entry-profile tests (e2e_entry_profile_test.cpp):
;; a calls b; c calls d, which loops; e is never called by the tests.
(module
  (func $a (export "a") (param i32) (result i32)
    (call $b (local.get 0)))
  (func $b (param i32) (result i32)
    (i32.mul (local.get 0) (i32.const 3)))
  (func $c (export "c") (param i32) (result i32)
    (i32.add (call $d (local.get 0)) (i32.const 1)))
  (func $d (param $n i32) (result i32) (local $sum i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (i32.add (local.get $sum) (local.get $n)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $sum))
  (func $e (export "e") (result i32) (i32.const 42)))

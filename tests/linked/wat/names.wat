;; Export names that are not C identifiers, are keywords or clash: the
;; generated header must still compile in C and C++ and reach every export.
(module $names
  (func $seven (result i32) (i32.const 7))
  (func $eight (result i32) (i32.const 8))
  (export "a-b" (func $seven))
  (export "a_b" (func $eight))
  (export "delete" (func $seven))
  (export "Instance" (func $seven))
  (export "module" (func $seven))
  (export "instance" (func $seven))
  (export "class" (func $seven))
  (export "x*/y" (func $seven))
  (export "\u{fc}ber" (func $eight))
  (export "" (func $eight))
  (export "nul\00inside" (func $eight))
  (export "9lives" (func $seven))
  (export "a\"quote\\?" (func $eight)))

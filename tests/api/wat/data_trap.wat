;; An active data segment that ends past the memory: instantiation traps.
(module
  (memory 1)
  (data (i32.const 65535) "ab"))

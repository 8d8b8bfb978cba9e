;; MDN's simple.wat (the WebAssembly JavaScript API examples): exported_func
;; calls the host's imports.imported_func with 42.
(module
  (func $i (import "imports" "imported_func") (param i32))
  (func (export "exported_func")
    i32.const 42
    call $i))

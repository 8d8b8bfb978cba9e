;; Exports "add" with provider.wat's signature but subtracting, so a test can
;; tell which module's code it runs after load/unload cycles.
(module
  (func (export "add") (param i32 i32) (result i32) (i32.sub (local.get 0) (local.get 1))))

;; The start function traps: instantiation fails with a RuntimeError.
(module
  (func $start unreachable)
  (start $start))

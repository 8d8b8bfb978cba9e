;; Call-overhead benchmark module (bench/call_bench.cpp).
;;   empty            () -> ()            host -> wasm: nothing to do
;;   add              (i32, i32) -> i32   host -> wasm with arguments and a result
;;   call_host n      calls the imported host function `host.nop` n times
;;   call_wasm n      calls the defined (not inlinable) `$callee` n times
;;                    through a table, the wasm -> wasm baseline for call_host;
;;                    the table is exported so that the compiler cannot treat
;;                    it as constant and turn the call_indirect into a direct one
;;   tail_wasm n      n tail calls (return_call_indirect) through the same table:
;;                    $countdown jumps to itself until n is 0 (Wasm 3.0 tail
;;                    calls: tailcc + musttail, a jump instead of call + return)
(module
  (import "host" "nop" (func $host_nop))
  (table (export "table") 2 2 funcref)
  (elem (i32.const 0) $callee $countdown)
  (type $void (func))
  (type $count (func (param i32)))
  (func $countdown (type $count)
    (if (i32.eqz (local.get 0)) (then (return)))
    (return_call_indirect (type $count) (i32.sub (local.get 0) (i32.const 1)) (i32.const 1)))
  (func (export "tail_wasm") (param $n i32)
    (call $countdown (local.get $n)))
  (func $callee)
  (func (export "empty"))
  (func (export "add") (param i32 i32) (result i32)
    (i32.add (local.get 0) (local.get 1)))
  (func (export "call_host") (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call $host_nop)
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))
  (func (export "call_wasm") (param $n i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (call_indirect (type $void) (i32.const 0))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))))

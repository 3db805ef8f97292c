;; A broken rule for tests and demos of containment: er_on_events never returns.
;; The loop ends in br_if (not br) on purpose: Chicory's interpreter cannot interrupt such a loop,
;; compiled code can, and the gateway must stop it at the rule's deadline and quarantine it.
(module
  (memory (export "memory") 1 2)
  (global $spins (mut i32) (i32.const 0))
  (func (export "edgerule_abi_v1"))
  (func (export "er_init") (result i32) (i32.const 0))
  (func (export "er_buffer") (param $bytes i32) (result i32)
    (if (i32.gt_u (local.get $bytes) (i32.const 32768)) (then (return (i32.const 0))))
    (i32.const 32768))
  (func (export "er_on_events") (param $ptr i32) (param $count i32) (result i32)
    (loop $forever
      (global.set $spins (i32.add (global.get $spins) (i32.const 1)))
      (br_if $forever (i32.const 1)))
    (i32.const 0))
)

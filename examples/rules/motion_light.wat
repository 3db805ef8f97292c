;; Motion switches a light (rule ABI v1): hall_light/on_off follows hall_motion/occupancy.
;; It writes only when the occupancy changes (a sensor repeats its value at every report), and
;; only GOOD bool samples count: a BAD "device left" sample leaves the light as it is.
(module
  (import "gw" "point_id" (func $point_id (param i32 i32) (result i32)))
  (import "gw" "write_bool" (func $write_bool (param i32 i32) (result i32)))

  (memory (export "memory") 1 2)

  (data (i32.const 0) "hall_motion/occupancy")                   ;; 21 bytes at 0
  (data (i32.const 32) "hall_light/on_off")                      ;; 17 bytes at 32

  (global $motion (mut i32) (i32.const -1))
  (global $light (mut i32) (i32.const -1))
  (global $last (mut i32) (i32.const -1))                        ;; last state written, -1 none

  (func (export "edgerule_abi_v1"))

  (func (export "er_init") (result i32)
    (global.set $motion (call $point_id (i32.const 0) (i32.const 21)))
    (global.set $light (call $point_id (i32.const 32) (i32.const 17)))
    ;; a negative id means the manifest does not grant the point: fail the load
    (select (i32.const -1) (i32.const 0)
      (i32.or (i32.lt_s (global.get $motion) (i32.const 0))
              (i32.lt_s (global.get $light) (i32.const 0)))))

  ;; Batches go to the second page, grown on first use.
  (func (export "er_buffer") (param $bytes i32) (result i32)
    (if (i32.gt_u (local.get $bytes) (i32.const 65536)) (then (return (i32.const 0))))
    (if (i32.lt_u (memory.size) (i32.const 2))
      (then (if (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0))
        (then (return (i32.const 0))))))
    (i32.const 65536))

  (func (export "er_on_events") (param $ptr i32) (param $count i32) (result i32)
    (local $end i32) (local $on i32)
    (local.set $end (i32.add (local.get $ptr) (i32.mul (local.get $count) (i32.const 32))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (if (i32.and
              (i32.and
                (i32.eq (i32.load offset=0 (local.get $ptr)) (global.get $motion))
                (i32.eqz (i32.load8_u offset=5 (local.get $ptr))))         ;; quality GOOD
              (i32.eq (i32.load8_u offset=4 (local.get $ptr)) (i32.const 1))) ;; bool
          (then
            (local.set $on (i64.ne (i64.load offset=8 (local.get $ptr)) (i64.const 0)))
            (if (i32.ne (local.get $on) (global.get $last))
              (then
                (drop (call $write_bool (global.get $light) (local.get $on)))
                (global.set $last (local.get $on))))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (br $next)))
    (i32.const 0))
)

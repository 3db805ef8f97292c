;; Over-temperature alarm with hysteresis, written directly in WebAssembly text (ABI v1).
;;   raise alarm "overtemp" when tank/temperature rises above 80.0
;;   clear it when the temperature falls below 75.0
;; Between 75 and 80 nothing changes, so a noisy reading near one threshold cannot make the alarm
;; flap. Only GOOD float/int samples count. It publishes nothing else.
(module
  (import "gw" "point_id" (func $point_id (param i32 i32) (result i32)))
  (import "gw" "alarm_raise" (func $alarm_raise (param i32 i32 i32 i32 i32) (result i32)))
  (import "gw" "alarm_clear" (func $alarm_clear (param i32 i32) (result i32)))

  (memory (export "memory") 1 2)

  (data (i32.const 0) "tank/temperature")                        ;; 16 bytes at 0
  (data (i32.const 16) "overtemp")                               ;; 8 bytes at 16
  (data (i32.const 32) "tank/temperature above 80.0")            ;; 27 bytes at 32

  (global $temp_id (mut i32) (i32.const -1))
  (global $active (mut i32) (i32.const 0))

  (func (export "edgerule_abi_v1"))

  (func (export "er_init") (result i32)
    (global.set $temp_id (call $point_id (i32.const 0) (i32.const 16)))
    ;; a negative id means the manifest does not grant the point: fail the load
    (select (i32.const -1) (i32.const 0) (i32.lt_s (global.get $temp_id) (i32.const 0))))

  ;; Batches go to a fixed region from 64 KiB on: the second page, grown on first use.
  (func (export "er_buffer") (param $bytes i32) (result i32)
    (if (i32.gt_u (local.get $bytes) (i32.const 65536)) (then (return (i32.const 0))))
    (if (i32.lt_u (memory.size) (i32.const 2))
      (then (if (i32.lt_s (memory.grow (i32.const 1)) (i32.const 0))
        (then (return (i32.const 0))))))
    (i32.const 65536))

  (func (export "er_on_events") (param $ptr i32) (param $count i32) (result i32)
    (local $end i32) (local $value f64) (local $type i32)
    (local.set $end (i32.add (local.get $ptr) (i32.mul (local.get $count) (i32.const 32))))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $type (i32.load8_u offset=4 (local.get $ptr)))
        (if (i32.and
              (i32.eq (i32.load offset=0 (local.get $ptr)) (global.get $temp_id))
              (i32.eqz (i32.load8_u offset=5 (local.get $ptr))))          ;; quality GOOD
          (then
            (if (i32.eq (local.get $type) (i32.const 3))                  ;; float64
              (then (local.set $value (f64.load offset=8 (local.get $ptr))))
              (else (local.set $value                                     ;; int64 or else NaN
                (if (result f64) (i32.eq (local.get $type) (i32.const 2))
                  (then (f64.convert_i64_s (i64.load offset=8 (local.get $ptr))))
                  (else (f64.const nan))))))
            (if (i32.and (i32.eqz (global.get $active)) (f64.gt (local.get $value) (f64.const 80.0)))
              (then
                (drop (call $alarm_raise (i32.const 16) (i32.const 8) (i32.const 700)
                                         (i32.const 32) (i32.const 27)))
                (global.set $active (i32.const 1))))
            (if (i32.and (global.get $active) (f64.lt (local.get $value) (f64.const 75.0)))
              (then
                (drop (call $alarm_clear (i32.const 16) (i32.const 8)))
                (global.set $active (i32.const 0))))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (br $next)))
    (i32.const 0))
)

//! Threshold alarm with hysteresis (the Rust twin of threshold_alarm.c): raises 'boiler/overtemp'
//! at 90.0 and clears it only below 85.0, on transitions and GOOD samples only.
#![no_std]

use edgerule_rule as er;

const RAISE_AT: f64 = 90.0;
const CLEAR_BELOW: f64 = 85.0;

static mut TEMPERATURE: i32 = -1;
static mut RAISED: bool = false;

#[no_mangle]
pub extern "C" fn er_init() -> i32 {
    let id = er::point_id("boiler/temperature");
    if id < 0 {
        er::log(er::ERROR, "boiler/temperature must be an input of the manifest");
        return -1;
    }
    unsafe { TEMPERATURE = id };
    er::OK
}

#[no_mangle]
pub unsafe extern "C" fn er_on_events(ptr: *const er::Event, count: i32) -> i32 {
    // The events this rule wants, as their first 8 bytes read (one load and compare per event).
    let good_f64 = er::key(TEMPERATURE, er::FLOAT64, er::GOOD);
    let good_i64 = er::key(TEMPERATURE, er::INT64, er::GOOD);
    let good_bool = er::key(TEMPERATURE, er::BOOL, er::GOOD);
    for e in er::events(ptr, count) {
        let k = e.key();
        let t = if k == good_f64 {
            f64::from_bits(e.value as u64)
        } else if k == good_i64 || k == good_bool {
            e.value as f64
        } else {
            continue; // another point, not GOOD, or not a number
        };
        if !RAISED && t >= RAISE_AT {
            er::alarm_raise("boiler/overtemp", 700, "boiler temperature reached 90.0");
            RAISED = true;
        } else if RAISED && t < CLEAR_BELOW {
            er::alarm_clear("boiler/overtemp");
            RAISED = false;
        }
    }
    er::OK
}

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable() // a trap: the batch fails and commits nothing
}

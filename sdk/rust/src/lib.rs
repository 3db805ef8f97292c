//! edgerule rule ABI v1 for Rust (`no_std`, `wasm32-unknown-unknown`).
//! Reference: docs/reference/rule-abi.md. How-to: docs/how-to/write-a-rule.md.
//!
//! Linking this crate exports the ABI marker `edgerule_abi_v1` and a default `er_buffer` (fresh
//! pages at the end of memory; nothing else grows memory in a `no_std` rule without an allocator).
//! The rule defines `er_init` and `er_on_events` (and `er_on_tick` if its manifest sets a tick)
//! with `#[no_mangle] pub extern "C"`, and a `#[panic_handler]` (see `examples/rules/rust/`).
#![no_std]

/// Status codes.
pub const OK: i32 = 0;
pub const ERR_INVALID: i32 = -1;
pub const ERR_NOT_FOUND: i32 = -2;
pub const ERR_DENIED: i32 = -3;
pub const ERR_STATE: i32 = -4;

/// Value types and qualities of an event record.
pub const NONE: u8 = 0;
pub const BOOL: u8 = 1;
pub const INT64: u8 = 2;
pub const FLOAT64: u8 = 3;
pub const STRING: u8 = 4;
pub const BYTES: u8 = 5;
pub const GOOD: u8 = 0;
pub const UNCERTAIN: u8 = 1;
pub const BAD: u8 = 2;

/// Publish flags and log levels.
pub const QOS0: i32 = 0;
pub const QOS1: i32 = 1;
pub const QOS2: i32 = 2;
pub const RETAIN: i32 = 4;
pub const TRACE: i32 = 0;
pub const DEBUG: i32 = 1;
pub const INFO: i32 = 2;
pub const WARN: i32 = 3;
pub const ERROR: i32 = 4;

/// One 32-byte event record, exactly as the host writes it.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct Event {
    pub point_id: i32,
    pub value_type: u8,
    pub quality: u8,
    pub flags: u16,
    /// bool (0/1) and int64 as is, float64 as its bits, string/bytes as u32 address | u32 length << 32.
    pub value: i64,
    pub source_time_ms: i64,
    pub sequence: i64,
}

const _: () = assert!(core::mem::size_of::<Event>() == 32);

/// What a wanted event's first 8 bytes read as (see [`Event::key`]): point id, value type and
/// quality in one integer. Build it once per batch, e.g. `er::key(id, er::FLOAT64, er::GOOD)`.
pub const fn key(point_id: i32, value_type: u8, quality: u8) -> u64 {
    (point_id as u32 as u64) | (value_type as u64) << 32 | (quality as u64) << 40
}

impl Event {
    /// The record's first 8 bytes as one little-endian integer, the reserved `flags` masked off:
    /// `e.key() == er::key(id, er::FLOAT64, er::GOOD)` selects an event with one load and one
    /// compare instead of three loads and three tests (every load of a compiled rule is
    /// bounds-checked; docs/benchmarks.md).
    pub fn key(&self) -> u64 {
        // SAFETY: Event is repr(C), 8-aligned and starts with these 8 bytes; wasm32 is little-endian.
        unsafe { *(self as *const Event as *const u64) & 0xffff_ffff_ffff }
    }
    pub fn is_good(&self) -> bool {
        self.quality == GOOD
    }
    pub fn is_numeric(&self) -> bool {
        matches!(self.value_type, BOOL | INT64 | FLOAT64)
    }
    /// BOOL, INT64 or FLOAT64 as f64; 0 for the others.
    pub fn as_f64(&self) -> f64 {
        match self.value_type {
            FLOAT64 => f64::from_bits(self.value as u64),
            BOOL | INT64 => self.value as f64,
            _ => 0.0,
        }
    }
    pub fn as_bool(&self) -> bool {
        self.value != 0
    }
    /// STRING/BYTES: the data the record points at.
    pub fn data(&self) -> &[u8] {
        let ptr = (self.value as u64 & 0xffff_ffff) as usize as *const u8;
        let len = (self.value as u64 >> 32) as usize;
        unsafe { core::slice::from_raw_parts(ptr, len) }
    }
}

/// The records of a batch handed to `er_on_events(ptr, count)`.
///
/// # Safety
/// `ptr` and `count` must be the arguments the host passed to `er_on_events`.
pub unsafe fn events<'a>(ptr: *const Event, count: i32) -> &'a [Event] {
    if count <= 0 {
        return &[];
    }
    core::slice::from_raw_parts(ptr, count as usize)
}

/// The raw `gw` imports. Prefer the safe wrappers below.
pub mod gw {
    #[link(wasm_import_module = "gw")]
    extern "C" {
        pub fn point_id(name: *const u8, len: i32) -> i32;
        pub fn topic_id(name: *const u8, len: i32) -> i32;
        pub fn point_name(id: i32, buf: *mut u8, cap: i32) -> i32;
        pub fn now_ms() -> i64;
        pub fn write_bool(point: i32, value: i32) -> i32;
        pub fn write_i64(point: i32, value: i64) -> i32;
        pub fn write_f64(point: i32, value: f64) -> i32;
        pub fn publish(topic: i32, ptr: *const u8, len: i32, flags: i32) -> i32;
        pub fn alarm_raise(name: *const u8, name_len: i32, severity: i32, msg: *const u8, msg_len: i32) -> i32;
        pub fn alarm_clear(name: *const u8, name_len: i32) -> i32;
        pub fn log(level: i32, msg: *const u8, len: i32);
        pub fn state_get(key: *const u8, key_len: i32, buf: *mut u8, cap: i32) -> i32;
        pub fn state_put(key: *const u8, key_len: i32, value: *const u8, len: i32) -> i32;
    }
}

// Each wrapper imports its host function only when the rule uses it: the gateway refuses imports
// the manifest does not grant, so an unused wrapper must not drag its import in (it does not:
// unused functions and their imports are dropped by the linker).

/// Resolves a point name (only in `er_init`); negative status if not granted.
pub fn point_id(name: &str) -> i32 {
    unsafe { gw::point_id(name.as_ptr(), name.len() as i32) }
}
/// Resolves a relative topic the manifest grants (only in `er_init`).
pub fn topic_id(name: &str) -> i32 {
    unsafe { gw::topic_id(name.as_ptr(), name.len() as i32) }
}
/// Writes the point's name into `buf`; its full length, or a negative status.
pub fn point_name(id: i32, buf: &mut [u8]) -> i32 {
    unsafe { gw::point_name(id, buf.as_mut_ptr(), buf.len() as i32) }
}
/// The gateway's clock (virtual in `edgerule rule test`), Unix epoch milliseconds.
pub fn now_ms() -> i64 {
    unsafe { gw::now_ms() }
}
pub fn write_bool(point: i32, value: bool) {
    unsafe { gw::write_bool(point, value as i32) };
}
pub fn write_i64(point: i32, value: i64) {
    unsafe { gw::write_i64(point, value) };
}
pub fn write_f64(point: i32, value: f64) {
    unsafe { gw::write_f64(point, value) };
}
pub fn publish(topic: i32, payload: &[u8], flags: i32) {
    unsafe { gw::publish(topic, payload.as_ptr(), payload.len() as i32, flags) };
}
pub fn alarm_raise(name: &str, severity: i32, message: &str) {
    unsafe {
        gw::alarm_raise(name.as_ptr(), name.len() as i32, severity, message.as_ptr(), message.len() as i32)
    };
}
pub fn alarm_clear(name: &str) {
    unsafe { gw::alarm_clear(name.as_ptr(), name.len() as i32) };
}
pub fn log(level: i32, message: &str) {
    unsafe { gw::log(level, message.as_ptr(), message.len() as i32) };
}
/// Copies up to `buf.len()` bytes of the key's value into `buf`; its full length or ERR_NOT_FOUND.
pub fn state_get(key: &str, buf: &mut [u8]) -> i32 {
    unsafe { gw::state_get(key.as_ptr(), key.len() as i32, buf.as_mut_ptr(), buf.len() as i32) }
}
/// Stores the bytes under the key (empty deletes it); only in er_on_events / er_on_tick.
pub fn state_put(key: &str, value: &[u8]) -> i32 {
    unsafe { gw::state_put(key.as_ptr(), key.len() as i32, value.as_ptr(), value.len() as i32) }
}

/// The ABI version marker; the host refuses modules without it. Never called.
#[no_mangle]
pub extern "C" fn edgerule_abi_v1() {}

static mut BUFFER: usize = 0;
static mut CAPACITY: usize = 0;

/// The region the host writes batches into: fresh pages at the end of memory, asked again only
/// when a batch needs more; 0 (the batch fails cleanly) beyond the rule's memory_pages limit.
#[no_mangle]
pub extern "C" fn er_buffer(bytes: i32) -> i32 {
    unsafe {
        if bytes as usize <= CAPACITY {
            return BUFFER as i32;
        }
        let pages = (bytes as usize + 65535) / 65536;
        let old = core::arch::wasm32::memory_grow(0, pages);
        if old == usize::MAX {
            return 0;
        }
        BUFFER = old * 65536;
        CAPACITY = pages * 65536;
        BUFFER as i32
    }
}

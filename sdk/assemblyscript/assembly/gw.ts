// The raw `gw` imports of ABI v1 (docs/reference/rule-abi.md). Prefer the wrappers in index.ts.

@external("gw", "point_id")
export declare function point_id(name: usize, len: i32): i32;
@external("gw", "topic_id")
export declare function topic_id(name: usize, len: i32): i32;
@external("gw", "point_name")
export declare function point_name(id: i32, buf: usize, cap: i32): i32;
@external("gw", "now_ms")
export declare function now_ms(): i64;
@external("gw", "write_bool")
export declare function write_bool(point: i32, value: i32): i32;
@external("gw", "write_i64")
export declare function write_i64(point: i32, value: i64): i32;
@external("gw", "write_f64")
export declare function write_f64(point: i32, value: f64): i32;
@external("gw", "publish")
export declare function publish(topic: i32, ptr: usize, len: i32, flags: i32): i32;
@external("gw", "alarm_raise")
export declare function alarm_raise(name: usize, nameLen: i32, severity: i32, msg: usize, msgLen: i32): i32;
@external("gw", "alarm_clear")
export declare function alarm_clear(name: usize, nameLen: i32): i32;
@external("gw", "log")
export declare function log(level: i32, msg: usize, len: i32): void;
@external("gw", "state_get")
export declare function state_get(key: usize, keyLen: i32, buf: usize, cap: i32): i32;
@external("gw", "state_put")
export declare function state_put(key: usize, keyLen: i32, value: usize, len: i32): i32;

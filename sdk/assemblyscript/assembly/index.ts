// edgerule rule ABI v1 for AssemblyScript (asc 0.28; build with --use abort=, and see
// docs/how-to/write-a-rule.md for --runtime incremental or stub).
// Reference: docs/reference/rule-abi.md. How-to: docs/how-to/write-a-rule.md.
//
// A rule's entry file re-exports the ABI plumbing and defines er_init and er_on_events:
//
//   export { edgerule_abi_v1, er_buffer } from "@edgerule/rule-sdk";
//   import { Event, pointId, writeBool, OK } from "@edgerule/rule-sdk";
//   export function er_init(): i32 { ... return OK; }
//   export function er_on_events(ptr: usize, count: i32): i32 { ... return OK; }

import * as gw from "./gw";

// ---- status codes ----
export const OK: i32 = 0;
export const ERR_INVALID: i32 = -1;
export const ERR_NOT_FOUND: i32 = -2;
export const ERR_DENIED: i32 = -3;
export const ERR_STATE: i32 = -4;

// ---- event record (32 bytes, little-endian) ----
export const RECORD_SIZE: i32 = 32;

export enum ValueType {
  NONE = 0,
  BOOL = 1,
  INT64 = 2,
  FLOAT64 = 3,
  STRING = 4,
  BYTES = 5,
}

export enum Quality {
  GOOD = 0,
  UNCERTAIN = 1,
  BAD = 2,
}

// Publish flags and log levels.
export const QOS0: i32 = 0;
export const QOS1: i32 = 1;
export const QOS2: i32 = 2;
export const RETAIN: i32 = 4;
export const TRACE: i32 = 0;
export const DEBUG: i32 = 1;
export const INFO: i32 = 2;
export const WARN: i32 = 3;
export const ERROR: i32 = 4;

/**
 * What a wanted event's first 8 bytes read as (see {@link Event.key}): point id, value type and
 * quality in one integer. Build it once per batch, e.g. `key(id, ValueType.FLOAT64, Quality.GOOD)`.
 */
@inline export function key(pointId: i32, type: ValueType, quality: Quality): u64 {
  return <u64><u32>pointId | (<u64>type << 32) | (<u64>quality << 40);
}

/**
 * A view of one event record in the batch. It does not copy: read it during er_on_events only
 * (the host reuses the batch region for the next batch).
 */
@unmanaged
export class Event {
  pointId: i32;
  valueType: u8;
  quality: u8;
  flags: u16;
  value: i64;
  sourceTimeMs: i64;
  sequence: i64;

  /** The i-th record of a batch at `ptr`. */
  @inline static at(ptr: usize, i: i32): Event {
    return changetype<Event>(ptr + <usize>i * RECORD_SIZE);
  }

  /**
   * The record's first 8 bytes as one little-endian integer, the reserved `flags` masked off:
   * `e.key == key(id, ValueType.FLOAT64, Quality.GOOD)` selects an event with one load and one
   * compare instead of three loads and three tests (every load of a compiled rule is
   * bounds-checked; docs/benchmarks.md).
   */
  @inline get key(): u64 {
    return load<u64>(changetype<usize>(this)) & 0xffffffffffff;
  }

  @inline get isGood(): bool {
    return this.quality == Quality.GOOD;
  }

  @inline get isNumeric(): bool {
    const t = this.valueType;
    return t == ValueType.BOOL || t == ValueType.INT64 || t == ValueType.FLOAT64;
  }

  /** BOOL, INT64 or FLOAT64 as a double; 0 for the other types. */
  @inline get asF64(): f64 {
    const t = this.valueType;
    if (t == ValueType.FLOAT64) return reinterpret<f64>(this.value);
    if (t == ValueType.BOOL || t == ValueType.INT64) return <f64>this.value;
    return 0;
  }

  @inline get asBool(): bool {
    return this.value != 0;
  }

  /** STRING/BYTES: the data's address and length in memory. */
  @inline get dataPtr(): usize {
    return <usize>(<u32>(this.value & 0xffffffff));
  }

  @inline get dataLen(): i32 {
    return <i32>(this.value >>> 32);
  }

  /** A STRING value decoded (allocates: avoid in hot paths). */
  text(): string {
    return String.UTF8.decodeUnsafe(this.dataPtr, this.dataLen);
  }
}

// ---- lookups (only during er_init) ----

/** Resolves a point name (`device/point`) to an id; negative status if not granted. */
export function pointId(name: string): i32 {
  const utf8 = String.UTF8.encode(name);
  return gw.point_id(changetype<usize>(utf8), utf8.byteLength);
}

/** Resolves a relative MQTT topic the manifest grants to an id. */
export function topicId(name: string): i32 {
  const utf8 = String.UTF8.encode(name);
  return gw.topic_id(changetype<usize>(utf8), utf8.byteLength);
}

/** The name of a point id (e.g. one the host assigned), or null for an unknown id. */
export function pointName(id: i32): string | null {
  const buf = new ArrayBuffer(256);
  const n = gw.point_name(id, changetype<usize>(buf), 256);
  if (n < 0) return null;
  return String.UTF8.decodeUnsafe(changetype<usize>(buf), min(n, 256));
}

/** The gateway's clock (virtual in `edgerule rule test`), Unix epoch milliseconds. */
@inline export function nowMs(): i64 {
  return gw.now_ms();
}

// ---- emits (stage an action; the batch commits only if the export returns OK) ----

@inline export function writeBool(point: i32, value: bool): void {
  gw.write_bool(point, value ? 1 : 0);
}

@inline export function writeI64(point: i32, value: i64): void {
  gw.write_i64(point, value);
}

@inline export function writeF64(point: i32, value: f64): void {
  gw.write_f64(point, value);
}

/** Publishes UTF-8 text on a topic id from topicId. */
export function publish(topic: i32, payload: string, flags: i32 = QOS0): void {
  const utf8 = String.UTF8.encode(payload);
  gw.publish(topic, changetype<usize>(utf8), utf8.byteLength, flags);
}

/** Publishes raw bytes on a topic id from topicId. */
export function publishBytes(topic: i32, ptr: usize, len: i32, flags: i32 = QOS0): void {
  gw.publish(topic, ptr, len, flags);
}

export function alarmRaise(name: string, severity: i32, message: string): void {
  const n = String.UTF8.encode(name);
  const m = String.UTF8.encode(message);
  gw.alarm_raise(changetype<usize>(n), n.byteLength, severity, changetype<usize>(m), m.byteLength);
}

export function alarmClear(name: string): void {
  const n = String.UTF8.encode(name);
  gw.alarm_clear(changetype<usize>(n), n.byteLength);
}

export function log(level: i32, message: string): void {
  const m = String.UTF8.encode(message);
  gw.log(level, changetype<usize>(m), m.byteLength);
}

// ---- persistent state (needs limits.state_bytes > 0) ----
// Survives restarts, faults and hot swap; a call's puts are saved only if the call commits.
// statePut works only in er_on_events / er_on_tick (ERR_STATE during er_init). Keys: 1..128 bytes.

/** Copies up to `cap` bytes of the key's value to `buf`; its full length, or ERR_NOT_FOUND. */
export function stateGet(key: string, buf: usize, cap: i32): i32 {
  const k = String.UTF8.encode(key);
  return gw.state_get(changetype<usize>(k), k.byteLength, buf, cap);
}

/** Stores `len` bytes at `ptr` under the key (0 bytes deletes it); a status code. */
export function statePut(key: string, ptr: usize, len: i32): i32 {
  const k = String.UTF8.encode(key);
  return gw.state_put(changetype<usize>(k), k.byteLength, ptr, len);
}

// ---- ABI plumbing: re-export these two from the rule's entry file ----

/** The ABI version marker; the host refuses modules without it. Never called. */
export function edgerule_abi_v1(): void {}

let bufferAt: usize = 0;
let bufferCapacity: usize = 0;

/**
 * The region the host writes batches into. It comes from the runtime's heap (never from a raw
 * memory.grow, which the runtime's own allocator would later run into), 16-byte aligned, and is
 * replaced by a larger one only when a batch needs more. When the rule's memory_pages limit leaves
 * no room, the allocation traps and the batch fails (TRAP) without committing anything.
 */
export function er_buffer(bytes: i32): usize {
  if (<usize>bytes <= bufferCapacity) return bufferAt;
  const want = max<usize>(<usize>bytes, max<usize>(bufferCapacity << 1, 4096));
  if (bufferAt != 0) heap.free(bufferAt);
  bufferAt = 0;
  bufferCapacity = 0;
  if (want > 0x7fff0000) return 0;
  const at = heap.alloc(want);
  bufferAt = at;
  bufferCapacity = want;
  return at;
}

/**
 * `v` with `decimals` digits after the point (0..9), rounded half away from zero, e.g. "-12.50":
 * the same digits as the C SDK's er_format_fixed, so rules in both languages publish the same text.
 */
export function formatFixed(v: f64, decimals: i32): string {
  let scale: u64 = 1;
  for (let i = 0; i < decimals; i++) scale *= 10;
  let text = "";
  if (v < 0) {
    text = "-";
    v = -v;
  }
  const scaled = v * <f64>scale + 0.5;
  const q: u64 = scaled >= 9.0e18 ? 9000000000000000000 : <u64>scaled;
  text += (q / scale).toString();
  if (decimals > 0) {
    let frac = (q % scale).toString();
    while (frac.length < decimals) frac = "0" + frac;
    text += "." + frac;
  }
  return text;
}

// Stateful pump controller (the AssemblyScript twin of pump_controller.c): on at >= 80 %, off at
// <= 20 %, never restarted within 60 s of stopping; pump state, starts and last stop survive
// restarts, faults and hot swaps in the rule's persistent state (16 bytes, the C struct's layout).
export { edgerule_abi_v1, er_buffer } from "@edgerule/rule-sdk";
import { Event, OK, ERROR, log, nowMs, pointId, stateGet, statePut, writeBool } from "@edgerule/rule-sdk";

const START_AT: f64 = 80.0;
const STOP_AT: f64 = 20.0;
const MIN_OFF_MS: i64 = 60000;

// on: i32 (-1 unknown, 0 off, 1 on) at 0, starts: i32 at 4, stopped_at_ms: i64 at 8.
const memory16 = new StaticArray<u8>(16);

let level: i32 = -1;
let pump: i32 = -1;
let on: i32 = -1;
let starts: i32 = 0;
let stoppedAtMs: i64 = 0;

export function er_init(): i32 {
  level = pointId("tank/level");
  pump = pointId("tank/pump");
  if (level < 0 || pump < 0) {
    log(ERROR, "tank/level and tank/pump must be granted by the manifest");
    return -1;
  }
  const buf = changetype<usize>(memory16);
  if (stateGet("pump", buf, 16) == 16) {
    on = load<i32>(buf, 0);
    starts = load<i32>(buf, 4);
    stoppedAtMs = load<i64>(buf, 8);
  }
  return OK;
}

export function er_on_events(ptr: usize, count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const e = Event.at(ptr, i);
    if (e.pointId != level || !e.isGood || !e.isNumeric) continue;
    const value = e.asF64;
    const now = nowMs();
    if (on != 1 && value >= START_AT && (stoppedAtMs == 0 || now - stoppedAtMs >= MIN_OFF_MS)) {
      writeBool(pump, true);
      on = 1;
      starts++;
    } else if (on != 0 && value <= STOP_AT) {
      writeBool(pump, false);
      on = 0;
      stoppedAtMs = now;
    } else {
      continue;
    }
    const buf = changetype<usize>(memory16);
    store<i32>(buf, on, 0);
    store<i32>(buf, starts, 4);
    store<i64>(buf, stoppedAtMs, 8);
    if (statePut("pump", buf, 16) != OK) return -1; // not saved: commit nothing
  }
  return OK;
}

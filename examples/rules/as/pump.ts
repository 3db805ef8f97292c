// Pump controller (the AssemblyScript twin of pump.c): pump on at level >= 80 %, off at <= 20 %,
// written only when the wanted state changes.
export { edgerule_abi_v1, er_buffer } from "@edgerule/rule-sdk";
import { Event, OK, ERROR, log, pointId, writeBool } from "@edgerule/rule-sdk";

const START_AT: f64 = 80.0;
const STOP_AT: f64 = 20.0;
const UNKNOWN = -1;
const OFF = 0;
const ON = 1;

let level: i32 = -1;
let pump: i32 = -1;
let pumpState = UNKNOWN;

export function er_init(): i32 {
  level = pointId("tank/level");
  pump = pointId("tank/pump");
  if (level < 0 || pump < 0) {
    log(ERROR, "tank/level and tank/pump must be granted by the manifest");
    return -1;
  }
  return OK;
}

export function er_on_events(ptr: usize, count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const e = Event.at(ptr, i);
    if (e.pointId != level || !e.isGood || !e.isNumeric) continue;
    const value = e.asF64;
    let want = pumpState;
    if (value >= START_AT) {
      want = ON;
    } else if (value <= STOP_AT) {
      want = OFF;
    }
    if (want != pumpState) {
      writeBool(pump, want == ON);
      pumpState = want;
    }
  }
  return OK;
}

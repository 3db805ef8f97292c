// Motion sensor -> light (the AssemblyScript twin of motion_light.wat and hall_light.c):
// hall_light/on_off follows hall_motion/occupancy, written only when it changes.
export { edgerule_abi_v1, er_buffer } from "@edgerule/rule-sdk";
import { Event, OK, ValueType, pointId, writeBool } from "@edgerule/rule-sdk";

let motion: i32 = -1;
let light: i32 = -1;
let last: i32 = -1; // last state written; -1 none yet

export function er_init(): i32 {
  motion = pointId("hall_motion/occupancy");
  light = pointId("hall_light/on_off");
  return motion < 0 || light < 0 ? -1 : OK;
}

export function er_on_events(ptr: usize, count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const e = Event.at(ptr, i);
    if (e.pointId != motion || !e.isGood || e.valueType != ValueType.BOOL) continue;
    const on: i32 = e.asBool ? 1 : 0;
    if (on != last) {
      writeBool(light, on == 1);
      last = on;
    }
  }
  return OK;
}

// Threshold alarm with hysteresis (the AssemblyScript twin of threshold_alarm.c): raises
// 'boiler/overtemp' at 90.0 and clears it only below 85.0, on transitions and GOOD samples only.
export { edgerule_abi_v1, er_buffer } from "@edgerule/rule-sdk";
import {
  Event,
  OK,
  ERROR,
  Quality,
  ValueType,
  alarmClear,
  alarmRaise,
  key,
  log,
  pointId,
} from "@edgerule/rule-sdk";

const RAISE_AT: f64 = 90.0;
const CLEAR_BELOW: f64 = 85.0;

let temperature: i32 = -1;
let raised = false; // false after init and after a fault: the first hot sample raises again

export function er_init(): i32 {
  temperature = pointId("boiler/temperature");
  if (temperature < 0) {
    log(ERROR, "boiler/temperature must be an input of the manifest");
    return -1;
  }
  return OK;
}

export function er_on_events(ptr: usize, count: i32): i32 {
  // The events this rule wants, as their first 8 bytes read (one load and compare per event).
  const goodF64 = key(temperature, ValueType.FLOAT64, Quality.GOOD);
  const goodI64 = key(temperature, ValueType.INT64, Quality.GOOD);
  const goodBool = key(temperature, ValueType.BOOL, Quality.GOOD);
  for (let i = 0; i < count; i++) {
    const e = Event.at(ptr, i);
    const k = e.key;
    let t: f64;
    if (k == goodF64) {
      t = reinterpret<f64>(e.value);
    } else if (k == goodI64 || k == goodBool) {
      t = <f64>e.value;
    } else {
      continue; // another point, not GOOD, or not a number
    }
    if (!raised && t >= RAISE_AT) {
      alarmRaise("boiler/overtemp", 700, "boiler temperature reached 90.0");
      raised = true;
    } else if (raised && t < CLEAR_BELOW) {
      alarmClear("boiler/overtemp");
      raised = false;
    }
  }
  return OK;
}

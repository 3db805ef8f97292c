// Telemetry reduction (the AssemblyScript twin of deadband.c): the moving average of the last 8
// GOOD tank/level samples, published retained on 'level/average' when it moved by 1.0 or more.
export { edgerule_abi_v1, er_buffer } from "@edgerule/rule-sdk";
import { Event, OK, ERROR, QOS1, RETAIN, formatFixed, log, pointId, publish, topicId } from "@edgerule/rule-sdk";

const WINDOW = 8;
const DEADBAND: f64 = 1.0;

let level: i32 = -1;
let topic: i32 = -1;
const window = new StaticArray<f64>(WINDOW);
let filled = 0;
let next = 0;
let sum: f64 = 0;
let published = false;
let lastPublished: f64 = 0;

export function er_init(): i32 {
  level = pointId("tank/level");
  topic = topicId("level/average");
  if (level < 0 || topic < 0) {
    log(ERROR, "needs input tank/level and topic level/average");
    return -1;
  }
  return OK;
}

function addSample(v: f64): f64 {
  if (filled == WINDOW) {
    sum -= window[next];
  } else {
    filled++;
  }
  window[next] = v;
  sum += v;
  next = (next + 1) % WINDOW;
  return sum / filled;
}

export function er_on_events(ptr: usize, count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const e = Event.at(ptr, i);
    if (e.pointId != level || !e.isGood || !e.isNumeric) continue;
    const average = addSample(e.asF64);
    const moved = average - lastPublished;
    if (!published || moved >= DEADBAND || moved <= -DEADBAND) {
      publish(topic, formatFixed(average, 2), QOS1 | RETAIN);
      published = true;
      lastPublished = average;
    }
  }
  return OK;
}

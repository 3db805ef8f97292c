// Offline watchdog on a tick (the AssemblyScript twin of watchdog.c): raises 'tank/offline' after
// 30 s without a GOOD tank/level sample, clears it at the next one. er_on_tick runs every second
// (the manifest's tick), so silence is noticed although no event arrives.
export { edgerule_abi_v1, er_buffer } from "@edgerule/rule-sdk";
import { Event, OK, ERROR, alarmClear, alarmRaise, log, nowMs, pointId } from "@edgerule/rule-sdk";

const SILENCE_MS: i64 = 30000;

let level: i32 = -1;
let lastSeenMs: i64 = 0;
let offline = false;

export function er_init(): i32 {
  level = pointId("tank/level");
  if (level < 0) {
    log(ERROR, "tank/level must be an input of the manifest");
    return -1;
  }
  lastSeenMs = nowMs(); // a grace period after (re)start
  return OK;
}

export function er_on_events(ptr: usize, count: i32): i32 {
  for (let i = 0; i < count; i++) {
    const e = Event.at(ptr, i);
    if (e.pointId == level && e.isGood) {
      lastSeenMs = nowMs();
      if (offline) {
        alarmClear("tank/offline");
        offline = false;
      }
    }
  }
  return OK;
}

export function er_on_tick(): i32 {
  if (!offline && nowMs() - lastSeenMs >= SILENCE_MS) {
    alarmRaise("tank/offline", 500, "no data from tank/level for 30 s");
    offline = true;
  }
  return OK;
}

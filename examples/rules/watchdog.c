/*
 * Offline watchdog on a tick: raises 'tank/offline' when tank/level has sent no GOOD sample for
 * 30 s, and clears it at the next GOOD sample. The manifest's tick (1s) makes the host call
 * er_on_tick every second, so silence is noticed although no event arrives. A BAD sample (the
 * adapter lost the device) does not count as a sign of life.
 */
#define EDGERULE_IMPLEMENTATION
#include "edgerule.h"

#define SILENCE_MS 30000

static int32_t level_id;
static int64_t last_seen_ms;
static int offline;

int32_t er_init(void) {
  level_id = er_point_id("tank/level");
  if (level_id < 0) {
    er_log(ER_ERROR, "tank/level must be an input of the manifest");
    return -1;
  }
  last_seen_ms = er_now_ms(); /* a grace period after (re)start */
  return ER_OK;
}

int32_t er_on_events(const er_event *events, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    if (events[i].point_id == level_id && events[i].quality == ER_GOOD) {
      last_seen_ms = er_now_ms();
      if (offline) {
        er_alarm_clear("tank/offline");
        offline = 0;
      }
    }
  }
  return ER_OK;
}

int32_t er_on_tick(void) {
  if (!offline && er_now_ms() - last_seen_ms >= SILENCE_MS) {
    er_alarm_raise("tank/offline", 500, "no data from tank/level for 30 s");
    offline = 1;
  }
  return ER_OK;
}

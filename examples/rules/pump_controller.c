/*
 * Stateful pump controller: pump on at tank/level >= 80 %, off at <= 20 %, but never restarted
 * within 60 s of stopping (protects the motor from short cycling). What it remembers (pump state,
 * number of starts, when it last stopped) is kept in the rule's persistent state, so a gateway
 * restart, a fault or a hot swap does not forget a recent stop or write the pump again for nothing.
 */
#define EDGERULE_IMPLEMENTATION
#include "edgerule.h"

#define START_AT 80.0
#define STOP_AT 20.0
#define MIN_OFF_MS 60000

typedef struct pump_memory {
  int32_t on; /* -1 unknown, 0 off, 1 on */
  int32_t starts;
  int64_t stopped_at_ms; /* 0: never stopped by this rule */
} pump_memory;

static int32_t level_id;
static int32_t pump_id;
static pump_memory mem = {-1, 0, 0};

int32_t er_init(void) {
  level_id = er_point_id("tank/level");
  pump_id = er_point_id("tank/pump");
  if (level_id < 0 || pump_id < 0) {
    er_log(ER_ERROR, "tank/level and tank/pump must be granted by the manifest");
    return -1;
  }
  pump_memory saved;
  if (er_state_get("pump", &saved, sizeof saved) == (int32_t)sizeof saved) {
    mem = saved;
  }
  return ER_OK;
}

int32_t er_on_events(const er_event *events, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    const er_event *e = &events[i];
    if (e->point_id != level_id || e->quality != ER_GOOD || !er_is_numeric(e)) {
      continue;
    }
    double level = er_as_double(e);
    int64_t now = er_now_ms();
    if (mem.on != 1 && level >= START_AT &&
        (mem.stopped_at_ms == 0 || now - mem.stopped_at_ms >= MIN_OFF_MS)) {
      er_write_bool(pump_id, 1);
      mem.on = 1;
      mem.starts++;
    } else if (mem.on != 0 && level <= STOP_AT) {
      er_write_bool(pump_id, 0);
      mem.on = 0;
      mem.stopped_at_ms = now;
    } else {
      continue;
    }
    if (er_state_put("pump", &mem, sizeof mem) != ER_OK) {
      return -1; /* not saved: fail the batch so the write is not committed either */
    }
  }
  return ER_OK;
}

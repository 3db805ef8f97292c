/*
 * Pump controller: starts the pump when the tank is full enough, stops it when nearly empty.
 *   tank/level >= 80 %  -> write tank/pump = true
 *   tank/level <= 20 %  -> write tank/pump = false
 * It writes only when the wanted state changes (not on every level sample). Until the first
 * threshold is crossed the pump is left alone. After a fault the host restarts the rule from
 * er_init, so "unknown" is also the state after a fault: the next crossing writes again.
 */
#define EDGERULE_IMPLEMENTATION
#include "edgerule.h"

#define START_AT 80.0
#define STOP_AT 20.0

enum { UNKNOWN = -1, OFF = 0, ON = 1 };

static int32_t level_id;
static int32_t pump_id;
static int pump_state = UNKNOWN;

int32_t er_init(void) {
  level_id = er_point_id("tank/level");
  pump_id = er_point_id("tank/pump");
  if (level_id < 0 || pump_id < 0) {
    er_log(ER_ERROR, "tank/level and tank/pump must be granted by the manifest");
    return -1;
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
    int want = pump_state;
    if (level >= START_AT) {
      want = ON;
    } else if (level <= STOP_AT) {
      want = OFF;
    }
    if (want != pump_state) {
      er_write_bool(pump_id, want == ON);
      pump_state = want;
    }
  }
  return ER_OK;
}

/*
 * Threshold alarm with hysteresis: raises 'boiler/overtemp' when boiler/temperature reaches 90.0
 * and clears it only when the temperature falls below 85.0, so a value hovering around 90 does not
 * make the alarm flap. It acts only on transitions and only on GOOD samples.
 */
#define EDGERULE_IMPLEMENTATION
#include "edgerule.h"

#define RAISE_AT 90.0
#define CLEAR_BELOW 85.0

static int32_t temperature_id;
static int raised; /* 0 after init and after a fault: the first hot sample raises again */

int32_t er_init(void) {
  temperature_id = er_point_id("boiler/temperature");
  if (temperature_id < 0) {
    er_log(ER_ERROR, "boiler/temperature must be an input of the manifest");
    return -1;
  }
  return ER_OK;
}

int32_t er_on_events(const er_event *events, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    const er_event *e = &events[i];
    if (e->point_id != temperature_id || e->quality != ER_GOOD || !er_is_numeric(e)) {
      continue;
    }
    double t = er_as_double(e);
    if (!raised && t >= RAISE_AT) {
      er_alarm_raise("boiler/overtemp", 700, "boiler temperature reached 90.0");
      raised = 1;
    } else if (raised && t < CLEAR_BELOW) {
      er_alarm_clear("boiler/overtemp");
      raised = 0;
    }
  }
  return ER_OK;
}

/*
 * Motion sensor -> light (the C twin of motion_light.wat, same manifest): hall_light/on_off
 * follows hall_motion/occupancy, written only when it changes.
 */
#define EDGERULE_IMPLEMENTATION
#include "edgerule.h"

static int32_t motion_id;
static int32_t light_id;
static int last = -1; /* last state written; -1 none yet */

int32_t er_init(void) {
  motion_id = er_point_id("hall_motion/occupancy");
  light_id = er_point_id("hall_light/on_off");
  return motion_id < 0 || light_id < 0 ? -1 : ER_OK;
}

int32_t er_on_events(const er_event *events, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    const er_event *e = &events[i];
    if (e->point_id != motion_id || e->quality != ER_GOOD || e->value_type != ER_BOOL) {
      continue;
    }
    int on = e->value.i64 != 0;
    if (on != last) {
      er_write_bool(light_id, on);
      last = on;
    }
  }
  return ER_OK;
}

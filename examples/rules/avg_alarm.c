/*
 * The benchmarks' reference rule (benchmarks/, docs/benchmarks.md): the moving average of the
 * last 8 GOOD tank/temperature samples drives an alarm with hysteresis: 'overtemp' is raised when
 * the average reaches 80.0 and cleared when it falls below 75.0. Averaging first means one hot
 * sample does not raise it.
 */
#define EDGERULE_IMPLEMENTATION
#include "edgerule.h"

#define WINDOW 8
#define RAISE_AT 80.0
#define CLEAR_BELOW 75.0

static int32_t temperature_id;
static double window[WINDOW];
static int32_t filled;
static int32_t next;
static double sum;
static int raised;

int32_t er_init(void) {
  temperature_id = er_point_id("tank/temperature");
  return temperature_id < 0 ? -1 : ER_OK;
}

int32_t er_on_events(const er_event *events, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    const er_event *e = &events[i];
    if (e->point_id != temperature_id || e->quality != ER_GOOD || !er_is_numeric(e)) {
      continue;
    }
    double v = er_as_double(e);
    if (filled == WINDOW) {
      sum -= window[next];
    } else {
      filled++;
    }
    window[next] = v;
    sum += v;
    next = (next + 1) % WINDOW;
    double average = sum / filled;
    if (!raised && average >= RAISE_AT) {
      er_alarm_raise("overtemp", 600, "average temperature reached 80.0");
      raised = 1;
    } else if (raised && average < CLEAR_BELOW) {
      er_alarm_clear("overtemp");
      raised = 0;
    }
  }
  return ER_OK;
}

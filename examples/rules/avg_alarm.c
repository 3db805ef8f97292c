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

/*
 * The state is copied into locals for the batch and written back once at the end: statics live in
 * linear memory, and clang must reload and store them for every event (a store through window[]
 * could alias them), which costs the compiled rule about a third of its time per event
 * (docs/benchmarks.md). Same algorithm, same work per event as the plain-Java twin.
 */
int32_t er_on_events(const er_event *events, int32_t count) {
  /* What a wanted event's first 8 bytes read as: one load and compare per event (edgerule.h). */
  const uint64_t good_f64 = er_key(temperature_id, ER_FLOAT64, ER_GOOD);
  const uint64_t good_i64 = er_key(temperature_id, ER_INT64, ER_GOOD);
  const uint64_t good_bool = er_key(temperature_id, ER_BOOL, ER_GOOD);
  int32_t n_filled = filled;
  int32_t n_next = next;
  double total = sum;
  int is_raised = raised;
  for (int32_t i = 0; i < count; i++) {
    const er_event *e = &events[i];
    const uint64_t key = er_event_key(e);
    double v;
    if (key == good_f64) {
      v = e->value.f64;
    } else if (key == good_i64 || key == good_bool) {
      v = (double)e->value.i64;
    } else {
      continue; /* another point, not GOOD, or not a number */
    }
    if (n_filled == WINDOW) {
      total -= window[n_next];
    } else {
      n_filled++;
    }
    window[n_next] = v;
    total += v;
    n_next = (n_next + 1) % WINDOW;
    double average = total / n_filled;
    if (!is_raised && average >= RAISE_AT) {
      er_alarm_raise("overtemp", 600, "average temperature reached 80.0");
      is_raised = 1;
    } else if (is_raised && average < CLEAR_BELOW) {
      er_alarm_clear("overtemp");
      is_raised = 0;
    }
  }
  filled = n_filled;
  next = n_next;
  sum = total;
  raised = is_raised;
  return ER_OK;
}

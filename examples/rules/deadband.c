/*
 * Telemetry reduction: a moving average over the last 8 GOOD samples of tank/level, published on
 * the rule's topic 'level/average' (retained) only when it moved by at least 1.0 since the last
 * publication. A noisy sensor sampled every 100 ms becomes a few messages a minute.
 */
#define EDGERULE_IMPLEMENTATION
#include "edgerule.h"

#define WINDOW 8
#define DEADBAND 1.0

static int32_t level_id;
static int32_t topic_id;
static double window[WINDOW];
static int32_t filled; /* samples in the window, up to WINDOW */
static int32_t next;   /* where the next sample goes */
static double sum;
static int published; /* 0 until the first publication */
static double last_published;

int32_t er_init(void) {
  level_id = er_point_id("tank/level");
  topic_id = er_topic_id("level/average");
  if (level_id < 0 || topic_id < 0) {
    er_log(ER_ERROR, "needs input tank/level and topic level/average");
    return -1;
  }
  return ER_OK;
}

static double add_sample(double v) {
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

int32_t er_on_events(const er_event *events, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    const er_event *e = &events[i];
    if (e->point_id != level_id || e->quality != ER_GOOD || !er_is_numeric(e)) {
      continue;
    }
    double average = add_sample(er_as_double(e));
    double moved = average - last_published;
    if (!published || moved >= DEADBAND || moved <= -DEADBAND) {
      char text[32];
      int32_t n = er_format_fixed(text, average, 2);
      er_publish(topic_id, text, n, ER_QOS1 | ER_RETAIN);
      published = 1;
      last_published = average;
    }
  }
  return ER_OK;
}

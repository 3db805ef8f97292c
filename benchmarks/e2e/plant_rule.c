/*
 * The end-to-end benchmark's rule (benchmarks/e2e, docs/benchmarks.md), the same work as the Node-RED
 * anchor's function node (../shared/anchors/nodered/harness/rule_func.js): for every register point
 * "u<unit>/r<i>" a moving average over its last 8 samples and an alarm with hysteresis, raised when
 * the average goes above 50000 and cleared when it falls below 46000. The alarm is named after the
 * point; its message carries the triggering event's sequence number ("seq=<n> avg=<a>") so that the
 * harness can find that event's telemetry and measure event -> action inside the gateway.
 * Other points (the slave's time stamps) are ignored. Built by build.sh (clang, lld).
 */
#define EDGERULE_IMPLEMENTATION
#include "edgerule.h"

#define W 8
#define HI 50000.0
#define LO 46000.0
#ifndef MAX_POINTS
/* Ids are dense from 0 and private to one instance (rule-abi.md): 100 registers x 160 units. The
 * slots fill the module's initial memory (37 pages, 2.4 MB of Java heap per instance): the reference
 * load (benchmarks/reference) builds it with -DMAX_POINTS=256 for its 20 instances of 60 points. */
#define MAX_POINTS 16384
#endif
#define NAME_CAP 64

enum { UNKNOWN = 0, REGISTER = 1, OTHER = 2 };

typedef struct slot {
  double window[W];
  double sum;
  uint8_t kind;
  uint8_t filled;
  uint8_t pos;
  uint8_t alarm;
  int32_t name_len;
  char name[NAME_CAP];
} slot;

static slot slots[MAX_POINTS];

int32_t er_init(void) { return ER_OK; }

/* A register point's last segment is "r" followed by digits. */
static uint8_t classify(slot *s, int32_t id) {
  int32_t len = er_point_name(id, s->name, NAME_CAP);
  if (len <= 0 || len > NAME_CAP) {
    return OTHER;
  }
  s->name_len = len;
  int32_t last = len - 1;
  while (last > 0 && s->name[last - 1] != '/') {
    last--;
  }
  if (s->name[last] != 'r' || last + 1 >= len) {
    return OTHER;
  }
  for (int32_t i = last + 1; i < len; i++) {
    if (s->name[i] < '0' || s->name[i] > '9') {
      return OTHER;
    }
  }
  return REGISTER;
}

static int32_t put_u64(char *buf, uint64_t v) {
  char digits[24];
  int32_t d = 0;
  do {
    digits[d++] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0);
  int32_t n = 0;
  while (d > 0) {
    buf[n++] = digits[--d];
  }
  return n;
}

int32_t er_on_events(const er_event *events, int32_t count) {
  for (int32_t i = 0; i < count; i++) {
    const er_event *e = &events[i];
    if (e->point_id < 0 || e->point_id >= MAX_POINTS || e->quality != ER_GOOD || !er_is_numeric(e)) {
      continue;
    }
    slot *s = &slots[e->point_id];
    if (s->kind == UNKNOWN) {
      s->kind = classify(s, e->point_id);
    }
    if (s->kind != REGISTER) {
      continue;
    }
    double v = er_as_double(e);
    if (s->filled == W) {
      s->sum -= s->window[s->pos];
    } else {
      s->filled++;
    }
    s->window[s->pos] = v;
    s->sum += v;
    s->pos = (uint8_t)((s->pos + 1) % W);
    double avg = s->sum / s->filled;
    int change = (!s->alarm && avg > HI) || (s->alarm && avg < LO);
    if (!change) {
      continue;
    }
    s->alarm = !s->alarm;
    if (s->alarm) {
      char msg[64];
      int32_t n = 0;
      msg[n++] = 's';
      msg[n++] = 'e';
      msg[n++] = 'q';
      msg[n++] = '=';
      n += put_u64(msg + n, (uint64_t)e->sequence);
      msg[n++] = ' ';
      msg[n++] = 'a';
      msg[n++] = 'v';
      msg[n++] = 'g';
      msg[n++] = '=';
      n += er_format_fixed(msg + n, avg, 1);
      er_alarm_raise_n(s->name, s->name_len, 500, msg, n);
    } else {
      er_alarm_clear_n(s->name, s->name_len);
    }
  }
  return ER_OK;
}

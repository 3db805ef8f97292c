/*
 * edgerule rule ABI v1 for C (clang --target=wasm32 -nostdlib -Wl,--no-entry), the C rule SDK.
 * Reference: docs/reference/rule-abi.md. How-to: docs/how-to/write-a-rule.md.
 *
 * In exactly one .c file of a rule, define EDGERULE_IMPLEMENTATION before including this header:
 * it then defines the ABI marker export and a default er_buffer (which grows memory for batches).
 * The rule itself defines er_init and er_on_events (and er_on_tick if its manifest sets a tick).
 */
#ifndef EDGERULE_H
#define EDGERULE_H

#include <stdint.h>

#define ER_EXPORT(name) __attribute__((export_name(#name)))
#define ER_IMPORT(name) __attribute__((import_module("gw"), import_name(#name)))

/* ---- status codes (host lookups return them; exports return ER_OK on success) ---- */
#define ER_OK 0
#define ER_ERR_INVALID (-1)   /* malformed name, bad UTF-8 */
#define ER_ERR_NOT_FOUND (-2) /* no such id */
#define ER_ERR_DENIED (-3)    /* the manifest does not grant this point/topic */
#define ER_ERR_STATE (-4)     /* not allowed now (point_id/topic_id outside er_init) */

/* ---- event record: 32 bytes, little-endian, 8-byte aligned ---- */
enum er_value_type {
  ER_NONE = 0,
  ER_BOOL = 1,
  ER_INT64 = 2,
  ER_FLOAT64 = 3,
  ER_STRING = 4,
  ER_BYTES = 5
};
enum er_quality { ER_GOOD = 0, ER_UNCERTAIN = 1, ER_BAD = 2 };

typedef struct er_event {
  int32_t point_id;  /* id from er_point_id, or assigned by the host (ask er_point_name) */
  uint8_t value_type; /* enum er_value_type */
  uint8_t quality;    /* enum er_quality */
  uint16_t flags;     /* reserved, 0 */
  union {
    int64_t i64;  /* ER_BOOL (0/1), ER_INT64 */
    double f64;   /* ER_FLOAT64 */
    struct {      /* ER_STRING (UTF-8, not NUL-terminated), ER_BYTES */
      uint32_t ptr;
      uint32_t len;
    } data;
  } value;
  int64_t source_time_ms; /* Unix epoch milliseconds, from the device */
  int64_t sequence;       /* gateway-wide, strictly increasing */
} er_event;

_Static_assert(sizeof(er_event) == 32, "ABI v1 event records are 32 bytes");

/* ---- host functions (namespace "gw") ---- */
ER_IMPORT(point_id) int32_t er_point_id_n(const char *name, int32_t len);
ER_IMPORT(point_name) int32_t er_point_name(int32_t id, char *buf, int32_t cap);
ER_IMPORT(topic_id) int32_t er_topic_id_n(const char *name, int32_t len);
ER_IMPORT(write_bool) int32_t er_write_bool(int32_t point_id, int32_t value);
ER_IMPORT(write_i64) int32_t er_write_i64(int32_t point_id, int64_t value);
ER_IMPORT(write_f64) int32_t er_write_f64(int32_t point_id, double value);
ER_IMPORT(publish) int32_t er_publish(int32_t topic_id, const void *payload, int32_t len, int32_t flags);
ER_IMPORT(alarm_raise)
int32_t er_alarm_raise_n(const char *name, int32_t name_len, int32_t severity, const char *msg,
                         int32_t msg_len);
ER_IMPORT(alarm_clear) int32_t er_alarm_clear_n(const char *name, int32_t name_len);
ER_IMPORT(log) void er_log_n(int32_t level, const char *msg, int32_t len);
ER_IMPORT(now_ms) int64_t er_now_ms(void);
/*
 * Persistent state (needs limits.state_bytes > 0): survives restarts, faults and hot swap; a
 * call's puts are saved only if the call commits. state_get copies up to cap bytes of the key's
 * value to buf and returns its full length (ER_ERR_NOT_FOUND if absent); state_put stores len
 * bytes (0 deletes the key) and works only in er_on_events / er_on_tick (ER_ERR_STATE in er_init).
 * Keys are 1..128 bytes of UTF-8.
 */
ER_IMPORT(state_get) int32_t er_state_get_n(const char *key, int32_t key_len, void *buf, int32_t cap);
ER_IMPORT(state_put)
int32_t er_state_put_n(const char *key, int32_t key_len, const void *value, int32_t len);

#define ER_QOS0 0
#define ER_QOS1 1
#define ER_QOS2 2
#define ER_RETAIN 4

#define ER_TRACE 0
#define ER_DEBUG 1
#define ER_INFO 2
#define ER_WARN 3
#define ER_ERROR 4

/* Convenience for string literals: the length is known at compile time. */
#define ER_LIT(s) (s), (int32_t)(sizeof(s) - 1)
#define er_point_id(lit) er_point_id_n(ER_LIT(lit))
#define er_topic_id(lit) er_topic_id_n(ER_LIT(lit))
#define er_alarm_raise(name_lit, severity, msg_lit) \
  er_alarm_raise_n(ER_LIT(name_lit), (severity), ER_LIT(msg_lit))
#define er_alarm_clear(name_lit) er_alarm_clear_n(ER_LIT(name_lit))
#define er_log(level, lit) er_log_n((level), ER_LIT(lit))
#define er_state_get(key_lit, buf, cap) er_state_get_n(ER_LIT(key_lit), (buf), (cap))
#define er_state_put(key_lit, value, len) er_state_put_n(ER_LIT(key_lit), (value), (len))

/* Reads a numeric event value as a double; returns 0 for NONE/STRING/BYTES. */
static inline double er_as_double(const er_event *e) {
  switch (e->value_type) {
    case ER_BOOL:
    case ER_INT64:
      return (double)e->value.i64;
    case ER_FLOAT64:
      return e->value.f64;
    default:
      return 0.0;
  }
}

static inline int er_is_numeric(const er_event *e) {
  return e->value_type == ER_BOOL || e->value_type == ER_INT64 || e->value_type == ER_FLOAT64;
}

/*
 * Matching an event in one load. A record's first 8 bytes are point_id, value_type, quality and
 * flags; er_event_key reads them as one little-endian integer (flags masked off: they are
 * reserved, and a future flag must not make a rule miss its events) and er_key builds the same
 * integer for the event a rule wants, e.g.
 *
 *   const uint64_t want = er_key(temperature_id, ER_FLOAT64, ER_GOOD);  // once per batch
 *   if (er_event_key(e) == want) { ... e->value.f64 ... }
 *
 * One 8-byte load and one compare instead of three loads and three tests per event: compiled
 * rules pay a bounds check on every load (docs/benchmarks.md).
 */
static inline uint64_t er_key(int32_t point_id, enum er_value_type type, enum er_quality quality) {
  return (uint64_t)(uint32_t)point_id | ((uint64_t)type << 32) | ((uint64_t)quality << 40);
}

static inline uint64_t er_event_key(const er_event *e) {
  uint64_t head;
  __builtin_memcpy(&head, e, sizeof head); /* wasm32 is little-endian, like the record */
  return head & 0xFFFFFFFFFFFFull;
}

/*
 * Writes v with `decimals` digits after the point (0..9), rounded half away from zero, e.g.
 * "-12.50", into buf (room for 32 bytes) and returns the length. No libc needed; |v| beyond 9e18
 * scaled is clamped. For telemetry payloads.
 */
static inline int32_t er_format_fixed(char *buf, double v, int32_t decimals) {
  int64_t scale = 1;
  for (int32_t i = 0; i < decimals; i++) {
    scale *= 10;
  }
  int32_t n = 0;
  if (v < 0) {
    buf[n++] = '-';
    v = -v;
  }
  double scaled = v * (double)scale + 0.5;
  uint64_t q = scaled >= 9.0e18 ? (uint64_t)9000000000000000000ull : (uint64_t)scaled;
  uint64_t whole = q / (uint64_t)scale;
  uint64_t frac = q % (uint64_t)scale;
  char digits[24];
  int32_t d = 0;
  do {
    digits[d++] = (char)('0' + whole % 10);
    whole /= 10;
  } while (whole != 0);
  while (d > 0) {
    buf[n++] = digits[--d];
  }
  if (decimals > 0) {
    buf[n++] = '.';
    for (int32_t i = decimals - 1; i >= 0; i--) {
      buf[n + i] = (char)('0' + frac % 10);
      frac /= 10;
    }
    n += decimals;
  }
  return n;
}

/* ---- exports the rule defines ---- */
ER_EXPORT(er_init) int32_t er_init(void);
ER_EXPORT(er_on_events) int32_t er_on_events(const er_event *events, int32_t count);
/* Only if the manifest sets a tick (the host refuses it otherwise). */
ER_EXPORT(er_on_tick) int32_t er_on_tick(void);

#ifdef EDGERULE_IMPLEMENTATION

/* The ABI version marker: the host refuses modules without it. Never called. */
ER_EXPORT(edgerule_abi_v1) void edgerule_abi_v1(void) {}

/*
 * The host asks for a region of at least `bytes` bytes to write a batch into, and asks again only
 * when a batch needs more. This default takes fresh pages at the end of memory, so it never
 * overlaps the stack or static data; memory.grow fails (and the batch with it) beyond the rule's
 * memory_pages limit. Define EDGERULE_CUSTOM_BUFFER to provide your own.
 */
#ifndef EDGERULE_CUSTOM_BUFFER
static uint32_t er__buffer;
static uint32_t er__capacity;

ER_EXPORT(er_buffer) int32_t er_buffer(int32_t bytes) {
  if ((uint32_t)bytes <= er__capacity) {
    return (int32_t)er__buffer;
  }
  uint32_t pages = ((uint32_t)bytes + 65535u) / 65536u;
  int32_t old = __builtin_wasm_memory_grow(0, pages);
  if (old < 0) {
    return 0;
  }
  er__buffer = (uint32_t)old * 65536u;
  er__capacity = pages * 65536u;
  return (int32_t)er__buffer;
}
#endif /* EDGERULE_CUSTOM_BUFFER */

#endif /* EDGERULE_IMPLEMENTATION */

#endif /* EDGERULE_H */

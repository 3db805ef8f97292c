/*
 * The end-to-end benchmark's fast Modbus TCP slave (e2e.py --slave fast): the same plant as
 * slave.py (the Node-RED anchor's pymodbus slave), served by libmodbus (Debian libmodbus-dev),
 * because pymodbus answers only a few hundred polls a second on this machine kind and so bounds
 * both systems' throughput long before either of them is the limit.
 *
 *   fastslave --port 15020 --units 10 [--host 127.0.0.1] [--upd-min-ms 200] [--upd-max-ms 300]
 *             [--stats-file FILE]
 *
 * Same command line, register layout and value pattern as slave.py: per unit id 1..N, holding
 * registers 0..99 are sine waves (own period 5..30 s and phase per register) plus noise of +-500,
 * all changed together every 200..300 ms (random, so that the wait for the next poll is not locked
 * to the poll timer); 100..103 the change time in us (64-bit, big-endian words), 104..105 the
 * change sequence (32-bit), 106..109 the read time in us, written by every read that covers them.
 * Every answered read of holding registers is counted and the count written to --stats-file once a
 * second (what slave.py writes). One thread per connection (edgerule opens one per device,
 * Node-RED one for all), one updater thread; a unit's registers are changed and read under its
 * lock, so a response never mixes two changes. Unknown unit ids get exception 0x0B (gateway target
 * failed to respond).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <math.h>
#include <modbus.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NREG 100
#define R_TC 100
#define R_SEQ 104
#define R_TR 106
#define TOTAL 110

typedef struct {
    modbus_mapping_t *map;
    pthread_mutex_t lock;
    double period[NREG];
    double phase[NREG];
} unit_t;

static unit_t *units;
static int nunits = 1;
static double upd_min_ms = 200, upd_max_ms = 300;
static const char *stats_file;
static atomic_ulong reads;

static int64_t now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void words64(uint16_t *r, int64_t x) {
    r[0] = (uint16_t)(x >> 48);
    r[1] = (uint16_t)(x >> 32);
    r[2] = (uint16_t)(x >> 16);
    r[3] = (uint16_t)x;
}

/* A private generator for the updater (its thread alone uses it), seeded like slave.py's. */
static uint64_t rng = 42;
static double uniform(double lo, double hi) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return lo + (hi - lo) * ((rng >> 11) * (1.0 / 9007199254740992.0));
}

static void *updater(void *arg) {
    (void)arg;
    uint32_t seq = 0;
    double t0 = now_us() / 1e6;
    uint16_t vals[NREG];
    for (;;) {
        double ms = uniform(upd_min_ms, upd_max_ms);
        struct timespec d = {(time_t)(ms / 1000), (long)(fmod(ms, 1000) * 1e6)};
        nanosleep(&d, NULL);
        seq++;
        double t = now_us() / 1e6 - t0;
        for (int u = 0; u < nunits; u++) {
            unit_t *un = &units[u];
            for (int i = 0; i < NREG; i++) {
                double v = 32768 + 24000 * sin(2 * M_PI * t / un->period[i] + un->phase[i])
                           + uniform(-500, 500);
                vals[i] = (uint16_t)(v < 0 ? 0 : v > 65535 ? 65535 : (int)v);
            }
            pthread_mutex_lock(&un->lock);
            uint16_t *r = un->map->tab_registers;
            memcpy(r, vals, sizeof vals);
            words64(r + R_TC, now_us()); /* stamp right before the update, as slave.py does */
            r[R_SEQ] = (uint16_t)(seq >> 16);
            r[R_SEQ + 1] = (uint16_t)seq;
            pthread_mutex_unlock(&un->lock);
        }
    }
    return NULL;
}

/* Written to a temporary file and renamed over the stats file, so that a reader never sees it
 * empty (truncated and not yet written: the harness then read 0 polls and reported a negative rate). */
static void *stats_writer(void *arg) {
    (void)arg;
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", stats_file);
    for (;;) {
        sleep(1);
        FILE *f = fopen(tmp, "w");
        if (f) {
            fprintf(f, "%lu\n", atomic_load(&reads));
            fclose(f);
            rename(tmp, stats_file);
        }
    }
    return NULL;
}

/* One client connection: read a request, answer it from its unit's registers, until it closes. */
static void *serve(void *arg) {
    int fd = (int)(intptr_t)arg;
    modbus_t *ctx = modbus_new_tcp(NULL, 0);
    uint8_t req[MODBUS_TCP_MAX_ADU_LENGTH];
    if (ctx == NULL) {
        close(fd);
        return NULL;
    }
    modbus_set_socket(ctx, fd);
    int hl = modbus_get_header_length(ctx); /* 7: MBAP header, the unit id its last byte */
    for (;;) {
        int n = modbus_receive(ctx, req);
        if (n == -1) {
            break; /* closed by the master, or a broken request */
        }
        if (n == 0) {
            continue;
        }
        int unit = req[hl - 1];
        if (unit < 1 || unit > nunits) {
            modbus_reply_exception(ctx, req, MODBUS_EXCEPTION_GATEWAY_TARGET);
            continue;
        }
        unit_t *un = &units[unit - 1];
        int rc;
        pthread_mutex_lock(&un->lock);
        if (req[hl] == MODBUS_FC_READ_HOLDING_REGISTERS) {
            int addr = (req[hl + 1] << 8) | req[hl + 2];
            int count = (req[hl + 3] << 8) | req[hl + 4];
            if (addr <= R_TR + 3 && addr + count > R_TR) {
                words64(un->map->tab_registers + R_TR, now_us());
            }
            atomic_fetch_add(&reads, 1);
        }
        rc = modbus_reply(ctx, req, n, un->map);
        pthread_mutex_unlock(&un->lock);
        if (rc == -1) {
            break;
        }
    }
    modbus_close(ctx); /* closes fd */
    modbus_free(ctx);
    return NULL;
}

static int listen_on(const char *host, int port) {
    modbus_t *ctx = modbus_new_tcp(host, port);
    if (ctx == NULL) {
        fprintf(stderr, "fastslave: %s\n", modbus_strerror(errno));
        exit(2);
    }
    int s = modbus_tcp_listen(ctx, 64); /* SO_REUSEADDR, bind, listen */
    if (s == -1) {
        fprintf(stderr, "fastslave: listening on %s:%d: %s\n", host, port, modbus_strerror(errno));
        exit(2);
    }
    return s;
}

int main(int argc, char **argv) {
    const char *host = "127.0.0.1";
    int port = 15020;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (v == NULL) {
            fprintf(stderr, "fastslave: %s needs a value\n", a);
            return 2;
        }
        if (!strcmp(a, "--host")) host = v;
        else if (!strcmp(a, "--port")) port = atoi(v);
        else if (!strcmp(a, "--units")) nunits = atoi(v);
        else if (!strcmp(a, "--upd-min-ms")) upd_min_ms = atof(v);
        else if (!strcmp(a, "--upd-max-ms")) upd_max_ms = atof(v);
        else if (!strcmp(a, "--stats-file")) stats_file = v;
        else {
            fprintf(stderr, "fastslave: unknown option %s\n", a);
            return 2;
        }
        i++;
    }
    if (nunits < 1 || nunits > 247 || port < 1 || port > 65535) {
        fprintf(stderr, "fastslave: --units must be 1..247 and --port 1..65535\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* a master that goes away ends its thread, not the slave */
    units = calloc(nunits, sizeof *units);
    for (int u = 0; u < nunits; u++) {
        /* coils, discrete inputs, holding registers, input registers: slave.py's block sizes */
        units[u].map = modbus_mapping_new(8, 8, TOTAL, 8);
        pthread_mutex_init(&units[u].lock, NULL);
        for (int i = 0; i < NREG; i++) {
            units[u].period[i] = uniform(5, 30);
            units[u].phase[i] = uniform(0, 2 * M_PI);
        }
    }
    int s = listen_on(host, port);
    pthread_t t;
    pthread_attr_t detached;
    pthread_attr_init(&detached);
    pthread_attr_setdetachstate(&detached, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &detached, updater, NULL);
    if (stats_file != NULL) {
        pthread_create(&t, &detached, stats_writer, NULL);
    }
    printf("fastslave (libmodbus %s) listening %s:%d units=1..%d\n", LIBMODBUS_VERSION_STRING, host,
           port, nunits);
    fflush(stdout);
    for (;;) {
        int fd = accept(s, NULL, NULL);
        if (fd == -1) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            perror("fastslave: accept");
            return 1;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); /* as asyncio does for pymodbus */
        if (pthread_create(&t, &detached, serve, (void *)(intptr_t)fd) != 0) {
            close(fd);
        }
    }
}

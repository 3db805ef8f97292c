#!/usr/bin/env bash
# Start-up and RSS of the production program (gateway-daemon/target/edgerule-daemon.jar) under a
# set of JVM options: spawn -> first telemetry message at the broker, and RSS after a settle time.
#
#   benchmarks/jvm/footprint.sh CONFIG BROKER_PORT SETTLE_SECONDS RUNS -- JVM OPTIONS...
#
# CONFIG is a gateway config whose mqtt broker is tcp://127.0.0.1:BROKER_PORT (a Mosquitto you
# started); its devices must be reachable (e.g. `edgerule sim modbus`). Prints one line per run:
#   start_s=<spawn to first telemetry> start_cpu_s=<CPU time the JVM used until then>
#   rss_mb=<VmRSS after SETTLE_SECONDS> hwm_mb=<VmHWM> load=<load average>
# The JVM options given replace the shipped ones (pass @packaging/src/deb/files/jvm.options for
# those). EDGERULE_JAR names another program jar (with its lib/ beside it). Needs
# mosquitto-clients (mosquitto_sub)..
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
config=$1 port=$2 settle=$3 runs=$4
shift 4
[ "${1:-}" = "--" ] && shift
jar="${EDGERULE_JAR:-$here/gateway-daemon/target/edgerule-daemon.jar}"
for _ in $(seq "$runs"); do
  first=$(mktemp)
  mosquitto_sub -h 127.0.0.1 -p "$port" -t '+/+/telemetry/#' -C 1 -F '%t' >"$first" &
  sub=$!
  sleep 0.5 # mosquitto_sub has subscribed (a local broker answers in milliseconds)
  t0=$(date +%s.%N)
  java "$@" -jar "$jar" run --config "$config" >/dev/null 2>&1 &
  gw=$!
  wait "$sub"
  t1=$(date +%s.%N)
  # CPU the JVM used until then (utime + stime, clock ticks): start-up work that a loaded machine
  # stretches in wall time but not in CPU time.
  cpu=$(awk '{print $14 + $15}' "/proc/$gw/stat")
  sleep "$settle"
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$gw/status")
  hwm=$(awk '/VmHWM/ {print $2}' "/proc/$gw/status")
  kill -TERM "$gw"
  wait "$gw" || true
  awk -v t0="$t0" -v t1="$t1" -v cpu="$cpu" -v hz="$(getconf CLK_TCK)" -v rss="$rss" -v hwm="$hwm" \
    -v load="$(cut -d' ' -f1 /proc/loadavg)" \
    'BEGIN { printf "start_s=%.2f start_cpu_s=%.2f rss_mb=%.1f hwm_mb=%.1f load=%s\n", t1 - t0, cpu / hz, rss / 1024, hwm / 1024, load }'
  rm -f "$first"
done

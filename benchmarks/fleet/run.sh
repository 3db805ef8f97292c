#!/bin/sh
# The fleet simulator by hand (docs/benchmarks.md, "Fleet rollout"): N virtual gateways, each with
# the real device side of updates, against a Mosquitto started here; a rollout of an image that
# fails on a share of them, stopped at its wave, then the signed rollback switch.
#
#   benchmarks/fleet/run.sh [GATEWAYS=10000] [CONNECTIONS=GATEWAYS/100] [FAIL_SHARE=0.2] [THREADS=8]
#
# Needs the Debian package mosquitto. Builds ota-updater and its test classes (offline), never
# installs into ~/.m2.
set -eu
N=${1:-10000}
CONNS=${2:-$((N / 100))}
SHARE=${3:-0.2}
THREADS=${4:-8}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
MOSQUITTO=$(command -v mosquitto || ls /usr/sbin/mosquitto 2>/dev/null || true)
[ -n "$MOSQUITTO" ] || { echo "mosquitto is not installed: apt-get install mosquitto" >&2; exit 1; }

CP=$(sh benchmarks/fleet/classpath.sh)

WORK=$(mktemp -d)
chmod 755 "$WORK"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat > "$WORK/mosquitto.conf" <<CONF
listener $PORT 127.0.0.1
allow_anonymous true
persistence false
# a burst of 10,000 reports must not be dropped at the controller's queue (default 1000)
max_queued_messages 0
sys_interval 1
log_dest stdout
log_type error
log_type warning
CONF
"$MOSQUITTO" -c "$WORK/mosquitto.conf" > "$WORK/mosquitto.log" 2>&1 &
BROKER=$!
trap 'kill $BROKER 2>/dev/null || true; rm -rf "$WORK"' EXIT INT TERM
python3 - "$PORT" <<'PY'
import socket, sys, time
for _ in range(200):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.2).close(); break
    except OSError:
        time.sleep(0.05)
PY

echo "before: $(uptime)"
START=$(date +%s.%N)
java -Xmx2g -cp "$CP" \
  io.edgerule.ota.fleet.sim.FleetSimMain "tcp://127.0.0.1:$PORT" "$N" "$CONNS" "$SHARE" "$THREADS" examples/rules
END=$(date +%s.%N)
echo "after: $(uptime)"
echo "wall time of the whole JVM run: $(echo "$END - $START" | bc) s"
ps -o pid,rss,time,cmd -p $BROKER | tail -1 | awk '{print "broker: rss " $2 " KiB, cpu " $3}'

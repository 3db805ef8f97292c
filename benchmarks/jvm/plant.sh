#!/usr/bin/env bash
# plant.sh REPO OUT MQTT_PORT MODBUS_PORT: a Mosquitto and the end-to-end benchmark's pymodbus slave
# (unit 1) in the background (their pids in OUT/pids), and two gateway configs for
# benchmarks/jvm/probe.py: OUT/idle.yaml (1 device x 3 points polled every second, the reference
# rule, MQTT, the status server) and OUT/k1/etc/gateway.yaml (1 device x 100 registers every 100 ms,
# the plant rule: 1,000 samples/s).
set -euo pipefail
repo=$1 out=$2 mq=$3 mb=$4
mkdir -p "$out"; cd "$out"
printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nset_tcp_nodelay true\nmax_queued_messages 1000000\n' "$mq" > mosq.conf
mosquitto -c mosq.conf > mosq.log 2>&1 & mpid=$!
/usr/bin/python3 "$repo/benchmarks/e2e/slave.py" --port "$mb" --units 1 > slave.log 2>&1 & spid=$!
echo "$mpid $spid" > pids
sleep 2
mkdir -p rules; cp "$repo/benchmarks/e2e/plant_rule.wasm" "$repo/benchmarks/e2e/plant_rule.yaml" "$repo/benchmarks/reference/reference_rule.wasm" rules/
cat > rules/ref.yaml <<Y
name: ref
module: reference_rule.wasm
inputs: ['#']
alarms: ['#']
limits: {memory_pages: 64, deadline: 1s}
Y
cat > idle.yaml <<Y
gateway: {id: fpidle, state_dir: $out/state-idle}
devices:
  - protocol: modbus-tcp
    name: u1
    host: 127.0.0.1
    port: $mb
    unit_id: 1
    poll_interval: 1s
    points:
      - {name: r0, table: holding_register, address: 0, type: uint16}
      - {name: r1, table: holding_register, address: 1, type: uint16}
      - {name: r2, table: holding_register, address: 2, type: uint16}
rules:
  - {name: ref, wasm: rules/reference_rule.wasm, manifest: rules/ref.yaml}
mqtt: {broker: "tcp://127.0.0.1:$mq"}
http: {port: 0}
Y
python3 - "$repo" "$out" "$mb" "$mq" <<'P'
import sys, os; sys.path.insert(0, os.path.join(sys.argv[1], "benchmarks/e2e")); import gwconfig
d = os.path.join(sys.argv[2], "k1"); os.makedirs(d, exist_ok=True)
p = gwconfig.write(d, 1, 100, int(sys.argv[3]), int(sys.argv[4]))
with open(p, "a") as f:
    f.write("http:\n  port: 0\n")
P

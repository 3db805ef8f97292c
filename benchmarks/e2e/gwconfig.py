"""The gateway config of one benchmark run: N Modbus TCP devices u1..uN (unit ids 1..N of the slave),
each with the slave's 110 registers as points, every point reported at every poll (integrity
report each poll, as Node-RED's flow sends every sample), the plant rule on all of them, and the
MQTT uplink to the benchmark's broker."""
import os
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
NREG = 100
GATEWAY_ID = "bench"


def points():
    rows = ["      - {name: r%d, table: holding_register, address: %d, type: uint16}" % (i, i)
            for i in range(NREG)]
    # the slave's stamps (slave.py): change time (us), change sequence, read time (us)
    rows.append("      - {name: tc, table: holding_register, address: 100, type: int64}")
    rows.append("      - {name: seq, table: holding_register, address: 104, type: uint32}")
    rows.append("      - {name: tr, table: holding_register, address: 106, type: int64}")
    return "\n".join(rows)


def write(run_dir, units, interval_ms, modbus_port, mqtt_port, telemetry="true", outbox_flush=None):
    """Writes etc/gateway.yaml and the rule into run_dir; returns the config path.

    The config sits in a folder of its own, as /etc/edgerule does on a gateway: the gateway watches
    its config file's folder for changes (hot reload), and the recorder's and the slave's files,
    written thousands of times a second in run_dir, would wake its watcher at every write (11 % of
    a core at 10,000 samples/s, seen in the per-thread table as FileSystemWatch + edgerule-config).
    """
    etc = os.path.join(run_dir, "etc")
    rules_dir = os.path.join(etc, "rules")
    os.makedirs(rules_dir, exist_ok=True)
    for f in ("plant_rule.wasm", "plant_rule.yaml"):
        shutil.copy(os.path.join(HERE, f), rules_dir)
    pts = points()
    devices = []
    for u in range(1, units + 1):
        devices.append(
            "  - protocol: modbus-tcp\n"
            "    name: u%d\n"
            "    host: 127.0.0.1\n"
            "    port: %d\n"
            "    unit_id: %d\n"
            "    poll_interval: %dms\n"
            "    integrity_interval: %dms\n"
            "    timeout: 1s\n"
            "    points:\n%s" % (u, modbus_port, u, interval_ms, interval_ms, pts))
    text = ("gateway:\n  id: %s\n  state_dir: %s\n" % (GATEWAY_ID, os.path.join(run_dir, "state"))
            + ("devices:\n" + "\n".join(devices) + "\n" if devices else "")
            + ("rules:\n  - name: plant\n    wasm: rules/plant_rule.wasm\n    manifest: rules/plant_rule.yaml\n"
               if units else "")
            + "mqtt:\n  broker: tcp://127.0.0.1:%d\n  telemetry: %s\n  telemetry_qos: 0\n" % (mqtt_port, telemetry)
            + "pipeline:\n  alarms_per_rule: %d\n  health_interval: 5s\n" % max(100, min(10000, units * NREG))
            + "rule_limits:\n  memory_pages: 64\n"
            + ("outbox:\n  flush: %s\n" % outbox_flush if outbox_flush else ""))
    path = os.path.join(etc, "gateway.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path

"""Runs the Node-RED anchor (../shared/anchors/nodered, its README) on the same workload: copies the
anchor folder to a scratch folder (it may be read-only), puts this benchmark's slave.py in it (or, with
--slave fast, a slave.py that execs the libmodbus slave) so that both systems read the very same
slave, installs its pinned npm packages once (`npm ci`, as its run.sh does), and runs its single-run
entry point `harness/run_one.py` in the run's mode (perreg or batch)."""
import json
import os
import shutil
import re
import subprocess

import analyse
import slaves

HERE = os.path.dirname(os.path.abspath(__file__))
RX_TR = re.compile(r'"tr":(\d+)')


def prepare(anchor, scratch, slave="pymodbus"):
    if not os.path.isfile(os.path.join(anchor, "harness", "run_one.py")):
        raise SystemExit("e2e: no Node-RED anchor at %s (harness/run_one.py missing); pass --nodered-anchor" % anchor)
    if not os.path.isdir(scratch):
        shutil.copytree(anchor, scratch, ignore=shutil.ignore_patterns("results", "node_modules"))
        for root, dirs, files in os.walk(scratch):  # the anchor may be read-only; its copy must not
            for name in dirs + files:
                os.chmod(os.path.join(root, name), 0o755 if name in dirs else 0o644)
            os.chmod(root, 0o755)
    with open(os.path.join(scratch, "harness", "slave.py"), "w") as f:
        f.write(slaves.anchor_slave_py(slave))
    for folder, marker in ((scratch, "node_modules/node-red/package.json"),
                           (os.path.join(scratch, "nr-user"), "node_modules/node-red-contrib-modbus/package.json")):
        if not os.path.isfile(os.path.join(folder, marker)):
            subprocess.check_call(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=folder)
    return scratch


def run(scratch, units, interval_ms, mode, warmup, window, outdir, ports, quiet_threshold, quiet_max_wait):
    """One anchor run; returns its result.json as a dict."""
    modbus_port, mqtt_port, http_port = ports
    cmd = ["/usr/bin/python3", os.path.join(scratch, "harness", "run_one.py"),
           "--units", str(units), "--interval-ms", str(interval_ms), "--mode", mode,
           "--warmup", str(warmup), "--window", str(window), "--outdir", outdir,
           "--modbus-port", str(modbus_port), "--mqtt-port", str(mqtt_port), "--nr-port", str(http_port),
           "--quiet-threshold", str(quiet_threshold), "--quiet-max-wait", str(quiet_max_wait), "--keep-sublog"]
    with open(os.path.join(outdir + ".log"), "w") as log:
        subprocess.check_call(cmd, stdout=log, stderr=subprocess.STDOUT)
    with open(os.path.join(outdir, "result.json")) as f:
        res = json.load(f)
    sublog = os.path.join(outdir, "sub.log")
    if mode != "empty" and os.path.isfile(sublog):
        res["pipeline_ms"]["p99.9"] = p999_ms(sublog, warmup, window)
        os.remove(sublog)
    return res


def p999_ms(sublog, warmup, window):
    """run_one.py reports p50 and p99 only; p99.9 from its recorder log, over the same window as
    near as the log tells: it starts `warmup` s after the first telemetry arrived."""
    lat, first = [], None
    with open(sublog, errors="replace") as f:
        for line in f:
            try:
                ts, topic, payload = line.split(" ", 2)
                t = float(ts)
            except ValueError:
                continue
            if not topic.startswith("tele/"):
                continue
            if first is None:
                first = t
            if first + warmup <= t <= first + warmup + window:
                m = RX_TR.search(payload)
                if m:
                    lat.append(t * 1e6 - int(m.group(1)))
    lat.sort()
    return analyse.pct(lat, 0.999) / 1e3 if lat else None

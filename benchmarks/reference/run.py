#!/usr/bin/python3
"""Reference load and soak (issues 15 and 17, docs/benchmarks.md "Reference load and soak"):
a plant of 50 Modbus TCP devices x 20 points polled at 1 Hz (every point reported at every poll:
1,000 samples/s), 20 rules, Mosquitto, and the gateway started the way the Debian package starts it
(its launcher /usr/bin/edgerule, packaging/src/deb/files/edgerule, with the unit's Environment=, the
shipped jvm.options and a class-data sharing archive built by the package's build-cds-archive),
sampled every
--every seconds: RSS (/proc/PID/status VmRSS), Java heap used and committed (jstat, which reads the
JVM's perf-data file and adds no thread to it), threads, open file descriptors, CPU, delivered
samples.

  benchmarks/reference/run.py --minutes 60 [--idle] [--nmt] [--outdir DIR]

--idle runs the same gateway with no devices and no rules. --jvm-opt X adds X to EDGERULE_JAVA_OPTS
(after the shipped options), --env NAME=VALUE sets an environment variable, --poll-ms 100 offers ten
times the load (overload). --nmt adds
-XX:NativeMemoryTracking=summary and writes `jcmd PID VM.native_memory summary` at the end
(it costs memory itself: not for the RSS figures). At the end it writes the resident memory per
mapping (DIR/smaps.txt), the heap's largest classes (DIR/histogram.txt, after a full GC: jcmd
GC.class_histogram) and the threads (DIR/threads.txt). Writes DIR/samples.csv (one row per sample),
DIR/summary.md (start/min/max/end and the slope of each column over the run after --warmup) and
prints the summary. Needs mosquitto, mosquitto-clients, python3-pymodbus, python3-serial, a JDK
(jstat, jcmd) and the built program (mvn -pl gateway-daemon -am package)."""
import argparse
import csv
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
E2E = os.path.join(REPO, "benchmarks", "e2e")
sys.path.insert(0, E2E)
import e2e  # noqa: E402  (broker config, port helpers, stop)
import procstat  # noqa: E402

DEB = os.path.join(REPO, "packaging", "src", "deb", "files")
GATEWAY_ID = "ref"
DEVICES, POINTS, RULES = 50, 20, 20


def gateway_config(run_dir, devices, rules, modbus_port, mqtt_port, poll_ms=1000):
    """50 devices u1..u50 (unit ids 1..50 of the slave), each its own config entry with 20 holding
    registers reported at every 1 s poll; rule k (1..20) takes the devices u(k), u(k+20), u(k+40)."""
    rules_dir = os.path.join(run_dir, "rules")
    os.makedirs(rules_dir, exist_ok=True)
    shutil.copy(os.path.join(HERE, "reference_rule.wasm"), rules_dir)
    pts = "\n".join("      - {name: r%d, table: holding_register, address: %d, type: uint16}" % (i, i)
                    for i in range(POINTS))
    text = "gateway:\n  id: %s\n  state_dir: %s\n" % (GATEWAY_ID, os.path.join(run_dir, "state"))
    if devices:
        text += "devices:\n"
        for u in range(1, devices + 1):
            text += ("  - protocol: modbus-tcp\n    name: u%d\n    host: 127.0.0.1\n    port: %d\n"
                     "    unit_id: %d\n    poll_interval: %dms\n    integrity_interval: %dms\n"
                     "    points:\n%s\n" % (u, modbus_port, u, poll_ms, poll_ms, pts))
    if rules:
        text += "rules:\n"
        for k in range(1, rules + 1):
            inputs = ["u%d/#" % d for d in range(k, devices + 1, rules)]
            with open(os.path.join(rules_dir, "plant%d.yaml" % k), "w") as f:
                f.write("name: plant%d\nmodule: reference_rule.wasm\ninputs: [%s]\nalarms: ['#']\n"
                        "limits:\n  memory_pages: 64\n  deadline: 1s\n" % (k, ", ".join(inputs)))
            text += ("  - name: plant%d\n    wasm: rules/reference_rule.wasm\n    manifest: rules/plant%d.yaml\n"
                     % (k, k))
    text += "mqtt:\n  broker: tcp://127.0.0.1:%d\n" % mqtt_port
    # the status server on a free port, so that runs side by side (and other gateways) all serve it
    text += "http:\n  port: 0\n"
    path = os.path.join(run_dir, "gateway.yaml")
    with open(path, "w") as f:
        f.write(text)
    return path


def unit_environment():
    """The Environment= settings of the shipped systemd unit (NAME=VALUE, possibly several a line)."""
    env = {}
    with open(os.path.join(DEB, "edgerule.service")) as f:
        for line in f:
            if line.startswith("Environment="):
                for item in shlex.split(line[len("Environment="):]):
                    k, _, v = item.partition("=")
                    env[k] = v
    return env


def program_home(jar, outdir):
    """A copy of the Debian package's /usr/share/edgerule for this build (links to the checkout's
    files beside the jar) and its class-data sharing archive, built by the package's own
    build-cds-archive as postinst does on the device; both kept beside the jar for the next run."""
    home = os.path.join(os.path.dirname(os.path.abspath(jar)), "reference-home")
    os.makedirs(home, exist_ok=True)
    for name, target in (("jvm.options", os.path.join(DEB, "jvm.options")), ("edgerule-daemon.jar", jar),
                         ("lib", os.path.join(os.path.dirname(os.path.abspath(jar)), "lib"))):
        link = os.path.join(home, name)
        if os.path.islink(link):
            os.remove(link)
        os.symlink(os.path.abspath(target), link)
    jsa = os.path.join(home, "edgerule.jsa")
    if not os.path.exists(jsa) or any(os.path.getmtime(jsa) < os.path.getmtime(f)
                                      for f in (jar, os.path.join(DEB, "jvm.options"))):
        env = dict(os.environ, EDGERULE_JAR=os.path.join(home, "edgerule-daemon.jar"),
                   EDGERULE_JVM_OPTIONS=os.path.join(home, "jvm.options"),
                   EDGERULE_CDS_TRAINING=os.path.join(DEB, "cds-training.yaml"),
                   EDGERULE_CDS_RULES=os.path.join(REPO, "examples", "rules"))
        with open(os.path.join(outdir, "cds.log"), "w") as log:
            subprocess.check_call(["sh", os.path.join(DEB, "build-cds-archive"), jsa], env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    return home, jsa


class Recorder(threading.Thread):
    """mosquitto_sub on everything under the gateway's prefix; counts telemetry and other messages.
    Its process is the caller's to stop (mosquitto_sub reconnects for ever once the broker is gone)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.telemetry = 0
        self.other = 0
        self.proc = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", str(port), "-t",
                                      "edgerule/%s/#" % GATEWAY_ID, "-F", "%t"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)

    def run(self):
        marker = "edgerule/%s/telemetry/" % GATEWAY_ID
        for line in self.proc.stdout:
            if line.startswith(marker):
                self.telemetry += 1
            else:
                self.other += 1


def heap_kb(pid):
    """(used, committed) Java heap in kB from jstat -gc (survivors + eden + old), or (None, None)."""
    try:
        out = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=30).stdout
        head, vals = out.split("\n")[:2]
        row = {k: float(v) for k, v in zip(head.split(), vals.split()) if v != "-"}
        used = row["S0U"] + row["S1U"] + row["EU"] + row["OU"]
        committed = row["S0C"] + row["S1C"] + row["EC"] + row["OC"]
        return used, committed, row.get("YGC"), row.get("FGC"), row.get("GCT")
    except (ValueError, KeyError, OSError, subprocess.SubprocessError):
        return None, None, None, None, None


def fds(pid):
    try:
        return len(os.listdir("/proc/%d/fd" % pid))
    except OSError:
        return None


def smaps_by_mapping(pid):
    """Resident kB per mapped file (anonymous mappings together), largest first: where the RSS is."""
    rss, anon, cur = {}, {}, None
    with open("/proc/%d/smaps" % pid) as f:
        for line in f:
            if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
                parts = line.split()
                cur = parts[5] if len(parts) > 5 else "[anonymous]"
            elif line.startswith("Rss:"):
                rss[cur] = rss.get(cur, 0) + int(line.split()[1])
            elif line.startswith("Anonymous:"):
                anon[cur] = anon.get(cur, 0) + int(line.split()[1])
    rows = sorted(rss.items(), key=lambda kv: -kv[1])
    return "rss_kb anonymous_kb mapping\n" + "".join("%d %d %s\n" % (v, anon.get(k, 0), k) for k, v in rows)


def slope_per_hour(xs, ys):
    pts = [(x, y) for x, y in zip(xs, ys) if y is not None]
    if len(pts) < 2:
        return None
    mx = sum(p[0] for p in pts) / len(pts)
    my = sum(p[1] for p in pts) / len(pts)
    den = sum((p[0] - mx) ** 2 for p in pts)
    return sum((p[0] - mx) * (p[1] - my) for p in pts) / den * 3600 if den else None


COLUMNS = [("rss_mb", "RSS MB"), ("rss_anon_mb", "of it anonymous MB"), ("rss_file_mb", "of it file-backed MB"),
           ("heap_used_mb", "heap used MB"), ("heap_committed_mb", "heap committed MB"),
           ("threads", "threads"), ("fds", "open fds"), ("samples_per_s", "delivered samples/s"),
           ("cpu_pct", "gateway CPU % of a core"), ("gc_pct", "GC pause time, % of wall time"), ("load1", "load average (1 min)")]


def summary(rows, warmup_s, meta):
    rows_w = [r for r in rows if r["t_s"] >= warmup_s] or rows
    xs = [r["t_s"] for r in rows_w]
    out = ["%s" % meta, "",
           "| column | start | min | max | end | slope per hour (after %d s) |" % warmup_s,
           "|---|---|---|---|---|---|"]
    for key, label in COLUMNS:
        vals = [r[key] for r in rows if r[key] is not None]
        if not vals:
            continue
        s = slope_per_hour(xs, [r[key] for r in rows_w])
        out.append("| %s | %s | %s | %s | %s | %s |" % (label, _f(vals[0]), _f(min(vals)), _f(max(vals)),
                                                        _f(vals[-1]), "%+.2f" % s if s is not None else "-"))
    return "\n".join(out) + "\n"


def _f(v):
    return ("%.1f" % v) if isinstance(v, float) else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10)
    ap.add_argument("--every", type=float, default=60, help="seconds between samples (default 60)")
    ap.add_argument("--warmup", type=float, default=300, help="seconds left out of the slopes (default 300)")
    ap.add_argument("--idle", action="store_true", help="no devices, no rules: the idle gateway")
    ap.add_argument("--poll-ms", type=int, default=1000,
                    help="poll interval (default 1000: the reference load; 100 offers 10,000 samples/s, overload)")
    ap.add_argument("--nmt", action="store_true", help="Native Memory Tracking summary at the end")
    ap.add_argument("--jvm-opt", action="append", default=[],
                    help="an extra JVM option after the shipped ones (as EDGERULE_JAVA_OPTS)")
    ap.add_argument("--env", action="append", default=[],
                    help="NAME=VALUE for the gateway's environment, after the unit's Environment=")
    ap.add_argument("--jar", default=os.path.join(REPO, "gateway-daemon", "target", "edgerule-daemon.jar"))
    ap.add_argument("--outdir", default=os.path.join(REPO, "benchmarks", "target", "reference",
                                                     time.strftime("%Y%m%d-%H%M%S")))
    ap.add_argument("--modbus-port", type=int, default=15120)
    ap.add_argument("--mqtt-port", type=int, default=18983)
    ap.add_argument("--summarise", metavar="DIR",
                    help="only print the summary of an earlier (or unfinished) run's DIR/samples.csv")
    a = ap.parse_args()
    e2e.exit_on_signals()
    if a.summarise:
        with open(os.path.join(a.summarise, "samples.csv")) as f:
            rows = [{k: (float(v) if v not in ("", "None") else None) for k, v in r.items()} for r in csv.DictReader(f)]
        print(summary(rows, a.warmup, "%s: %d samples" % (a.summarise, len(rows))))
        return
    for tool, pkg in (("mosquitto", "mosquitto"), ("mosquitto_sub", "mosquitto-clients"),
                      ("jstat", "openjdk-17-jdk-headless"), ("jcmd", "openjdk-17-jdk-headless")):
        e2e.need(tool, pkg)
    if subprocess.run(["/usr/bin/python3", "-c", "import pymodbus.server"], capture_output=True).returncode:
        raise SystemExit("reference: /usr/bin/python3 cannot import pymodbus.server: install the Debian "
                         "packages python3-pymodbus python3-serial")
    if not os.path.exists(a.jar):
        raise SystemExit("reference: %s missing: mvn -B -pl gateway-daemon -am package -DskipTests" % a.jar)
    for prt in (a.modbus_port, a.mqtt_port):
        if e2e.port_open(prt):
            raise SystemExit("reference: port %d already in use" % prt)
    os.makedirs(a.outdir, exist_ok=True)
    devices, rules = (0, 0) if a.idle else (DEVICES, RULES)
    home, jsa = program_home(a.jar, a.outdir)
    extra = list(a.jvm_opt) + (["-XX:NativeMemoryTracking=summary"] if a.nmt else [])
    procs, logs = {}, {}
    rows = []
    try:
        conf = os.path.join(a.outdir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(e2e.MOSQUITTO_CONF.format(port=a.mqtt_port))
        logs["mq"] = open(os.path.join(a.outdir, "mosquitto.log"), "w")
        procs["mosquitto"] = subprocess.Popen(["mosquitto", "-c", conf], stdout=logs["mq"],
                                              stderr=subprocess.STDOUT)
        if devices:
            logs["slave"] = open(os.path.join(a.outdir, "slave.log"), "w")
            # values change about once a second (the poll rate): every poll sees new values
            procs["slave"] = subprocess.Popen(
                ["/usr/bin/python3", os.path.join(E2E, "slave.py"), "--port", str(a.modbus_port),
                 "--units", str(devices), "--upd-min-ms", str(a.poll_ms * 0.9), "--upd-max-ms", str(a.poll_ms * 1.1)],
                stdout=logs["slave"], stderr=subprocess.STDOUT)
            e2e.wait_port(a.modbus_port)
        e2e.wait_port(a.mqtt_port)
        rec = Recorder(a.mqtt_port)
        procs["recorder"] = rec.proc
        rec.start()
        config = gateway_config(a.outdir, devices, rules, a.modbus_port, a.mqtt_port, a.poll_ms)
        # The package's launcher itself (/usr/bin/edgerule), with the unit's environment: it execs
        # java, so its pid is the JVM's.
        cmd = ["sh", os.path.join(DEB, "edgerule"), "run", "--config", config]
        env = dict(os.environ, **unit_environment())
        env.update(EDGERULE_HOME=home, EDGERULE_CDS_ARCHIVE=jsa)
        env.update(dict(e.partition("=")[::2] for e in a.env))
        if extra:
            env["EDGERULE_JAVA_OPTS"] = (env.get("EDGERULE_JAVA_OPTS", "") + " " + " ".join(extra)).strip()
        shown = sorted(set(unit_environment()) | {"EDGERULE_HOME", "EDGERULE_CDS_ARCHIVE"}
                       | {e.partition("=")[0] for e in a.env})
        with open(os.path.join(a.outdir, "command.txt"), "w") as f:
            f.write(" ".join(["%s=%s" % (k, shlex.quote(env[k])) for k in shown if k in env] + cmd) + "\n")
        logs["gw"] = open(os.path.join(a.outdir, "gateway.log"), "w")
        gw = subprocess.Popen(cmd, stdout=logs["gw"], stderr=subprocess.STDOUT, cwd=a.outdir, env=env)
        procs["gateway"] = gw
        t0 = time.time()
        last_t, last_n, last_cpu, last_gc, last_gc_t = t0, 0, procstat.cpu_ticks(gw.pid) or 0, 0.0, t0
        with open(os.path.join(a.outdir, "samples.csv"), "w", newline="") as f:
            w = None
            while time.time() - t0 < a.minutes * 60:
                time.sleep(max(0.0, t0 + (len(rows) + 1) * a.every - time.time()))
                if gw.poll() is not None:
                    raise RuntimeError("the gateway exited (code %s); see %s/gateway.log" % (gw.returncode, a.outdir))
                now, n, cpu = time.time(), rec.telemetry, procstat.cpu_ticks(gw.pid) or 0
                used, committed, ygc, fgc, gct = heap_kb(gw.pid)
                row = {"t_s": round(now - t0), "rss_mb": (procstat.status_kb(gw.pid, "VmRSS") or 0) / 1024.0,
                       "rss_anon_mb": (procstat.status_kb(gw.pid, "RssAnon") or 0) / 1024.0,
                       "rss_file_mb": (procstat.status_kb(gw.pid, "RssFile") or 0) / 1024.0,
                       "heap_used_mb": used / 1024.0 if used is not None else None,
                       "heap_committed_mb": committed / 1024.0 if committed is not None else None,
                       "threads": int(procstat.status_kb(gw.pid, "Threads") or 0), "fds": fds(gw.pid),
                       "samples_per_s": (n - last_n) / (now - last_t),
                       "cpu_pct": 100.0 * (cpu - last_cpu) / procstat.CLK / (now - last_t),
                       # since the last jstat reading (one under a heavy load may time out)
                       "gc_pct": 100.0 * (gct - last_gc) / (now - last_gc_t) if gct is not None else None,
                       "young_gcs": ygc, "full_gcs": fgc, "gc_s": gct, "other_msgs": rec.other,
                       "load1": procstat.loadavg()[0]}
                last_t, last_n, last_cpu = now, n, cpu
                if gct is not None:
                    last_gc, last_gc_t = gct, now
                rows.append(row)
                if w is None:
                    w = csv.DictWriter(f, fieldnames=list(row))
                    w.writeheader()
                w.writerow({k: (round(v, 2) if isinstance(v, float) else v) for k, v in row.items()})
                f.flush()
                print(" ".join("%s=%s" % (k, _f(v)) for k, v in row.items()), flush=True)
        if a.nmt:
            out = subprocess.run(["jcmd", str(gw.pid), "VM.native_memory", "summary"],
                                 capture_output=True, text=True, timeout=60).stdout
            with open(os.path.join(a.outdir, "nmt.txt"), "w") as f:
                f.write(out)
            print(out)
        histo = subprocess.run(["jcmd", str(gw.pid), "GC.class_histogram"], capture_output=True, text=True,
                               timeout=120).stdout
        with open(os.path.join(a.outdir, "histogram.txt"), "w") as f:
            f.write("\n".join(histo.split("\n")[:60]) + "\n")
        with open(os.path.join(a.outdir, "smaps.txt"), "w") as f:
            f.write(smaps_by_mapping(gw.pid))
        with open(os.path.join(a.outdir, "threads.txt"), "w") as f:
            f.write(subprocess.run(["jcmd", str(gw.pid), "Thread.print"], capture_output=True, text=True,
                                   timeout=60).stdout)
    finally:
        for k in ("gateway", "recorder", "slave", "mosquitto"):
            try:
                e2e.stop(procs.get(k))
            except Exception:  # noqa: BLE001 - keep stopping the others
                pass
        for f in logs.values():
            f.close()
    load = procstat.loadavg()
    meta = ("%s, %s: %d devices x %d points every %d ms, %d rules, %d samples every %d s; commit %s; "
            "load average at the end %s" % ("idle" if a.idle else "reference load", time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                             devices, POINTS, a.poll_ms, rules, len(rows), a.every,
                                             subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                                                            capture_output=True, text=True).stdout.strip(),
                                             " ".join("%.1f" % x for x in load)))
    text = summary(rows, a.warmup, meta)
    with open(os.path.join(a.outdir, "summary.md"), "w") as f:
        f.write(text)
    print(text)
    print("results: " + a.outdir)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""End-to-end benchmark (issue 17, docs/benchmarks.md): a plant of N Modbus devices x 100 changing
registers polled every I ms (the Node-RED anchor's pymodbus slave or, with --slave fast, the same
plant on libmodbus; unit ids 1..N) -> the edgerule gateway (the shipped launcher `./edgerule run`, a
C/WASM rule "moving average of 8 + hysteresis alarm" per register) -> Mosquitto (TCP_NODELAY) -> a
mosquitto_sub recorder. With --nodered, runs the
Node-RED anchor on the same workload in the same run and prints the ratios.

  benchmarks/e2e/e2e.py --loads 1x100,10x100 [--nodered] [--mode perreg|batch] [--slave pymodbus|fast]
                        [--outdir DIR]

Prints a table and writes DIR/summary.md and DIR/summary.json (one result.json per run below)."""
import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import analyse  # noqa: E402
import gwconfig  # noqa: E402
import nodered  # noqa: E402
import procstat  # noqa: E402
import report  # noqa: E402
import slaves  # noqa: E402

MOSQUITTO_CONF = """listener {port} 127.0.0.1
allow_anonymous true
persistence false
log_dest stderr
log_type error
log_type warning
max_queued_messages 1000000
sys_interval 1
set_tcp_nodelay true
"""


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_port(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        if port_open(port):
            return
        time.sleep(0.05)
    raise RuntimeError("port %d did not open within %d s" % (port, timeout))


def busy_pct(seconds):
    a = procstat.machine_ticks()
    time.sleep(seconds)
    b = procstat.machine_ticks()
    return 100.0 * ((b[0] - a[0]) - (b[1] - a[1])) / max(1, b[0] - a[0])


def wait_quiet(threshold, max_wait):
    """As the anchor does: wait (at most max_wait s) until the machine is less than threshold % busy."""
    start = time.time()
    b = busy_pct(1)
    while b > threshold and time.time() - start < max_wait:
        b = busy_pct(2)
    return b, time.time() - start


def stop(p, timeout=15):
    if p is None or p.poll() is not None:
        return
    p.send_signal(signal.SIGTERM)
    try:
        p.wait(timeout)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(5)


def exit_on_signals():
    """SIGTERM and SIGHUP end a run as Ctrl-C does, through its finally blocks, which stop the
    children (broker, slave, recorder, gateway): Python's default for them ends the process at once
    and leaves every child running. A second signal while they stop is ignored."""
    def handler(signum, _frame):
        for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(s, signal.SIG_IGN)
        raise SystemExit("stopped by signal %d; stopping the processes it started" % signum)
    for s in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(s, handler)


def need(tool, package):
    from shutil import which
    if not which(tool):
        raise SystemExit("e2e: '%s' not found: install the Debian package %s" % (tool, package))


def run_edgerule(a, units, interval_ms, outdir):
    """One edgerule run on a fresh broker, slave and recorder; returns its measurement."""
    os.makedirs(outdir, exist_ok=True)
    for prt in (a.modbus_port, a.mqtt_port):
        if port_open(prt):
            raise SystemExit("e2e: port %d already in use; stop the previous run first" % prt)
    bg, waited = wait_quiet(a.quiet_threshold, a.quiet_max_wait)
    offered = units * 100 * 1000.0 / interval_ms
    res = {"system": "edgerule", "units": units, "interval_ms": interval_ms, "mode": a.mode, "slave": a.slave,
           "offered_samples_per_s": offered, "window_s": a.window, "warmup_s": a.warmup,
           "bg_busy_before_pct_of_2cores": bg, "quiet_wait_s": waited,
           "java_opts": os.environ.get("EDGERULE_JAVA_OPTS", ""), "loadavg_start": procstat.loadavg()}
    procs, logs = {}, {}
    prefix = "edgerule/" + gwconfig.GATEWAY_ID
    sublog = os.path.join(outdir, "sub.log")
    try:
        conf = os.path.join(outdir, "mosquitto.conf")
        with open(conf, "w") as f:
            f.write(MOSQUITTO_CONF.format(port=a.mqtt_port))
        logs["mq"] = open(os.path.join(outdir, "mosquitto.log"), "w")
        procs["mosquitto"] = subprocess.Popen(["mosquitto", "-c", conf], stdout=logs["mq"], stderr=subprocess.STDOUT)
        stats_file = os.path.join(outdir, "slave_reads")
        logs["slave"] = open(os.path.join(outdir, "slave.log"), "w")
        procs["slave"] = subprocess.Popen(slaves.command(a.slave, a.modbus_port, units, stats_file),
                                          stdout=logs["slave"], stderr=subprocess.STDOUT)
        wait_port(a.mqtt_port)
        wait_port(a.modbus_port)
        logs["sub"] = open(sublog, "w")
        procs["sub"] = subprocess.Popen(
            ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(a.mqtt_port), "-t", prefix + "/telemetry/#",
             "-t", prefix + "/telemetry-batch/#", "-t", prefix + "/alarms/#", "-t", prefix + "/state",
             "-F", "%U %t %p"],
            stdout=logs["sub"], stderr=subprocess.DEVNULL)
        time.sleep(0.5)
        config = gwconfig.write(outdir, units, interval_ms, a.modbus_port, a.mqtt_port,
                                "batch" if a.mode == "batch" else "true", a.outbox_flush)
        logs["gw"] = open(os.path.join(outdir, "gateway.log"), "w")
        t_spawn = time.time()
        gw = subprocess.Popen([os.path.join(REPO, "edgerule"), "run", "--config", config],
                              stdout=logs["gw"], stderr=subprocess.STDOUT, cwd=outdir)
        procs["gateway"] = gw
        res["gateway_pid"] = gw.pid
        # ---- cold start: spawn -> first telemetry (or, with no devices, the first state message)
        marker = (" %s/telemetry%s/" % (prefix, "-batch" if a.mode == "batch" else "")) if units \
            else " %s/state " % prefix
        t_first, cpu_first, deadline = None, None, time.time() + a.start_timeout
        while t_first is None and time.time() < deadline:
            if gw.poll() is not None:
                raise RuntimeError("the gateway exited early (code %s); see %s/gateway.log" % (gw.returncode, outdir))
            with open(sublog, errors="replace") as f:
                for line in f:
                    if marker in line:
                        t_first = float(line.split(" ", 1)[0])
                        cpu_first = procstat.cpu_ticks(gw.pid)
                        break
            time.sleep(0.02)
        res["cold_first_msg_s"] = (t_first - t_spawn) if t_first else None
        # Less sensitive to a shared machine's load than the wall time: the CPU the gateway used
        # from its start until the first message was seen (read within 20 ms of its arrival).
        res["cold_first_msg_cpu_s"] = cpu_first / procstat.CLK if cpu_first is not None else None
        time.sleep(a.warmup)
        if a.jfr:
            jfr_start(gw.pid, outdir)
        # ---- measurement window
        pids = {k: p.pid for k, p in procs.items()}
        c0 = {k: procstat.cpu_ticks(pid) for k, pid in pids.items()}
        th0 = procstat.thread_ticks(gw.pid)
        gc0 = procstat.gc_counts(gw.pid)
        s0 = procstat.machine_ticks()
        r0 = _read_int(stats_file)
        t0 = time.time()
        rss = []
        while time.time() - t0 < a.window:
            v = procstat.status_kb(gw.pid, "VmRSS")
            if v:
                rss.append(v)
            time.sleep(0.5)
        t1 = time.time()
        dt = t1 - t0
        c1 = {k: procstat.cpu_ticks(pid) for k, pid in pids.items()}
        th1 = procstat.thread_ticks(gw.pid)
        gc1 = procstat.gc_counts(gw.pid)
        s1 = procstat.machine_ticks()
        r1 = _read_int(stats_file)
        res["rss_hwm_mb"] = (procstat.status_kb(gw.pid, "VmHWM") or 0) / 1024.0
        res["rss_window_median_mb"] = statistics.median(rss) / 1024.0 if rss else None
        res["rss_window_max_mb"] = max(rss) / 1024.0 if rss else None
        res["cpu_pct"] = {k: (100.0 * (c1[k] - c0[k]) / procstat.CLK / dt)
                          if c0[k] is not None and c1[k] is not None else None for k in pids}
        res["threads"] = procstat.thread_profile(th0, th1, dt)[:15]
        # Collections stop every thread: a full one is a tail-latency event of its own.
        res["gc_window"] = {k: gc1[k] - gc0[k] for k in gc0} if gc0 and gc1 else None
        tot, idle = s1[0] - s0[0], s1[1] - s0[1]
        res["machine_busy_pct_of_2cores"] = 100.0 * (tot - idle) / tot if tot else None
        ours = sum(v for v in res["cpu_pct"].values() if v is not None)
        res["other_cpu_pct"] = max(0.0, res["machine_busy_pct_of_2cores"] * 2 - ours) if tot else None
        res["slave_polls_per_s"] = (r1 - r0) / dt
        res["loadavg_end"] = procstat.loadavg()
        if a.jfr:
            res["jfr"] = jfr_stop(gw.pid, outdir)
        # Samples that arrived at the end of the window need their poll's stamp message, a few
        # messages behind them: let it arrive before the gateway stops.
        time.sleep(a.drain)
    finally:
        for k in ("gateway", "sub", "slave", "mosquitto"):
            try:
                stop(procs.get(k))
            except Exception:  # noqa: BLE001 - keep stopping the others
                pass
        for f in logs.values():
            f.close()
    if units:
        if a.mode == "batch":
            m = analyse.analyse_batch(sublog, prefix, t0, t1, offered)
        else:
            m = analyse.analyse(sublog, prefix, t0, t1, interval_ms, offered)
        first = m.pop("first_tele_at")
        res.update(m)
        if res["samples_per_s"] and res["cpu_pct"].get("gateway") is not None:
            res["cpu_us_per_sample"] = res["cpu_pct"]["gateway"] / 100.0 * 1e6 / res["samples_per_s"]
        res["first_tele_after_spawn_s"] = (first - t_spawn) if first else None
    if not a.keep_sublog:
        os.remove(sublog)
    with open(os.path.join(outdir, "result.json"), "w") as f:
        json.dump(res, f, indent=1)
    return res


def jfr_start(pid, outdir):
    """Starts a flight recording of the window in the gateway: JDK's profile settings with Java
    execution sampling every 1 ms ("method-profiling" at its maximum). jfrtop.py reads it."""
    jh = os.path.dirname(os.path.dirname(os.path.realpath(shutil.which("java"))))
    with open(os.path.join(jh, "lib", "jfr", "profile.jfc")) as f:
        jfc = f.read().replace('<selection name="method-profiling" default="high"',
                               '<selection name="method-profiling" default="max"')
    path = os.path.join(outdir, "window.jfc")
    with open(path, "w") as f:
        f.write(jfc)
    subprocess.check_call(["jcmd", str(pid), "JFR.start", "name=e2e", "settings=" + path,
                           "filename=" + os.path.join(outdir, "gateway.jfr")], stdout=subprocess.DEVNULL)


def jfr_stop(pid, outdir):
    path = os.path.join(outdir, "gateway.jfr")
    subprocess.call(["jcmd", str(pid), "JFR.stop", "name=e2e"], stdout=subprocess.DEVNULL)
    return path


def _read_int(path):
    try:
        with open(path) as f:
            return int(f.read() or 0)
    except (OSError, ValueError):
        return 0


def parse_loads(text):
    loads = []
    for item in text.split(","):
        u, _, i = item.strip().partition("x")
        loads.append((int(u), int(i)))
    return loads


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--loads", default="1x100", help="units x poll interval ms, comma separated (0x100 = idle)")
    ap.add_argument("--mode", choices=["perreg", "batch"], default="perreg",
                    help="perreg: one MQTT message per sample; batch: mqtt.telemetry: batch")
    ap.add_argument("--slave", choices=slaves.KINDS, default="pymodbus",
                    help="the Modbus slave both systems read: pymodbus (the anchor's slave.py) or fast "
                    "(fastslave.c on libmodbus, built with gcc; answers thousands of polls/s)")
    ap.add_argument("--warmup", type=float, default=10)
    ap.add_argument("--window", type=float, default=30)
    ap.add_argument("--outdir", default=os.path.join(REPO, "benchmarks", "target", "e2e", time.strftime("%Y%m%d-%H%M%S")))
    ap.add_argument("--nodered", action="store_true", help="also run the Node-RED anchor on each load")
    ap.add_argument("--nodered-anchor", default=default_anchor(),
                    help="the anchor folder (default: ../shared/anchors/nodered beside the main checkout)")
    ap.add_argument("--nodered-scratch", default="/tmp/edgerule-e2e-nodered")
    ap.add_argument("--modbus-port", type=int, default=15020)
    ap.add_argument("--mqtt-port", type=int, default=18883)
    ap.add_argument("--nr-port", type=int, default=18880)
    ap.add_argument("--quiet-threshold", type=float, default=20)
    ap.add_argument("--quiet-max-wait", type=float, default=120)
    ap.add_argument("--start-timeout", type=float, default=60)
    ap.add_argument("--outbox-flush", help="the gateway's outbox.flush, e.g. every_message or '{every: 10ms}' "
                    "(default: the gateway's default)")
    ap.add_argument("--drain", type=float, default=2,
                    help="seconds the recorder goes on after the window before the gateway stops")
    ap.add_argument("--keep-sublog", action="store_true")
    ap.add_argument("--jfr", action="store_true",
                    help="record the gateway's window with JFR (1 ms Java sampling) into its run folder, "
                    "gateway.jfr; read it with jfrtop.py. The recording costs the gateway some CPU")
    a = ap.parse_args()
    exit_on_signals()
    for tool, pkg in (("mosquitto", "mosquitto"), ("mosquitto_sub", "mosquitto-clients")):
        need(tool, pkg)
    slaves.check(a.slave)
    os.makedirs(a.outdir, exist_ok=True)
    # The launcher builds the jar first when it is missing or older than the sources: let it do so
    # now, not inside the spawn -> first telemetry measurement.
    subprocess.check_call([os.path.join(REPO, "edgerule"), "--version"], stdout=subprocess.DEVNULL)
    scratch = nodered.prepare(os.path.abspath(a.nodered_anchor), a.nodered_scratch, a.slave) if a.nodered else None
    results = []
    for units, interval in parse_loads(a.loads):
        name = "%dx%dms" % (units, interval)
        er = run_edgerule(a, units, interval, os.path.join(a.outdir, name, "edgerule"))
        print(report.one_line(er), flush=True)
        nr = None
        if scratch:
            nr = nodered.run(scratch, units, interval, a.mode if units else "empty", a.warmup, a.window,
                             os.path.join(a.outdir, name, "nodered"),
                             (a.modbus_port, a.mqtt_port, a.nr_port), a.quiet_threshold, a.quiet_max_wait)
            nr["system"] = "nodered"
            nr["slave"] = a.slave
            print(report.one_line(nr), flush=True)
        results.append({"load": name, "edgerule": er, "nodered": nr})
    meta = {"date": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "loadavg": procstat.loadavg(), "mode": a.mode,
            "slave": a.slave,
            "cpus": os.cpu_count(), "commit": _git_commit()}
    with open(os.path.join(a.outdir, "summary.json"), "w") as f:
        json.dump({"meta": meta, "runs": results}, f, indent=1)
    table = report.table(meta, results)
    with open(os.path.join(a.outdir, "summary.md"), "w") as f:
        f.write(table)
    print(table)
    print("results: " + a.outdir)


def default_anchor():
    """../shared/anchors/nodered beside this checkout or, from a git worktree, beside the main one."""
    roots = [REPO]
    r = subprocess.run(["git", "-C", REPO, "rev-parse", "--path-format=absolute", "--git-common-dir"],
                       capture_output=True, text=True)
    if r.returncode == 0 and r.stdout.strip():
        roots.append(os.path.dirname(r.stdout.strip()))
    for root in roots:
        path = os.path.join(os.path.dirname(root), "shared", "anchors", "nodered")
        if os.path.isdir(path):
            return path
    return os.path.join(os.path.dirname(REPO), "shared", "anchors", "nodered")


def _git_commit():
    r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    return r.stdout.strip() or None


if __name__ == "__main__":
    main()

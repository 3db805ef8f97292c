"""What /proc says about a process and the machine: CPU ticks, RSS, per-thread CPU (Linux only).
The same readings as the Node-RED anchor harness (run_one.py), so the two columns compare."""
import os

CLK = os.sysconf("SC_CLK_TCK")


def cpu_ticks(pid):
    """utime + stime of a process (all its threads), or None when it is gone."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            parts = f.read().rsplit(")", 1)[1].split()
        return int(parts[11]) + int(parts[12])
    except OSError:
        return None


def status_kb(pid, key):
    """A kB field of /proc/PID/status (VmRSS, VmHWM), or None."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def machine_ticks():
    """(total, idle) ticks of all CPUs since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return sum(v), v[3] + v[4]


def thread_ticks(pid):
    """{tid: (name, utime+stime)} for every thread of a process."""
    out = {}
    try:
        tids = os.listdir("/proc/%d/task" % pid)
    except OSError:
        return out
    for tid in tids:
        try:
            with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                s = f.read()
        except OSError:
            continue
        name = s[s.index("(") + 1:s.rindex(")")]
        parts = s.rsplit(")", 1)[1].split()
        out[tid] = (name, int(parts[11]) + int(parts[12]))
    return out


def thread_profile(before, after, seconds):
    """CPU % of one core per thread name over a window, threads of one name summed, largest first.
    JVM thread names are cut to 15 characters by the kernel."""
    by_name = {}
    for tid, (name, t1) in after.items():
        t0 = before.get(tid, (name, 0))[1]
        key = name.rstrip("0123456789-# ") or name
        by_name[key] = by_name.get(key, 0) + (t1 - t0)
    rows = [(k, 100.0 * v / CLK / seconds) for k, v in by_name.items() if v > 0]
    rows.sort(key=lambda r: -r[1])
    return [{"thread": k, "cpu_pct": round(p, 2)} for k, p in rows]


def loadavg():
    with open("/proc/loadavg") as f:
        return [float(x) for x in f.read().split()[:3]]


def gc_counts(pid):
    """The JVM's collections so far (jstat -gc, from its perf data): young and full counts and
    seconds, or None when jstat cannot read them."""
    import subprocess
    try:
        out = subprocess.run(["jstat", "-gc", str(pid)], capture_output=True, text=True, timeout=20).stdout
        head, vals = out.split("\n")[:2]
        row = dict(zip(head.split(), vals.split()))
        return {"young": int(row["YGC"]), "young_s": float(row["YGCT"]),
                "full": int(row["FGC"]), "full_s": float(row["FGCT"])}
    except (OSError, ValueError, KeyError, subprocess.TimeoutExpired):
        return None

#!/usr/bin/python3
"""One start of the gateway jar with the given JVM options, measured (issue 17, docs/benchmarks.md
"Footprint round 2"):

  benchmarks/jvm/probe.py JAR CONFIG SETTLE_S OUTDIR --mq BROKER_PORT [--env NAME=VALUE] -- JVM OPTIONS

Spawn -> first telemetry message at the broker (mosquitto_sub) and the CPU time the JVM used until
then, then after SETTLE_S: RSS with its anonymous and file-backed parts, threads (by name in
OUTDIR/threads.txt), classes loaded and the heap (jstat), the resident memory per mapping
(OUTDIR/smaps.txt) and, when the options turn Native Memory Tracking on, its summary
(OUTDIR/nmt.txt). The config is copied into OUTDIR with its own gateway id and state folder, so
probes can run side by side on one broker. benchmarks/jvm/plant.sh starts a broker and a slave and
writes an idle and a 1,000 samples/s config."""
import os, re, subprocess, sys, time, collections, json
args = sys.argv[1:]
sep = args.index("--")
pos, opts = args[:sep], args[sep + 1:]
env = dict(os.environ)
mq = None
rest = []
i = 0
while i < len(pos):
    if pos[i] == "--env": k, _, v = pos[i+1].partition("="); env[k] = v; i += 2
    elif pos[i] == "--mq": mq = pos[i+1]; i += 2
    else: rest.append(pos[i]); i += 1
jar, config, settle, out = os.path.abspath(rest[0]), os.path.abspath(rest[1]), float(rest[2]), os.path.abspath(rest[3])
os.makedirs(out, exist_ok=True)
# own gateway id (MQTT client id) and state folder: probes side by side must not share them
import re as _re
text = open(config).read()
tag = _re.sub(r"[^A-Za-z0-9]", "", os.path.basename(out))[-20:]
text = _re.sub(r"(gateway:\s*\{?\s*\n?\s*id:\s*)(\w+)", lambda m: m.group(1) + m.group(2) + tag, text, count=1)
text = _re.sub(r"state_dir:\s*[^,}\n]+", "state_dir: " + os.path.join(out, "state"), text, count=1)
text = text.replace("wasm: rules/", "wasm: " + os.path.join(os.path.dirname(config), "rules") + "/")
text = text.replace("manifest: rules/", "manifest: " + os.path.join(os.path.dirname(config), "rules") + "/")
config = os.path.join(out, "gateway.yaml")
open(config, "w").write(text)
sub = subprocess.Popen(["mosquitto_sub", "-h", "127.0.0.1", "-p", mq, "-t", "+/+/telemetry/#", "-C", "1"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(0.5)
t0 = time.time()
log = open(os.path.join(out, "gateway.log"), "w")
gw = subprocess.Popen(["java"] + opts + ["-jar", jar, "run", "--config", config], stdout=log, stderr=subprocess.STDOUT, env=env, cwd=out)
end = time.time() + 300
while sub.poll() is None and gw.poll() is None and time.time() < end:
    time.sleep(0.02)
if sub.poll() is None:
    sub.kill()
if gw.poll() is not None:
    sys.exit("gateway exited: see %s/gateway.log" % out)
t1 = time.time()
def ticks(pid):
    f = open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()
    return int(f[11]) + int(f[12])
hz = os.sysconf("SC_CLK_TCK")
cpu_first = ticks(gw.pid) / hz
time.sleep(settle)
st = {}
for line in open("/proc/%d/status" % gw.pid):
    k, _, v = line.partition(":")
    if k in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM", "Threads"):
        st[k] = int(v.split()[0])
cpu_end = ticks(gw.pid) / hz
def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120).stdout
if any("NativeMemoryTracking" in o for o in opts):
    open(os.path.join(out, "nmt.txt"), "w").write(run(["jcmd", str(gw.pid), "VM.native_memory", "summary", "scale=KB"]))
# smaps per mapping
rss, anon, cur = collections.Counter(), collections.Counter(), None
for line in open("/proc/%d/smaps" % gw.pid):
    if re.match(r"^[0-9a-f]+-[0-9a-f]+ ", line):
        p = line.split(); cur = p[5] if len(p) > 5 else "[anon]"
    elif line.startswith("Rss:"): rss[cur] += int(line.split()[1])
    elif line.startswith("Anonymous:"): anon[cur] += int(line.split()[1])
with open(os.path.join(out, "smaps.txt"), "w") as f:
    for k, v in rss.most_common(): f.write("%d %d %s\n" % (v, anon[k], k))
names = collections.Counter()
for t in os.listdir("/proc/%d/task" % gw.pid):
    try: n = open("/proc/%d/task/%s/comm" % (gw.pid, t)).read().strip()
    except OSError: continue
    names[re.sub(r"[-# ]?\d+$", "", n)] += 1
open(os.path.join(out, "threads.txt"), "w").write("\n".join("%d %s" % (v, k) for k, v in names.most_common()) + "\n")
js = run(["jstat", "-gc", str(gw.pid)]).split("\n")
heap = dict(zip(js[0].split(), js[1].split())) if len(js) > 1 else {}
cl = run(["jstat", "-class", str(gw.pid)]).split("\n")
classes = cl[1].split()[0] if len(cl) > 1 and cl[1] else "?"
open(os.path.join(out, "jstat.txt"), "w").write("\n".join(js + cl))
gw.terminate()
try: gw.wait(20)
except subprocess.TimeoutExpired: gw.kill()
load = open("/proc/loadavg").read().split()[0]
def mb(k): return st.get(k, 0) / 1024.0
hu = sum(float(heap.get(k, 0)) for k in ("S0U", "S1U", "EU", "OU")) / 1024
hc = sum(float(heap.get(k, 0)) for k in ("S0C", "S1C", "EC", "OC")) / 1024
res = dict(first_s=round(t1 - t0, 2), first_cpu_s=round(cpu_first, 2), rss=round(mb("VmRSS"), 1),
           anon=round(mb("RssAnon"), 1), file=round(mb("RssFile"), 1), hwm=round(mb("VmHWM"), 1),
           threads=st.get("Threads"), classes=classes, heap_used=round(hu, 1), heap_comm=round(hc, 1),
           gct=heap.get("GCT"), cpu_total_s=round(cpu_end, 2), load=load)
json.dump(res, open(os.path.join(out, "result.json"), "w"))
print(" ".join("%s=%s" % kv for kv in res.items()), flush=True)

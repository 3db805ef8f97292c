#!/usr/bin/python3
"""Which classes a gateway loads, and why (issue 17, docs/benchmarks.md "Footprint round 3"):

  benchmarks/jvm/classes.py CLASSLOAD_LOG [--jfr RECORDING.jfr] [--top N]

CLASSLOAD_LOG is the JVM's -Xlog:class+load output (-Xlog:class+load:file=F). Prints the classes
by where they came from (the JDK's class-data archive, ours, a jar: parsed at this start,
generated: lambdas and method handles) and by library (package groups).

With --jfr, a recording with jdk.ClassLoad events and their stacks (benchmarks/jvm/classload.jfc:
-XX:StartFlightRecording=settings=benchmarks/jvm/classload.jfc,filename=F), each class is charged
to the innermost frame of our own code (io.edgerule.*) that was running when it loaded, so the
table says which of our calls pulls in which library."""
import collections, re, subprocess, sys

GROUPS = [
    ("com.fasterxml.jackson.databind", "jackson-databind"),
    ("com.fasterxml.jackson.dataformat.yaml", "jackson-yaml"),
    ("com.fasterxml.jackson", "jackson-core/annotations"),
    ("org.yaml.snakeyaml", "snakeyaml"),
    ("picocli", "picocli"),
    ("com.dylibso.chicory", "chicory"),
    ("org.eclipse.paho", "paho"),
    ("org.sqlite", "sqlite"),
    ("io.prometheus", "prometheus"),
    ("io.netty", "netty"),
    ("com.digitalpetri", "modbus"),
    ("ch.qos.logback", "logback"),
    ("org.slf4j", "slf4j"),
    ("org.objectweb.asm", "asm"),
    ("com.sun.net.httpserver", "jdk httpserver"),
    ("sun.net.httpserver", "jdk httpserver"),
    ("sun.security", "jdk security"),
    ("java.security", "jdk security"),
    ("javax.security", "jdk security"),
    ("jdk.internal.event", "jdk.internal"),
    ("java.lang.invoke", "java.lang.invoke"),
    ("java.util.stream", "java.util.stream"),
    ("java.util.concurrent", "java.util.concurrent"),
    ("java.util", "java.util"),
    ("java.lang", "java.lang"),
    ("java.io", "java.io"),
    ("java.nio", "java.nio"),
    ("sun.nio", "java.nio"),
    ("java.time", "java.time"),
    ("java.net", "java.net"),
    ("sun.net", "java.net"),
    ("jdk.internal", "jdk.internal"),
    ("sun.", "sun.*"),
    ("jdk.", "jdk.*"),
    ("java.", "java.*"),
    ("javax.", "javax.*"),
    ("io.edgerule", "edgerule"),
]


def group(name):
    if "$$Lambda$" in name:
        return "lambdas (generated)"
    if name.startswith("java.lang.invoke.LambdaForm$") or ".LambdaForm$" in name:
        return "lambda forms (generated)"
    for prefix, g in GROUPS:
        if name.startswith(prefix):
            return g
    return name.rsplit(".", 1)[0] if "." in name else name


LINE = re.compile(r"\[class,load\s*\] (\S+) source: (.*)$")


def source_kind(src):
    if src.startswith("shared objects file (top)"):
        return "our archive"
    if src.startswith("shared objects file"):
        return "JDK archive"
    if src.startswith("jrt:/"):
        return "JDK modules (parsed)"
    if "jar" in src or src.startswith("file:"):
        return "jar (parsed)"
    return "generated"


def read_log(path):
    out = []
    for line in open(path, errors="replace"):
        m = LINE.search(line)
        if m:
            out.append((m.group(1), m.group(2)))
    return out


def jfr_causes(path):
    """class name -> the innermost io.edgerule frame (or the thread name) at its load."""
    text = subprocess.run(["jfr", "print", "--events", "jdk.ClassLoad", "--stack-depth", "200", path],
                          capture_output=True, text=True, check=True).stdout
    causes = {}
    for ev in text.split("jdk.ClassLoad {")[1:]:
        m = re.search(r"loadedClass = (\S+)", ev)
        if not m:
            continue
        name = m.group(1).replace("/", ".")
        frame = None
        for f in re.findall(r"^\s+([\w$./<>]+)\(", ev, re.M):
            if f.startswith("io.edgerule."):
                frame = f
                break
        if frame is None:
            t = re.search(r'eventThread = "([^"]*)"', ev)
            frame = "[thread " + re.sub(r"[-# ]?\d+$", "", t.group(1) if t else "?") + "]"
        causes.setdefault(name, frame)
    return causes


def main():
    args = sys.argv[1:]
    jfr, top = None, 40
    if "--jfr" in args:
        i = args.index("--jfr"); jfr = args[i + 1]; del args[i:i + 2]
    if "--top" in args:
        i = args.index("--top"); top = int(args[i + 1]); del args[i:i + 2]
    loads = read_log(args[0])
    print("classes loaded: %d" % len(loads))
    print("\nby source:")
    for k, v in collections.Counter(source_kind(s) for _, s in loads).most_common():
        print("  %6d  %s" % (v, k))
    print("\nby library (all sources; parsed at this start in brackets):")
    by, parsed = collections.Counter(), collections.Counter()
    for n, s in loads:
        by[group(n)] += 1
        if source_kind(s) in ("jar (parsed)", "JDK modules (parsed)"):
            parsed[group(n)] += 1
    for k, v in by.most_common(top):
        print("  %6d  (%4d)  %s" % (v, parsed[k], k))
    if jfr:
        causes = jfr_causes(jfr)
        per = collections.defaultdict(collections.Counter)
        for n, _ in loads:
            per[causes.get(n, "[no event]")][group(n)] += 1
        print("\nby the innermost io.edgerule frame at the load (the libraries it pulled in):")
        for frame, libs in sorted(per.items(), key=lambda kv: -sum(kv[1].values()))[:top]:
            print("  %6d  %s: %s" % (sum(libs.values()), frame,
                                     ", ".join("%s %d" % kv for kv in libs.most_common(6))))


if __name__ == "__main__":
    main()

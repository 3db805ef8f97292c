#!/usr/bin/python3
"""Where the gateway's CPU went, from a JFR recording's execution samples (e2e.py --jfr records the
measurement window with 1 ms Java sampling):

  benchmarks/e2e/jfrtop.py gateway.jfr [--top 25] [--thread NAME]

Prints the share of samples per thread, the methods on top of the stack (self) and the methods
anywhere in the stack (total, each counted once per sample), by thread and overall. Sampling sees
threads running Java code only: time in the kernel (socket writes, futex wake-ups) shows as the Java
frame that called into it, and the per-thread CPU from /proc (e2e.py's table) is the ground truth
for how much each thread used."""
import argparse
import collections
import re
import subprocess

RX_THREAD = re.compile(r'sampledThread = "([^"]*)"')
RX_FRAME = re.compile(r'^\s+([\w$.<>/]+)\(')


def samples(jfr, depth):
    """Yields (thread, [frames top first]) per execution sample, streaming `jfr print`."""
    p = subprocess.Popen(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", str(depth), jfr],
                         stdout=subprocess.PIPE, text=True, errors="replace")
    thread, frames, in_stack = None, [], False
    for line in p.stdout:
        if line.startswith("jdk.ExecutionSample"):
            thread, frames, in_stack = None, [], False
        elif "sampledThread" in line:
            m = RX_THREAD.search(line)
            thread = m.group(1) if m else "?"
        elif "stackTrace = [" in line:
            in_stack = True
        elif in_stack and line.strip() == "]":
            in_stack = False
        elif in_stack:
            m = RX_FRAME.match(line)
            if m:
                frames.append(m.group(1))
        elif line.startswith("}") and thread is not None:
            yield thread, frames
            thread = None
    p.wait()


def short(thread):
    return re.sub(r"[-#]?\d+$", "", thread) or thread


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("jfr")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--depth", type=int, default=64)
    ap.add_argument("--thread", help="only threads whose name starts with this")
    a = ap.parse_args()
    by_thread = collections.Counter()
    self_ = collections.defaultdict(collections.Counter)
    total = collections.defaultdict(collections.Counter)
    n = 0
    for thread, frames in samples(a.jfr, a.depth):
        t = short(thread)
        if a.thread and not thread.startswith(a.thread):
            continue
        n += 1
        by_thread[t] += 1
        if frames:
            self_[t][frames[0]] += 1
            self_["*"][frames[0]] += 1
        for f in set(frames):
            total[t][f] += 1
            total["*"][f] += 1
    print("%d execution samples" % n)
    for t, c in by_thread.most_common():
        print("  %5.1f %%  %s" % (100.0 * c / n, t))
    for t in ["*"] + [t for t, _ in by_thread.most_common(8)]:
        tn = n if t == "*" else by_thread[t]
        print("\n== %s (%d samples): self" % ("all threads" if t == "*" else t, tn))
        for f, c in self_[t].most_common(a.top):
            print("  %5.1f %%  %s" % (100.0 * c / tn, f))
        print("-- total (anywhere in the stack)")
        for f, c in total[t].most_common(a.top):
            print("  %5.1f %%  %s" % (100.0 * c / tn, f))


if __name__ == "__main__":
    main()

"""The benchmark's Modbus TCP slaves. Both serve the same plant (slave.py's docstring) with the same
command line (--host --port --units --upd-min-ms --upd-max-ms --stats-file), and both systems of a
run read the same one:

* pymodbus: slave.py, the Node-RED anchor's own slave (pymodbus 3.0.0, Debian python3-pymodbus);
  it answers a few hundred polls a second on this machine kind.
* fast: fastslave.c on libmodbus (Debian libmodbus-dev), built here with gcc into
  benchmarks/target/e2e/fastslave when missing or older than its source."""
import os
import shutil
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
KINDS = ("pymodbus", "fast")
FAST_SRC = os.path.join(HERE, "fastslave.c")
FAST_BIN = os.path.join(REPO, "benchmarks", "target", "e2e", "fastslave")


def check(kind):
    """Fails naming the Debian package when the slave cannot run here."""
    if kind == "pymodbus":
        if subprocess.run(["/usr/bin/python3", "-c", "import pymodbus.server"], capture_output=True).returncode:
            raise SystemExit("e2e: /usr/bin/python3 cannot import pymodbus.server: install the Debian packages "
                             "python3-pymodbus python3-serial python3-serial-asyncio")
    else:
        build_fast()


def build_fast():
    """Compiles fastslave.c (gcc, libmodbus) unless the binary is newer than the source."""
    if os.path.isfile(FAST_BIN) and os.path.getmtime(FAST_BIN) >= os.path.getmtime(FAST_SRC):
        return FAST_BIN
    if not shutil.which("gcc"):
        raise SystemExit("e2e: 'gcc' not found: install the Debian packages gcc libc6-dev (for --slave fast)")
    if not os.path.isfile("/usr/include/modbus/modbus.h"):
        raise SystemExit("e2e: libmodbus headers not found: install the Debian package libmodbus-dev (for --slave fast)")
    os.makedirs(os.path.dirname(FAST_BIN), exist_ok=True)
    tmp = FAST_BIN + ".tmp%d" % os.getpid()
    subprocess.check_call(["gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-pthread", "-I/usr/include/modbus",
                           "-o", tmp, FAST_SRC, "-lmodbus", "-lm"])
    os.replace(tmp, FAST_BIN)  # atomic: a concurrent run never starts a half-written binary
    return FAST_BIN


def command(kind, port, units, stats_file):
    """The argv that starts the slave."""
    args = ["--port", str(port), "--units", str(max(1, units)), "--stats-file", stats_file]
    if kind == "pymodbus":
        return ["/usr/bin/python3", os.path.join(HERE, "slave.py")] + args
    return [build_fast()] + args


def anchor_slave_py(kind):
    """The text of the anchor's harness/slave.py for this slave: the anchor's run_one.py starts
    `/usr/bin/python3 harness/slave.py ARGS`; for the fast slave that file replaces itself with the
    binary (exec: same pid, so the anchor measures the slave's CPU as before)."""
    if kind == "pymodbus":
        with open(os.path.join(HERE, "slave.py")) as f:
            return f.read()
    return ("#!/usr/bin/python3\n"
            "# Written by edgerule's benchmarks/e2e (--slave fast): the anchor's runs read libmodbus's\n"
            "# fastslave, the same slave as edgerule's runs.\n"
            "import os, sys\n"
            "os.execv(%r, [%r] + sys.argv[1:])\n" % (build_fast(), build_fast()))

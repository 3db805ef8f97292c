#!/bin/sh
# Runs edgerule on another CPU architecture under qemu-user: a serial probe (both ends of a socat
# pty pair opened through the gateway's Modbus RTU port class, bytes sent each way) and then
# `edgerule demo` for 20 s, inside a Debian root of that architecture. Run by hand, as root (chroot
# and mounts); the results are in docs/reference/platforms.md.
#
#   benchmarks/cross/run.sh arm64     Debian 12 (bookworm), openjdk-17-jre-headless
#   benchmarks/cross/run.sh riscv64   Debian 13 (trixie), openjdk-21-jre-headless (no 17 there)
#
# Environment: EDGERULE_CROSS_ROOTS (default /var/tmp/edgerule-cross) caches the roots, one folder
# per architecture: the first run builds it (mmdebstrap, about half a minute here), later runs reuse
# it; delete the folder to rebuild. DEMO_SECONDS (default 20).
#
# Needs the Debian packages mmdebstrap, qemu-user-static, socat, iproute2, a JDK 17 (javac) and Maven, and
# cli/target/edgerule.jar (built here when missing).
#
# How the foreign root works without binfmt_misc (this machine has none registered): the root is
# made with `mmdebstrap --variant=extract`, which only unpacks the JRE and what it depends on (no
# maintainer scripts, so nothing foreign runs while building it); merged-/usr symlinks come from
# mmdebstrap's merged-usr hook. The programs then run as `chroot ROOT /usr/bin/qemu-ARCH-static
# /usr/lib/jvm/.../bin/java ...`: qemu is a static host binary, so the chroot runs it directly, and
# inside the chroot every absolute path and symlink (the JDK's conf -> /etc/java-NN-openjdk) resolves
# in the foreign root. A Java program that started other programs would need binfmt_misc; the probe
# and the demo start none. /proc, /sys and /dev (ptys) are mounted in a private mount namespace, and
# the network is a namespace of its own with a loopback (unshare), so nothing stays mounted when the
# run ends and the demo's ports never meet the host's.
set -eu
arch=${1:-}
case "$arch" in
  arm64) suite=bookworm jre=openjdk-17-jre-headless java=/usr/lib/jvm/java-17-openjdk-arm64/bin/java qemu=qemu-aarch64-static ;;
  riscv64) suite=trixie jre=openjdk-21-jre-headless java=/usr/lib/jvm/java-21-openjdk-riscv64/bin/java qemu=qemu-riscv64-static ;;
  *) echo "usage: $0 arm64|riscv64" >&2; exit 2 ;;
esac
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
roots=${EDGERULE_CROSS_ROOTS:-/var/tmp/edgerule-cross}
root=$roots/$arch-$suite
seconds=${DEMO_SECONDS:-20}

need() { command -v "$1" >/dev/null 2>&1 || { echo "run.sh: $1 not found: install the Debian package $2" >&2; exit 2; }; }
need mmdebstrap mmdebstrap
need "$qemu" qemu-user-static
need socat socat
need javac openjdk-17-jdk-headless
need unshare util-linux
need ip iproute2
[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (chroot, mount)" >&2; exit 2; }
stamp() { date -u +%H:%M:%S; }

# 1. The root, built once and cached.
if [ ! -f "$root/.edgerule-root" ]; then
  echo "$(stamp) building the $arch root ($suite, $jre) in $root"
  rm -rf "$root.new"
  mkdir -p "$roots"
  t0=$(date +%s)
  mmdebstrap --mode=root --variant=extract --architectures="$arch" \
    --include="$jre,libc-bin" \
    --setup-hook=/usr/share/mmdebstrap/hooks/merged-usr/setup00.sh \
    "$suite" "$root.new"
  cp "$(command -v "$qemu")" "$root.new/usr/bin/"
  mkdir -p "$root.new/proc" "$root.new/sys" "$root.new/dev" "$root.new/tmp" "$root.new/root"
  chmod 1777 "$root.new/tmp"
  # The dynamic linker's cache (extract runs no maintainer scripts, so nobody ran ldconfig).
  chroot "$root.new" "/usr/bin/$qemu" /sbin/ldconfig
  echo "$suite $arch $jre built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - t0)) s, $(du -sh "$root.new" | cut -f1)" >"$root.new/.edgerule-root"
  mv "$root.new" "$root"
fi
echo "$(stamp) root: $(cat "$root/.edgerule-root")"

# 2. The program: cli/target/edgerule.jar and its lib/, with the probe compiled against it.
if [ ! -f "$repo/cli/target/edgerule.jar" ]; then
  echo "$(stamp) building edgerule (mvn -pl cli -am package)"
  mvn -q -B -f "$repo/pom.xml" -DskipTests -Dspotless.check.skip=true -pl cli -am package
fi
mkdir -p "$root/sys" # roots made before /sys was mounted
rm -rf "$root/opt/edgerule" "$root/tmp/jSerialComm" "$root/root/.jSerialComm" "$root"/tmp/edgerule-demo*
mkdir -p "$root/opt/edgerule/probe"
cp -r "$repo/cli/target/edgerule.jar" "$repo/cli/target/lib" "$repo/packaging/src/deb/files/jvm.options" "$root/opt/edgerule/"
javac --release 17 -cp "$repo/cli/target/edgerule.jar" -d "$root/opt/edgerule/probe" "$here/SerialProbe.java"

# Runs a command in the root under qemu, with /proc, /sys and /dev in a private mount namespace
# (/dev for the ptys; /sys because the demo's broker, HiveMQ, reads the CPU topology through OSHI
# and fails without it), and in a network namespace of its own with only a loopback: the demo
# takes ports 1883, 5020 and 4840 when they look free and, under emulation, binds them much later;
# on the host's loopback it would collide with a demo or test started meanwhile.
in_root() {
  unshare --mount --net --propagation private sh -c '
    root=$1; qemu=$2; shift 2
    ip link set lo up &&
    mount -t proc proc "$root/proc" && mount --rbind /sys "$root/sys" &&
    mount --rbind /dev "$root/dev" &&
    exec chroot "$root" "/usr/bin/$qemu" "$@"' in_root "$root" "$qemu" "$@"
}

echo "$(stamp) $(in_root "$java" -version 2>&1 | head -n 2 | tr '\n' ' ')"

# 3. The serial probe on a socat pty pair whose links live in the root's /tmp.
socat -d -d "pty,raw,echo=0,link=$root/tmp/ttyER0" "pty,raw,echo=0,link=$root/tmp/ttyER1" 2>/dev/null &
socat_pid=$!
trap 'kill $socat_pid 2>/dev/null || true' EXIT
i=0
until [ -e "$root/tmp/ttyER0" ] && [ -e "$root/tmp/ttyER1" ]; do
  i=$((i + 1)); [ $i -lt 100 ] || { echo "run.sh: socat made no ptys" >&2; exit 1; }
  sleep 0.1
done
echo "$(stamp) serial probe: /tmp/ttyER0 <-> /tmp/ttyER1 ($(readlink "$root/tmp/ttyER0"), $(readlink "$root/tmp/ttyER1"))"
if [ "$arch" = riscv64 ]; then
  # The baseline: jSerialComm by itself (no SerialNative.prepare()) has no riscv64 library.
  stock_rc=0
  in_root "$java" -cp /opt/edgerule/edgerule.jar:/opt/edgerule/probe SerialProbe --stock /tmp/ttyER0 >"$root/tmp/stock.log" 2>&1 || stock_rc=$?
  grep -m 1 -E 'UnsatisfiedLinkError|probe:' "$root/tmp/stock.log" || true
  grep -m 1 -o 'Possible cause: .*RISCV64 platform' "$root/tmp/stock.log" || true
  rm -rf "$root/tmp/stock.log" "$root/tmp/jSerialComm" "$root/root/.jSerialComm"
  echo "$(stamp) jSerialComm alone: exit $stock_rc (expected: 1, no riscv64 library)"
fi
t0=$(date +%s)
probe_rc=0
in_root "$java" -cp /opt/edgerule/edgerule.jar:/opt/edgerule/probe SerialProbe /tmp/ttyER0 /tmp/ttyER1 || probe_rc=$?
echo "$(stamp) serial probe exit $probe_rc after $(($(date +%s) - t0)) s"
kill $socat_pid 2>/dev/null || true

# 4. The demo, with the JVM options the launchers use (./edgerule adds -Xmx256m for the demo; the
# launcher script itself is not used: it would start java as a child, which needs binfmt_misc).
echo "$(stamp) edgerule demo --duration ${seconds}s"
log=$(mktemp)
t0=$(date +%s)
demo_rc=0
in_root "$java" @/opt/edgerule/jvm.options -Xmx256m -jar /opt/edgerule/edgerule.jar demo --dir /tmp/edgerule-demo --duration "${seconds}s" >"$log" 2>&1 || demo_rc=$?
cat "$log"
rules=$(grep -c '] rule ' "$log" || true)
writes=$(grep -c '] device .* OK' "$log" || true)
mqtt=$(grep -c '] mqtt ' "$log" || true)
rm -f "$log"
echo "$(stamp) demo exit $demo_rc after $(($(date +%s) - t0)) s: $rules rule decisions, $writes device writes OK, $mqtt MQTT messages shown"

if [ "$probe_rc" = 0 ] && [ "$demo_rc" = 0 ] && [ "$rules" -gt 0 ] && [ "$writes" -gt 0 ]; then
  echo "$(stamp) $arch: PASS"
else
  echo "$(stamp) $arch: FAIL (probe $probe_rc, demo $demo_rc, $rules rule decisions, $writes device writes)"
  exit 1
fi

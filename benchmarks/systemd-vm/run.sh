#!/bin/sh
# Boots a Debian 12 amd64 virtual machine whose PID 1 is systemd, installs the freshly built
# edgerule .deb in it with dpkg (postinst runs under the real systemd) and checks the service as
# systemd runs it: Type=notify (active only after READY=1), the user and groups, the hardening as
# the service sees it, reload, a clean stop (STOPPING=1, exit 0), the watchdog (the pipeline's
# dispatcher thread frozen: systemd kills and restarts it), journald priorities, MemoryMax,
# `systemd-analyze security`,
# `edgerule check` on the shipped config, and dpkg --remove (state kept) then --purge (state gone).
# Run by hand, as root; the results are in docs/how-to/install-debian-package.md.
#
#   benchmarks/systemd-vm/run.sh            build the .deb, boot the VM, run the checks
#   benchmarks/systemd-vm/run.sh --root     only build (or show) the cached root and its image
#
# Environment: EDGERULE_VM_CACHE (default /var/tmp/edgerule-systemd-vm) holds the root: the first
# run builds it with mmdebstrap (systemd, linux-image-amd64, openjdk-17-jre-headless, mosquitto)
# and makes an ext4 image of it with `mkfs.ext4 -d` (no loop mount); later runs reuse it; delete
# the folder to rebuild. Each run boots a copy of that image, so every run starts from the same
# clean root. VM_TIMEOUT (default 2700 s) ends a VM that did not power off. VM_ACCEL=tcg or kvm
# forces the accelerator (default: KVM when /dev/kvm exists and works, else TCG). EDGERULE_DEB=FILE
# installs that .deb instead of building one.
#
# Needs the Debian packages mmdebstrap, qemu-system-x86, e2fsprogs, gcc (with libc6-dev), a JDK 17
# and Maven (the .deb is built here, offline: `mvn -o -pl packaging -am package`).
#
# How the checks run: the root has one unit of ours, edgerule-vm-job.service, started after
# multi-user.target; it mounts the second disk (/dev/vdb: the .deb, checks.sh, freeze-thread) read
# only and runs checks.sh, whose output goes to the console and to the second serial port, which
# qemu writes to result.log; then the unit powers the VM off (SuccessAction/FailureAction). No
# network: the VM has only a loopback, where its own Mosquitto listens.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cache=${EDGERULE_VM_CACHE:-/var/tmp/edgerule-systemd-vm}
timeout_s=${VM_TIMEOUT:-2700}

need() { command -v "$1" >/dev/null 2>&1 || { echo "run.sh: $1 not found: install the Debian package $2" >&2; exit 2; }; }
need mmdebstrap mmdebstrap
need qemu-system-x86_64 qemu-system-x86
need mkfs.ext4 e2fsprogs
need gcc gcc
need mvn maven
[ -f /usr/lib/x86_64-linux-gnu/libc.a ] || { echo "run.sh: no static libc: install the Debian package libc6-dev" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (mmdebstrap --mode=root, chroot)" >&2; exit 2; }
stamp() { date -u +%H:%M:%S; }

# 1. The root and its disk image, built once and cached.
root=$cache/root
if [ ! -f "$cache/.edgerule-vm" ]; then
  echo "$(stamp) building the Debian 12 amd64 root in $root"
  rm -rf "$root" "$cache/root.img" "$cache/vmlinuz" "$cache/initrd.img"
  mkdir -p "$cache"
  t0=$(date +%s)
  mmdebstrap --mode=root --variant=important --architectures=amd64 \
    --include=systemd,systemd-sysv,udev,linux-image-amd64,openjdk-17-jre-headless,mosquitto,adduser,libsystemd0,procps,jq \
    bookworm "$root" \
    "deb http://deb.debian.org/debian bookworm main" \
    "deb http://deb.debian.org/debian bookworm-updates main" \
    "deb http://deb.debian.org/debian-security bookworm-security main"
  echo edgerule-vm >"$root/etc/hostname"
  printf '/dev/vda / ext4 rw,errors=remount-ro 0 0\n' >"$root/etc/fstab"
  # A machine id now, and no first-boot prompts on the console (nobody answers them).
  rm -f "$root/etc/machine-id"
  chroot "$root" systemd-machine-id-setup >/dev/null
  # Nothing that wakes up during the checks to download or scrub (the VM has no network anyway).
  chroot "$root" systemctl mask -q systemd-firstboot.service apt-daily.timer apt-daily-upgrade.timer \
    man-db.timer e2scrub_all.timer fstrim.timer
  cp "$here/edgerule-vm-job" "$root/usr/local/sbin/edgerule-vm-job"
  chmod 755 "$root/usr/local/sbin/edgerule-vm-job"
  cp "$here/edgerule-vm-job.service" "$root/etc/systemd/system/"
  chroot "$root" systemctl enable -q edgerule-vm-job.service
  chroot "$root" apt-get clean
  cp -L "$root/vmlinuz" "$cache/vmlinuz"
  cp -L "$root/initrd.img" "$cache/initrd.img"
  truncate -s 4G "$cache/root.img"
  mkfs.ext4 -q -F -L edgerule-vm -d "$root" "$cache/root.img"
  echo "Debian 12 amd64, kernel $(ls "$root/lib/modules"), $(chroot "$root" dpkg-query -W -f '${Version}' openjdk-17-jre-headless) JRE, systemd $(chroot "$root" dpkg-query -W -f '${Version}' systemd); built $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - t0)) s, $(du -sh "$root" | cut -f1)" >"$cache/.edgerule-vm"
fi
echo "$(stamp) root: $(cat "$cache/.edgerule-vm")"
[ "${1:-}" = --root ] && exit 0

# 2. The program: the .deb, built now from this checkout (offline, with its modules: no stale
# SNAPSHOT from ~/.m2), unless EDGERULE_DEB names one already built.
if [ -n "${EDGERULE_DEB:-}" ]; then
  deb=$EDGERULE_DEB
  echo "$(stamp) using $deb ($(du -h "$deb" | cut -f1), $(date -u -r "$deb" +%Y-%m-%dT%H:%M:%SZ))"
else
  echo "$(stamp) building packaging/target/edgerule.deb (mvn -o -pl packaging -am package)"
  t0=$(date +%s)
  mvn -B -o -q -f "$repo/pom.xml" -pl packaging -am package -DskipTests
  deb=$repo/packaging/target/edgerule.deb
  echo "$(stamp) $(du -h "$deb" | cut -f1) .deb in $(($(date +%s) - t0)) s, $(git -C "$repo" describe --always --dirty 2>/dev/null || echo '?')"
fi

# 3. This run's disks: a copy of the clean root, and the job disk (read only in the VM).
run=$cache/run-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$run/job"
cp "$deb" "$here/checks.sh" "$run/job/"
gcc -static -O2 -Wall -o "$run/job/freeze-thread" "$here/freeze-thread.c"
truncate -s 256M "$run/job.img"
mkfs.ext4 -q -F -L edgerule-job -d "$run/job" "$run/job.img"
cp --sparse=always "$cache/root.img" "$run/root.img"

# 4. Boot. KVM when /dev/kvm exists (qemu falls back to TCG, software emulation, when it cannot
# use it); the first serial port is the console (console.log), the second the checks' output
# (result.log). -display none and -monitor none instead of -nographic, which would put qemu's
# monitor on this terminal.
case "${VM_ACCEL:-}" in
  tcg) accel="-accel tcg -cpu max" ;;
  kvm) accel="-accel kvm -cpu host" ;;
  *)
    # /dev/kvm can exist and still be unusable (seen here: qemu aborts setting up the virtual CPU,
    # "failed to set MSR 0x10a"): a paused VM that lives 5 s proves it works.
    accel="-accel tcg -cpu max"
    if [ -e /dev/kvm ]; then
      kvm_rc=0
      timeout 5 qemu-system-x86_64 -accel kvm -cpu host -nodefaults -display none -monitor none -S \
        </dev/null >/dev/null 2>&1 || kvm_rc=$?
      if [ "$kvm_rc" = 124 ]; then accel="-accel kvm -cpu host"; else echo "$(stamp) /dev/kvm exists but qemu cannot use it (exit $kvm_rc): TCG"; fi
    fi
    ;;
esac
echo "$(stamp) booting ($accel, timeout $timeout_s s); console: $run/console.log"
t0=$(date +%s)
# shellcheck disable=SC2086 # the accelerator options are a list
timeout "$timeout_s" qemu-system-x86_64 $accel -smp 2 -m 2048 \
  -display none -monitor none -no-reboot \
  -kernel "$cache/vmlinuz" -initrd "$cache/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 panic=-1 systemd.show_status=auto" \
  -drive file="$run/root.img",format=raw,if=virtio \
  -drive file="$run/job.img",format=raw,if=virtio,readonly=on \
  -nic none \
  -serial file:"$run/console.log" -serial file:"$run/result.log" </dev/null || qemu_rc=$?
echo "$(stamp) VM exited (${qemu_rc:-0}) after $(($(date +%s) - t0)) s"
rm -f "$run/root.img" "$run/job.img"

tr -d '\r' <"$run/result.log" >"$run/result.txt"
grep -E '^(INFO|CHECK|RESULT)' "$run/result.txt" || true
echo "$(stamp) results: $run/result.txt, console: $run/console.log"
if grep -qx 'RESULT: [0-9]* passed, 0 failed' "$run/result.txt"; then
  echo "$(stamp) systemd VM: PASS"
else
  echo "$(stamp) systemd VM: FAIL" >&2
  exit 1
fi

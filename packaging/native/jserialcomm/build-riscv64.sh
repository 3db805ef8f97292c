#!/bin/sh
# Builds jSerialComm's Linux native library for riscv64 from its own C sources (src/, copied from
# jSerialComm's tag v2.11.4, see README.md): jSerialComm 2.11.4 ships natives for x86, ARM and
# ppc64le only, so without this library Modbus RTU and Zigbee over serial cannot open a port on a
# RISC-V board.
#
# Usage: packaging/native/jserialcomm/build-riscv64.sh [--check]
#   writes serial-native/src/main/resources/Linux/riscv64/libjSerialComm.so;
#   --check builds into a temporary folder and fails unless the result is byte-identical to the
#   committed library (the build is reproducible with the same cross compiler).
#
# Needs the Debian packages gcc-riscv64-linux-gnu and libc6-dev-riscv64-cross, and a JDK (for jni.h).
# The flags are upstream's (src/main/c/Posix/Makefile: CFLAGS_POSIX, LDFLAGS_POSIX) plus the Debian
# riscv64 baseline (-march=rv64gc -mabi=lp64d) and -ffile-prefix-map (no build path in the output).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out_rel=serial-native/src/main/resources/Linux/riscv64/libjSerialComm.so
cc=riscv64-linux-gnu-gcc
command -v "$cc" >/dev/null 2>&1 || {
  echo "build-riscv64.sh: $cc not found: install the Debian packages gcc-riscv64-linux-gnu libc6-dev-riscv64-cross" >&2
  exit 2
}
javac_path=$(command -v javac || true)
[ -n "$javac_path" ] || { echo "build-riscv64.sh: javac not found: install a JDK (Debian openjdk-17-jdk-headless) for jni.h" >&2; exit 2; }
jdk=$(dirname "$(dirname "$(readlink -f "$javac_path")")")
[ -f "$jdk/include/jni.h" ] || { echo "build-riscv64.sh: no $jdk/include/jni.h" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here"/src/*.c "$here"/src/*.h "$work/"
cd "$work"
cflags="-Wall -Wtrampolines -fPIC -Os -flto -static-libgcc -D_FORTIFY_SOURCE=0 -fuse-linker-plugin"
ldflags="-Os -flto -static-libgcc -shared -fuse-linker-plugin -s"
arch="-march=rv64gc -mabi=lp64d"
for c in SerialPort_Posix PosixHelperFunctions; do
  # shellcheck disable=SC2086 # flag lists
  "$cc" -I"$jdk/include" -I"$jdk/include/linux" $cflags $arch -ffile-prefix-map="$work"=. \
    -c "$c.c" -o "$c.o"
done
# shellcheck disable=SC2086
"$cc" $ldflags $arch -o libjSerialComm.so SerialPort_Posix.o PosixHelperFunctions.o

if [ "${1:-}" = --check ]; then
  if cmp -s libjSerialComm.so "$repo/$out_rel"; then
    echo "build-riscv64.sh: $out_rel is reproduced byte for byte ($(sha256sum <libjSerialComm.so | cut -c1-64))"
  else
    echo "build-riscv64.sh: the rebuilt library differs from $out_rel" >&2
    echo "  rebuilt:   $(sha256sum <libjSerialComm.so | cut -c1-64) ($("$cc" --version | head -n 1))" >&2
    echo "  committed: $(sha256sum <"$repo/$out_rel" | cut -c1-64)" >&2
    exit 1
  fi
else
  mkdir -p "$(dirname "$repo/$out_rel")"
  cp libjSerialComm.so "$repo/$out_rel"
  echo "build-riscv64.sh: wrote $out_rel ($(wc -c <libjSerialComm.so) bytes, sha256 $(sha256sum <libjSerialComm.so | cut -c1-64), $("$cc" --version | head -n 1))"
fi

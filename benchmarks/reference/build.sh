#!/bin/sh
# Rebuilds reference_rule.wasm: the end-to-end benchmark's rule (benchmarks/e2e/plant_rule.c, moving
# average of 8 + hysteresis alarm per register point) sized for at most 256 points per instance, so
# that each of the reference load's 20 instances (60 points each) starts with 1 page (64 KiB) of memory
# instead of the 37 pages (2.4 MB of Java heap each: 48 MB for 20, an OutOfMemoryError under -Xmx64m)
# the 16,384-point build needs. The committed .wasm is this script's output.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
clang --target=wasm32 -O2 -nostdlib -ffreestanding -fno-ident -DMAX_POINTS=256 \
  -I "$here/../../sdk/c" \
  -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=16384 \
  -o "$here/reference_rule.wasm" "$here/../e2e/plant_rule.c"

#!/bin/sh
# Rebuilds plant_rule.wasm from plant_rule.c with the same flags as examples/rules/build.sh
# (Debian: clang, lld). The committed .wasm is this script's output.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
clang --target=wasm32 -O2 -nostdlib -ffreestanding -fno-ident \
  -I "$here/../../sdk/c" \
  -Wall -Wextra -Werror \
  -Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=16384 \
  -o "$here/plant_rule.wasm" "$here/plant_rule.c"

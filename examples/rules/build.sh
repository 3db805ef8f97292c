#!/bin/sh
# Rebuilds every example rule module from source: WAT with wat2wasm (Debian: wabt), C with clang
# and wasm-ld (Debian: clang, lld) against sdk/c/edgerule.h, AssemblyScript (as/NAME.ts ->
# NAME.as.wasm) with asc 0.28 against sdk/assemblyscript, installed by `npm ci` from
# package-lock.json into node_modules/ (Debian: nodejs, npm; needs the npm registry once).
# The committed .wasm files are exactly this script's output; .ci/check-rules proves it.
#
#   examples/rules/build.sh            # rebuild in place
#   examples/rules/build.sh OUT_DIR    # build into OUT_DIR (the check uses a temp dir)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here}
mkdir -p "$out"

need() {
  command -v "$1" >/dev/null 2>&1 || { echo "build.sh: '$1' not found: install the Debian package '$2'" >&2; exit 1; }
}
need wat2wasm wabt
need clang clang
need wasm-ld lld
need npm npm

for wat in "$here"/*.wat; do
  name=$(basename "$wat" .wat)
  wat2wasm "$wat" -o "$out/$name.wasm"
done

# -O2, no libc (-nostdlib -ffreestanding), no main (--no-entry). --strip-all drops the name,
# debug and producers sections, so the output depends on the compiler's code generation only (the
# committed files come from Debian 12's clang/lld 14; another version may generate other code).
# A 16 KiB stack (clang's default is 64 KiB, a whole page) leaves small rules in one page of
# memory, so er_buffer can grow into the second within a memory_pages: 2 limit.
for c in "$here"/*.c; do
  name=$(basename "$c" .c)
  clang --target=wasm32 -O2 -nostdlib -ffreestanding -fno-ident \
    -I "$here/../../sdk/c" \
    -Wall -Wextra -Werror \
    -Wl,--no-entry -Wl,--strip-all -Wl,-z,stack-size=16384 \
    -o "$out/$name.wasm" "$c"
done

# AssemblyScript: the compiler version is pinned by package-lock.json; `npm ci` reinstalls when
# the lockfile is newer than the install. --runtime incremental: a GC'd heap, so rules that build
# strings per event (formatFixed) do not run out of memory; --use abort= leaves out the env.abort
# import (an assertion failure traps instead). No name section: the bytes depend on the code only.
if [ ! -x "$here/node_modules/.bin/asc" ] || [ "$here/package-lock.json" -nt "$here/node_modules/.package-lock.json" ]; then
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
for ts in "$here"/as/*.ts; do
  name=$(basename "$ts" .ts)
  (cd "$here" && node_modules/.bin/asc "as/$name.ts" -O3 --runtime incremental --use abort= \
    --noAssert -o "$out/$name.as.wasm")
done

#!/bin/sh
# Rebuilds every example rule module from source: WAT with wat2wasm (Debian: wabt), C with clang
# and wasm-ld (Debian: clang, lld) against sdk/c/edgerule.h, AssemblyScript (as/NAME.ts ->
# NAME.as.wasm) with asc 0.28 against sdk/assemblyscript, installed by `npm ci` from
# package-lock.json into node_modules/ (Debian: nodejs, npm; needs the npm registry once).
# Rust (rust/NAME.rs -> NAME.rs.wasm) with Debian's rustc 1.63 and its wasm32 standard library
# against sdk/rust (Debian: rustc, libstd-rust-dev-wasm32; /usr/bin/rustc is preferred over a
# rustup one on the PATH, whose version would give other code).
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
rustc_bin=/usr/bin/rustc
[ -x "$rustc_bin" ] || rustc_bin=$(command -v rustc || true)
[ -n "$rustc_bin" ] || { echo "build.sh: 'rustc' not found: install the Debian packages 'rustc' and 'libstd-rust-dev-wasm32'" >&2; exit 1; }

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

# Rust: the SDK as an rlib in a scratch folder, then each rule as a cdylib. panic=abort and the
# rule's panic handler make a panic a trap; a 16 KiB stack instead of rustc's 1 MiB keeps a small
# rule within a few pages.
rlib_dir=$(mktemp -d)
trap 'rm -rf "$rlib_dir"' EXIT
"$rustc_bin" --edition 2021 --crate-type rlib --crate-name edgerule_rule \
  --target wasm32-unknown-unknown -C opt-level=3 -C panic=abort \
  -o "$rlib_dir/libedgerule_rule.rlib" "$here/../../sdk/rust/src/lib.rs"
for rs in "$here"/rust/*.rs; do
  name=$(basename "$rs" .rs)
  "$rustc_bin" --edition 2021 --crate-type cdylib --target wasm32-unknown-unknown \
    -C opt-level=3 -C panic=abort -C link-arg=-zstack-size=16384 -C link-arg=--strip-all \
    -L "$rlib_dir" --extern edgerule_rule="$rlib_dir/libedgerule_rule.rlib" \
    -o "$out/$name.rs.wasm" "$rs"
done

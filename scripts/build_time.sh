#!/bin/bash
# Times a cold then warm `cargo build --release` and `cargo test` of one commit, in a fresh
# directory with its own target/ (BENCHMARKS.md, "Build and test time").
# Usage: scripts/build_time.sh REV OUTDIR
set -u
rev=$1; out=$2
mkdir -p "$out/src" && git archive "$rev" | tar -x -C "$out/src" || exit 1
cd "$out/src" || exit 1
export CARGO_TERM_COLOR=never
step() {
  local s e rc
  s=$(date +%s.%N); "$@" >>"$out/log" 2>&1; rc=$?; e=$(date +%s.%N)
  echo "$* rc=$rc $(echo "$e - $s" | bc) s" | tee -a "$out/times"
}
echo "start $(date -u +%T) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$out/times"
step cargo build --release
step cargo test
step cargo build --release
step cargo test
echo "test binaries: $(ls target/debug/deps | grep -cE -- '-[0-9a-f]{16}$')" | tee -a "$out/times"

#!/usr/bin/env bash
# The figures behind docs/PERFORMANCE.md: table calls per operation, and for each release opt-level
# the function binaries' size, cold start, warm invocation and peak memory against a local moto.
#
#   scripts/bench.sh                  opt-levels "s 3 z", 10 runs each
#   OPT_LEVELS="s" RUNS=20 scripts/bench.sh
#
# An opt-level here is the project's crates' (CARGO_PROFILE_RELEASE_OPT_LEVEL); the dependencies
# stay at the profile's "z" ([profile.release.package."*"] in Cargo.toml). Each level's binaries
# run beside the floor (tests/floor) on a moto table seeded with the demo's cycle.
# Writes target/bench/report.md (and prints it). Slow: one LTO release build per opt-level.
#
#   CALLS_ONLY=1 scripts/bench.sh     the table calls only (no release build, no moto)
#   cargo run --release -p award-bench -- review    the review's aggregation and draw at scale
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

levels="${OPT_LEVELS:-s 3 z}"
runs="${RUNS:-10}"
# Cargo's own output folder: CARGO_TARGET_DIR when set (e.g. one per worktree), else ./target.
target="${CARGO_TARGET_DIR:-target}"
out=target/bench
mkdir -p "$out"
report="$out/report.md"

cargo build -q -p award-bench
{
  echo "## Table calls per operation"
  echo
  cargo run -q -p award-bench -- calls
} >"$report"

if [ -n "${CALLS_ONLY:-}" ]; then
  cat "$report"
  exit 0
fi
{
  echo
  echo "## Expert review at scale ($(nproc) cores, $(date -u +%Y-%m-%d))"
  echo
  cargo run -q --release -p award-bench -- review
} >>"$report"
{
  echo
  echo "## Cold start and memory ($(nproc) cores, $(date -u +%Y-%m-%d))"
} >>"$report"
for level in $levels; do
  CARGO_PROFILE_RELEASE_OPT_LEVEL="$level" cargo build -q --release -p fn-upload -p fn-notify \
    -p fn-screening -p fn-aggregate -p fn-reminders -p fn-publicity -p fn-archive -p award-floor
  mkdir -p "$out/opt-$level"
  for binary in floor upload-api upload-received notify screening aggregate reminders publicity archive; do
    cp "$target/release/$binary" "$out/opt-$level/"
  done
  {
    echo
    echo "### opt-level = $level"
    echo
    # scripts/test.sh starts moto, runs the command under it and stops moto.
    scripts/test.sh cargo run -q -p award-bench -- cold-start --bin-dir "$out/opt-$level" --runs "$runs" |
      sed -n '/^|/p;/runs per binary/p;/^Table:/p'
  } >>"$report"
done
cat "$report"

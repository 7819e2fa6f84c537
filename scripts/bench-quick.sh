#!/usr/bin/env bash
# The cold-start bench in its quick mode, so that it cannot rot unseen (issue 23): the eight
# function binaries and the floor (tests/floor) in their debug build, one run each, on a moto
# table seeded with the demo's played cycle, against the moto server that scripts/test.sh started
# (MOTO_URL). Asserts no speed: it fails only when a binary does not
# start, refuses its event, or a row is missing. The figures of docs/PERFORMANCE.md come from
# scripts/bench.sh (release builds, many runs).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
: "${MOTO_URL:?set MOTO_URL (scripts/test.sh does)}"
target="${CARGO_TARGET_DIR:-target}"

cargo build -q -p fn-upload -p fn-notify -p fn-screening -p fn-aggregate -p fn-reminders -p fn-publicity \
  -p fn-archive -p award-floor
report="$(cargo run -q -p award-bench -- cold-start --bin-dir "$target/debug" --runs 1)"
echo "$report"
for binary in floor upload-api upload-received notify screening aggregate reminders publicity archive; do
  if ! grep -q "^| $binary |" <<<"$report"; then
    echo "bench-quick: no row for $binary" >&2
    exit 1
  fi
done

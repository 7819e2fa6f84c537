#!/usr/bin/env bash
# The pages in a real browser against the local runner: builds the pages when missing or stale,
# starts `award-local serve` on a free port with a fresh data folder, waits for it by polling,
# runs the Playwright scenario (e2e/*.e2e.ts, Debian's Chromium through playwright-core), and
# stops everything it started on exit.
#
# AWARD_LOCAL_BIN: the runner (default: the repository's target/{release,debug}/award-local,
# else `award-local` on PATH). CHROMIUM: the browser (default /usr/bin/chromium).
# The runner serves the pages (`serve --web DIR`) and the development sign-in (`POST /local/sign-in`,
# `GET /local/accounts`), and plays the demo (`serve --demo`, for e2e/demo.e2e.ts).
set -euo pipefail

web="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$web/.." && pwd)"
cd "$web"

bin="${AWARD_LOCAL_BIN:-}"
if [[ -z "$bin" ]]; then
  for candidate in "$repo/target/release/award-local" "$repo/target/debug/award-local" "$(command -v award-local || true)"; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then bin="$candidate"; break; fi
  done
fi
if [[ -z "$bin" || ! -x "$bin" ]]; then
  echo "e2e: no award-local runner; build it (cargo build -p award-local) or set AWARD_LOCAL_BIN" >&2
  exit 1
fi
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "e2e: no Chromium at $CHROMIUM (apt-get install -y chromium)" >&2
  exit 1
fi

# Build the pages when dist/ is missing or older than any source.
if [[ ! -f dist/index.html ]] || [[ -n "$(find src index.html vite.config.ts package-lock.json -newer dist/index.html -print -quit)" ]]; then
  npm run build
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# Polls until `$1` succeeds, every 0.1 s for at most `$2` seconds.
wait_for() {
  local deadline=$((SECONDS + $2))
  until eval "$1"; do
    if ((SECONDS >= deadline)); then echo "e2e: timed out waiting for: $1" >&2; return 1; fi
    sleep 0.1
  done
}

data="$work/data"
# Read whole before matching: `grep -q` closing the pipe early would fail it under pipefail.
help="$("$bin" --help 2>&1 || true)"
if [[ "$help" != *"--web"* ]]; then
  echo "e2e: $bin cannot serve the pages (no serve --web); rebuild it (cargo build -p award-local)" >&2
  exit 1
fi
if [[ "$help" != *"--demo"* ]]; then
  echo "e2e: $bin cannot play the demo (no serve --demo); rebuild it (cargo build -p award-local)" >&2
  exit 1
fi
"$bin" serve --addr 127.0.0.1:0 --data "$data" --redrive-minutes 1 --web "$web/dist" >"$work/runner.log" 2>&1 &
pids+=($!)
trap 'status=$?; if ((status != 0)); then tail -n 20 "$work/runner.log" >&2 || true; fi; cleanup' EXIT
wait_for "grep -q 'serving the award API on' '$work/runner.log'" 30
base="$(grep -o 'http://127.0.0.1:[0-9]*' "$work/runner.log" | head -n 1)"
wait_for "curl -s -o /dev/null '$base/cycles/open'" 90
wait_for "curl -sf -o /dev/null '$base/'" 90
echo "e2e: pages and API at $base (runner: $bin)"

export E2E_BASE_URL="$base" AWARD_LOCAL_BIN="$bin" AWARD_DATA_DIR="$data"
# Screenshots for people to look at, beside the build output (e2e/support.ts reads it).
export SCREENSHOT_DIR="${SCREENSHOT_DIR:-$repo/target/screenshots}"
mkdir -p "$SCREENSHOT_DIR"
# Each scenario file appends its checks' figures (pages, axe runs, violations) here; the last
# run's screenshots (`scenario-NN-name.png`) make way for this run's.
rm -f "$SCREENSHOT_DIR/checks.log"
find "$SCREENSHOT_DIR" -maxdepth 1 -name '*-[0-9][0-9]-*.png' -delete
status=0
# Arguments (spec files, `-t` names…) pass on to Vitest: `npm run e2e -- e2e/form-view.e2e.ts`.
npx vitest run --config vitest.e2e.config.ts "$@" || status=$?
exit "$status"

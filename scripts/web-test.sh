#!/usr/bin/env bash
# The pages' tests (a step of `make test`): installs web/'s locked Node dependencies when missing
# or stale, runs the unit tests (Vitest), type-checks and builds the pages, builds the local
# runner, and runs the browser scenario (web/scripts/e2e.sh: Debian's Chromium through
# playwright-core against `award-local serve --web`). Needs Node >= 20.19 and /usr/bin/chromium
# (.ci/run installs it).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo/web"

command -v npm >/dev/null 2>&1 || { echo "web-test: npm is missing (Node >= 20.19)" >&2; exit 1; }
if [[ ! -f node_modules/.package-lock.json ]] || [[ package-lock.json -nt node_modules/.package-lock.json ]]; then
  npm ci --no-audit --no-fund
fi
npm test
npm run build

cargo build -p award-local
target="${CARGO_TARGET_DIR:-$repo/target}"
[[ "$target" = /* ]] || target="$repo/$target"
AWARD_LOCAL_BIN="$target/debug/award-local" npm run e2e

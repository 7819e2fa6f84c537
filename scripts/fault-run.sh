#!/usr/bin/env bash
# The moto scenarios under heavier injected faults, over several seeds, for people (CI runs the 5 %
# step of `make test`: `aws faults`). Prints one line per seed: passed or failed, the seconds it took and what the
# proxy injected; the figures go to docs/PERFORMANCE.md, "Under injected faults".
#
#   scripts/fault-run.sh [RATE] [LOST_RATE] [SEEDS...]      default: 0.2 0.2 1 2 3
#
# RETRY_QUOTA: `unlimited` (default) lifts the SDK's retry quota of the functions' clients, which
# at these rates runs dry within seconds by design (the calls then fail at once and the API answers
# 503); `standard` keeps it, as the functions and the `aws faults` step do.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
rate="${1:-0.2}"
lost="${2:-0.2}"
shift $(( $# > 2 ? 2 : $# ))
seeds=("$@")
[[ ${#seeds[@]} -gt 0 ]] || seeds=(1 2 3)
quota="${RETRY_QUOTA:-unlimited}"
failed=0
for seed in "${seeds[@]}"; do
  log="$(mktemp)"
  started=$(date +%s)
  if RETRY_QUOTA="$quota" FAULT_SEED="$seed" FAULT_RATE="$rate" FAULT_LOST_RATE="$lost" scripts/test.sh bash -c \
    'FAULT_PROXY_URL=$FAULT_PROXY_AT cargo test -p award-e2e --test aws_moto -- --nocapture; status=$?
     curl -s "$FAULT_PROXY_AT/__fault-proxy/stats" > '"$log.stats"'; exit $status' \
    >"$log" 2>&1; then
    outcome=passed
  else
    outcome=FAILED
    failed=$((failed + 1))
  fi
  seconds=$(( $(date +%s) - started ))
  folded=$( (grep -o '[0-9]* possible second copies' "$log" || true) | awk '{s += $1} END {print s + 0}')
  redelivered=$(grep -c 'redelivered after' "$log" || true)
  python3 - "$log.stats" "$seed" "$rate" "$lost" "$outcome" "$seconds" "$folded" "$redelivered" "$quota" <<'PY'
import json, sys
path, seed, rate, lost, outcome, seconds, folded, redelivered, quota = sys.argv[1:]
try:
    stats = json.load(open(path))
except (OSError, ValueError):
    stats = {"calls": 0, "by_operation": {}}
faulted = sum(sum(op.get("faulted", {}).values()) for op in stats["by_operation"].values())
lost_n = sum(op.get("lost", 0) for op in stats["by_operation"].values())
replays = sum(op.get("idempotent_replays", 0) for op in stats["by_operation"].values())
print(f"seed {seed} at {rate}/{lost} ({quota} retry quota): {outcome} in {seconds} s; {stats['calls']} calls, "
      f"{faulted} errors injected, {lost_n} responses lost, {replays} transactions answered by "
      f"their token, {redelivered} stream records redelivered, {folded} notices possibly twice (counted)")
PY
  if [[ "$outcome" == passed ]]; then
    rm -f "$log"
  else
    # The whole log stays for the post-mortem: the panics are far from its end.
    grep -A12 "panicked at" "$log" | grep -v "^   *[0-9]*: \|^  *at " | head -60 || true
    kept="target/fault-run-seed-$seed.log"
    mkdir -p target && mv "$log" "$kept"
    echo "fault-run: the whole log of seed $seed is $kept"
  fi
  rm -f "$log.stats"
done
echo "fault-run: ${#seeds[@]} seeds, $failed failed"
[[ $failed -eq 0 ]]

#!/usr/bin/env bash
# The project's test command (`make test`).
#
#   scripts/test.sh                       the whole suite: the fault proxy's self-test, cargo test
#                                         --workspace, the moto scenarios again through the fault
#                                         proxy (`aws faults`), the cold-start bench's quick run
#                                         (scripts/bench-quick.sh), then the infra checks
#                                         (scripts/lint-infra.sh, scripts/deploy-check.sh) and the
#                                         pages (scripts/web-test.sh: unit and browser)
#   scripts/test.sh cargo test -p award-aws   only this command, under the same moto server
#
# Installs moto's server in a project-local venv (.venv-moto, pinned in scripts/requirements/moto.txt;
# rebuilt only when that list changes), starts it on a free loopback port, exports MOTO_URL and
# dummy AWS credentials for the tests that talk to it, runs the steps (the steps after `aws faults`
# on a new, empty moto), and stops moto whatever happens. A failed run ends with each failed step's
# last lines and the disk and memory left. Every step runs even when an earlier one failed, so one run shows every failure; the
# exit status is non-zero if any step failed.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# The whole suite's steps after `cargo test`. A named step that is missing fails the run, before
# anything is installed or started: skipping it would report a suite that did not run as passed.
steps=(scripts/bench-quick.sh scripts/lint-infra.sh scripts/deploy-check.sh scripts/web-test.sh)
if [[ $# -eq 0 ]]; then
  missing=()
  for script in "${steps[@]}"; do
    [[ -f "$script" ]] || missing+=("$script")
  done
  if [[ ${#missing[@]} -gt 0 ]]; then
    echo "test: FAILED: missing step(s): ${missing[*]}" >&2
    exit 1
  fi
fi
# shellcheck source=scripts/ensure-venv.sh
source scripts/ensure-venv.sh

ensure_venv .venv-moto scripts/requirements/moto.txt

work="$(mktemp -d)"
moto_pid=""
kill_moto() {
  if [[ -n "$moto_pid" ]] && kill -0 "$moto_pid" 2>/dev/null; then
    kill "$moto_pid" 2>/dev/null || true
    wait "$moto_pid" 2>/dev/null || true
  fi
}
stop_moto() {
  kill_moto
  rm -rf "$work"
}
trap stop_moto EXIT
# Turn Ctrl-C and termination into a normal exit, so the EXIT trap stops moto.
trap 'exit 130' INT
trap 'exit 143' TERM

# Starts moto's server and waits until it answers; sets moto_pid and moto_url. scripts/moto-server.py
# binds port 0 and reports the port the OS chose: no race for a free port.
start_moto() {
  rm -f "$work/moto.port"
  .venv-moto/bin/python scripts/moto-server.py --host 127.0.0.1 --port-file "$work/moto.port" \
    >"$work/moto.log" 2>&1 &
  moto_pid=$!
  # Readiness: poll moto's API for at most 30 s (it is usually up in well under a second).
  moto_url=""
  local candidate
  for _ in $(seq 300); do
    if ! kill -0 "$moto_pid" 2>/dev/null; then
      echo "test: moto's server exited before it was ready:" >&2
      cat "$work/moto.log" >&2
      exit 1
    fi
    if [[ -s "$work/moto.port" ]]; then
      candidate="http://127.0.0.1:$(tr -d '[:space:]' <"$work/moto.port")"
      if curl -sf -o /dev/null --max-time 2 "$candidate/moto-api/"; then
        moto_url="$candidate"
        break
      fi
    fi
    sleep 0.1
  done
  if [[ -z "$moto_url" ]]; then
    echo "test: moto's server did not answer within 30 s:" >&2
    cat "$work/moto.log" >&2
    exit 1
  fi
}
start_moto
echo "test: moto's server is up at $moto_url"

export MOTO_URL="$moto_url"

# ── the fault-injection proxy in front of moto (scripts/fault-proxy.py, standard library only) ──
# The `aws faults` step runs the moto scenarios with the App's clients going through it: 5 % of
# calls answered with the errors AWS sends (throttling, 5xx, S3 SlowDown, SES Throttling) and 5 %
# of responses lost after moto applied them; seeded, so a run can be replayed (FAULT_SEED).
fault_pid=""
stop_faults() {
  if [[ -n "$fault_pid" ]] && kill -0 "$fault_pid" 2>/dev/null; then
    kill "$fault_pid" 2>/dev/null || true
    wait "$fault_pid" 2>/dev/null || true
  fi
}
.venv-moto/bin/python scripts/fault-proxy.py --upstream "$moto_url" --host 127.0.0.1 \
  --port-file "$work/fault.port" --seed "${FAULT_SEED:-1}" --rate "${FAULT_RATE:-0.05}" \
  --lost-rate "${FAULT_LOST_RATE:-0.05}" --stats-file "$work/fault-stats.json" \
  >"$work/fault.log" 2>&1 &
fault_pid=$!
trap 'stop_faults; stop_moto' EXIT
fault_url=""
for _ in $(seq 300); do
  if ! kill -0 "$fault_pid" 2>/dev/null; then
    echo "test: the fault-injection proxy exited before it was ready:" >&2
    cat "$work/fault.log" >&2
    exit 1
  fi
  if [[ -s "$work/fault.port" ]]; then
    fault_url="http://127.0.0.1:$(tr -d '[:space:]' <"$work/fault.port")"
    break
  fi
  sleep 0.1
done
if [[ -z "$fault_url" ]]; then
  echo "test: the fault-injection proxy did not start within 30 s" >&2
  exit 1
fi
echo "test: the fault-injection proxy is up at $fault_url (seed ${FAULT_SEED:-1})"
# Named apart from FAULT_PROXY_URL (which turns faults on in the moto scenarios), so a custom
# command can opt in: scripts/test.sh bash -c 'FAULT_PROXY_URL=$FAULT_PROXY_AT cargo test …'.
export FAULT_PROXY_AT="$fault_url"
# Dummy credentials, so nothing under test can reach a real AWS account; SES exists in us-east-1.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true
unset AWS_SESSION_TOKEN AWS_PROFILE AWS_ENDPOINT_URL

# ── the local SMTP server (award-smtp's tests): aiosmtpd in its own venv, like moto ─────────────
# Exports SMTP_URL (plain SMTP to loopback) and SMTP_SINK_DIR, where scripts/smtp-server.py keeps
# each accepted message; stopped on exit together with moto, whatever happens.
ensure_venv .venv-smtp scripts/requirements/smtp.txt
smtp_pid=""
stop_smtp() {
  if [[ -n "$smtp_pid" ]] && kill -0 "$smtp_pid" 2>/dev/null; then
    kill "$smtp_pid" 2>/dev/null || true
    wait "$smtp_pid" 2>/dev/null || true
  fi
}
trap 'stop_smtp; stop_faults; stop_moto' EXIT
mkdir -p "$work/smtp-sink"
.venv-smtp/bin/python scripts/smtp-server.py --host 127.0.0.1 --port-file "$work/smtp.port" \
  --sink "$work/smtp-sink" >"$work/smtp.log" 2>&1 &
smtp_pid=$!
smtp_url=""
for _ in $(seq 300); do
  if ! kill -0 "$smtp_pid" 2>/dev/null; then
    echo "test: the SMTP server exited before it was ready:" >&2
    cat "$work/smtp.log" >&2
    exit 1
  fi
  # The port file is written once the socket listens (a rename: never half a port).
  if [[ -s "$work/smtp.port" ]]; then
    smtp_url="smtp://127.0.0.1:$(tr -d '[:space:]' <"$work/smtp.port")"
    break
  fi
  sleep 0.1
done
if [[ -z "$smtp_url" ]]; then
  echo "test: the SMTP server did not start within 30 s:" >&2
  cat "$work/smtp.log" >&2
  exit 1
fi
echo "test: the SMTP server is up at $smtp_url"
export SMTP_URL="$smtp_url" SMTP_SINK_DIR="$work/smtp-sink"
# ── end of the SMTP server block ───────────────────────────────────────────────────────────────

failed=()
failed_logs=()
passed=0
failed_tests=0
step_number=0
run_step() {
  local name="$1"
  shift
  echo "test: ── $name: $*"
  step_number=$((step_number + 1))
  local log="$work/step-$step_number.log" status=0
  # The output goes to the terminal and to a log, from which the test counts are summed.
  "$@" 2>&1 | tee "$log" || status=$?
  local counts
  counts="$(sed -nE 's/^test result: [A-Za-z]+\. ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/p' "$log" |
    awk '{p += $1; f += $2} END {print p + 0, f + 0}')"
  passed=$((passed + ${counts% *}))
  failed_tests=$((failed_tests + ${counts#* }))
  if [[ $status -ne 0 ]]; then
    failed+=("$name (exit $status)")
    failed_logs+=("$log")
  fi
}

if [[ $# -gt 0 ]]; then
  run_step "custom" "$@"
else
  # --no-fail-fast: a failing test binary must not hide the results of the others.
  # The proxy's own checks first, while moto is empty (its admin API slows as moto fills up).
  run_step "fault proxy self-test" .venv-moto/bin/python scripts/fault-proxy-selftest.py --upstream "$moto_url"
  run_step "cargo test" cargo test --workspace --no-fail-fast
  # The moto scenarios again, the functions' calls through the fault-injection proxy; the same
  # assertions must hold (docs/ARCHITECTURE.md, "When AWS misbehaves").
  run_step "aws faults" env FAULT_PROXY_URL="$fault_url" cargo test -p award-e2e --test aws_moto
  if curl -sf -o "$work/fault-stats.json" "$fault_url/__fault-proxy/stats"; then
    echo "test: what the fault-injection proxy did: $(head -c 3000 "$work/fault-stats.json")"
  fi
  # The steps after this get a new, empty moto: moto keeps every table and object of the suites
  # above in memory and never frees them, and the bench's seeding (a transaction copies moto's
  # whole DynamoDB state) grew that one to 24 GB until the kernel killed it. Nothing after this
  # goes through the fault proxy, which is stopped with its upstream.
  stop_faults
  unset FAULT_PROXY_AT
  kill_moto
  start_moto
  export MOTO_URL="$moto_url"
  echo "test: a new moto's server for the steps below, at $moto_url"
  for script in "${steps[@]}"; do
    run_step "$script" bash "$script"
  done
fi

echo
if [[ ${#failed[@]} -gt 0 ]]; then
  # A CI log is often read from its end: each failed step's last lines are repeated here, with
  # the room left on disk and in memory (a full disk fails unrelated steps at once).
  for index in "${!failed[@]}"; do
    echo "test: ── ${failed[$index]}, its last lines:"
    tail -n 12 "${failed_logs[$index]}" | sed 's/^/    /'
  done
  echo "test: disk and memory now:"
  df -h "$root" "${CARGO_TARGET_DIR:-$root/target}" "${TMPDIR:-/tmp}" 2>/dev/null | sed 's/^/    /' || true
  free -m 2>/dev/null | sed 's/^/    /' || true
  echo "test: FAILED steps: ${failed[*]}"
else
  echo "test: every step passed"
fi
# The closing line CI reads: the Rust tests summed over every test binary.
echo "tests: $passed passed, $failed_tests failed"
[[ ${#failed[@]} -eq 0 ]]

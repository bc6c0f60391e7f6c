#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs the server packages when missing, starts
# PostgreSQL, RabbitMQ and Swift on loopback (scripts/infra.sh), runs every test project against
# them, runs the all-in-one smoke test with curl and the python-cinderclient test, stops everything
# and prints the totals.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Restore]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export INFRA_RUN=${INFRA_RUN:-/tmp/backupplatform-test-infra}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp -d)
cleanup() {
  [ -n "${aio_pid:-}" ] && kill "$aio_pid" 2>/dev/null
  "$root/scripts/infra.sh" stop >/dev/null 2>&1
  rm -rf "$log"
}
trap cleanup EXIT

"$root/scripts/install-deps.sh" || exit 1
dotnet build BackupPlatform.sln -nologo -v quiet || { echo "build failed" >&2; exit 1; }
"$root/scripts/infra.sh" stop >/dev/null 2>&1
"$root/scripts/infra.sh" start || exit 1
set -a; . "$INFRA_RUN/env"; set +a

dotnet test BackupPlatform.sln --no-build -nologo --logger "console;verbosity=normal" "$@" 2>&1 | tee "$log/test.out"
test_rc=${PIPESTATUS[0]}

# The all-in-one on embedded defaults, driven with curl alone (README's first command, on another port).
smoke_rc=0
cli_rc=0
if [ $# -eq 0 ]; then
  aio_dir=$(mktemp -d)
  (cd "$aio_dir" && exec dotnet run --no-build --project "$root/services/BackupPlatform.AllInOne" -- --urls http://127.0.0.1:18776) >"$log/aio.out" 2>&1 &
  aio_pid=$!
  for _ in $(seq 1 120); do curl -fs -o /dev/null http://127.0.0.1:18776/v3/ && break; sleep 0.5; done
  if "$root/scripts/smoke-allinone.sh" http://127.0.0.1:18776; then smoke=1; else smoke_rc=1; tail -50 "$log/aio.out"; fi
  kill "$aio_pid" 2>/dev/null; wait "$aio_pid" 2>/dev/null; aio_pid=
  rm -rf "$aio_dir"
  # The real python-cinderclient against the all-in-one (it starts its own, on ports 18786/18787).
  if "$root/scripts/cinderclient-allinone.sh" >"$log/cinderclient.out" 2>&1; then cli_rc=0; else cli_rc=1; fi
  cat "$log/cinderclient.out"
fi

passed=$(grep -Eo 'Passed: +[0-9]+' "$log/test.out" | awk '{s+=$2} END {print s+0}')
failed=$(grep -Eo 'Failed: +[0-9]+' "$log/test.out" | awk '{s+=$2} END {print s+0}')
skipped=$(grep -Eo 'Skipped: +[0-9]+' "$log/test.out" | awk '{s+=$2} END {print s+0}')
if [ $# -eq 0 ]; then
  if [ $smoke_rc = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
  if [ $cli_rc = 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
fi
# Each failed test again, with its message, where the end of a long log shows it.
if grep -qE '^\s+Failed ' "$log/test.out"; then
  echo "failed tests:"
  awk '/^ +Failed /{show=1; n=0} /^ +Passed |^\[xUnit/{show=0} show && n++ < 25' "$log/test.out"
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$test_rc" = 0 ] && [ "$smoke_rc" = 0 ] && [ "$cli_rc" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]

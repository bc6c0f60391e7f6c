#!/usr/bin/env bash
# The whole test suite, on a fresh machine: installs the server packages when missing, starts
# PostgreSQL, RabbitMQ and Swift on loopback (scripts/infra.sh), runs every test project against
# them, then the script parts (the all-in-one smoke test with curl, the python-cinderclient test, ...),
# stops everything and prints the time of each part and the totals.
# Usage: scripts/test.sh [extra dotnet test arguments, e.g. --filter FullyQualifiedName~Restore]
#        (with arguments only the dotnet tests run)
#
# A script part is one command; it prints "PASS <name>" / "FAIL <name>" per check and exits non-zero
# when any check failed. A part that exits non-zero without a FAIL line counts as one failure.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export INFRA_RUN=${INFRA_RUN:-/tmp/backupplatform-test-infra}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
log=$(mktemp -d)
passed=0 failed=0 skipped=0 rc=0
timings=()
cleanup() {
  "$root/scripts/infra.sh" stop >/dev/null 2>&1
  rm -rf "$log"
}
trap cleanup EXIT

# Runs one timed step; its output goes to the console and to $log/<name>.out.
step() {
  local name=$1; shift
  local t0=$SECONDS
  echo "=== $name"
  "$@" 2>&1 | tee "$log/$name.out"
  local step_rc=${PIPESTATUS[0]}
  timings+=("$(printf '%-14s %5ss  rc=%s' "$name" $((SECONDS - t0)) "$step_rc")")
  return "$step_rc"
}

# A script part: counts its PASS/FAIL lines.
part() {
  local name=$1
  step "$@"
  local part_rc=$?
  local p f
  p=$(grep -c '^PASS ' "$log/$name.out")
  f=$(grep -c '^FAIL ' "$log/$name.out")
  if [ "$part_rc" != 0 ] && [ "$f" = 0 ]; then f=1; echo "FAIL $name (exit $part_rc)"; fi
  passed=$((passed + p)); failed=$((failed + f))
  [ "$part_rc" = 0 ] || rc=1
}

step install-deps "$root/scripts/install-deps.sh" || exit 1
step build dotnet build BackupPlatform.sln -nologo -v quiet || { echo "build failed" >&2; exit 1; }
"$root/scripts/infra.sh" stop >/dev/null 2>&1
step infra "$root/scripts/infra.sh" start || exit 1
set -a; . "$INFRA_RUN/env"; set +a

step dotnet-test dotnet test BackupPlatform.sln --no-build -nologo --logger "console;verbosity=normal" "$@" || rc=1
passed=$((passed + $(grep -Eo 'Passed: +[0-9]+' "$log/dotnet-test.out" | awk '{s+=$2} END {print s+0}')))
failed=$((failed + $(grep -Eo 'Failed: +[0-9]+' "$log/dotnet-test.out" | awk '{s+=$2} END {print s+0}')))
skipped=$((skipped + $(grep -Eo 'Skipped: +[0-9]+' "$log/dotnet-test.out" | awk '{s+=$2} END {print s+0}')))

if [ $# -eq 0 ]; then
  # The all-in-one on embedded defaults, driven with curl alone (README's first command, on another port).
  part smoke "$root/scripts/smoke-allinone-run.sh"
  # The real python-cinderclient against the all-in-one (it starts its own, on ports 18786/18787).
  part cinderclient "$root/scripts/cinderclient-allinone.sh"
  # OpenStack's tempest (volume-backup tests, and every body checked against its schemas) through a keystone stand-in (ports 23000/23001).
  part tempest "$root/scripts/tempest-allinone.sh"
fi

# Each failed test again, with its message, where the end of a long log shows it.
if grep -qE '^\s+Failed ' "$log/dotnet-test.out"; then
  echo "failed tests:"
  awk '/^ +Failed /{show=1; n=0} /^ +Passed |^\[xUnit/{show=0} show && n++ < 25' "$log/dotnet-test.out"
fi
grep -h '^FAIL ' "$log"/*.out 2>/dev/null | sed 's/^/failed part check: /'
echo "time of each part:"
printf '  %s\n' "${timings[@]}"
echo "tests: $passed passed, $failed failed, $skipped skipped"
[ "$rc" = 0 ] && [ "$failed" = 0 ] && [ "$passed" -gt 0 ]

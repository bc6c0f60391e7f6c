#!/usr/bin/env bash
# The compose test (tests/BackupPlatform.ContainerTests) on the engine scripts/containers.sh set up, or on
# Docker: builds the images, brings docker-compose.yml up, and so on (see ComposeStackTests). Prints
# PASS/FAIL per test for scripts/test.sh, and the time of each step the test took.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
eval "$("$root/scripts/containers.sh" --env)"
out=$(mktemp); trap 'rm -f "$out"' EXIT
dotnet test "$root/tests/BackupPlatform.ContainerTests" -nologo --logger "console;verbosity=normal" 2>&1 | tee "$out"
rc=${PIPESTATUS[0]}
sed -nE 's/^ +Passed ([A-Za-z0-9_.]+).*/PASS \1/p; s/^ +Failed ([A-Za-z0-9_.]+).*/FAIL \1/p' "$out"
grep -q '^ *Passed ' "$out" || rc=1
exit "$rc"

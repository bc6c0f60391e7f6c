#!/usr/bin/env bash
# README's first command (the all-in-one on embedded defaults, in a fresh directory, on port 18776),
# then scripts/smoke-allinone.sh against it. Prints PASS/FAIL smoke-allinone for scripts/test.sh.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=$(mktemp -d)
(cd "$dir" && exec dotnet run --no-build --project "$root/services/BackupPlatform.AllInOne" -- --urls http://127.0.0.1:18776) >"$dir/aio.out" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 1 120); do curl -fs -o /dev/null http://127.0.0.1:18776/v3/ && break; sleep 0.5; done
if "$root/scripts/smoke-allinone.sh" http://127.0.0.1:18776; then
  echo "PASS smoke-allinone"
else
  tail -50 "$dir/aio.out"
  echo "FAIL smoke-allinone"
  exit 1
fi

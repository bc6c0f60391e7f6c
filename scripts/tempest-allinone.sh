#!/usr/bin/env bash
# OpenStack's own API tests (tempest 33, Debian python3-tempest) against the all-in-one, as a new user
# would run them: the all-in-one on embedded defaults in a fresh directory, a keystone stand-in
# (scripts/tempest/keystone.py) issuing noauth tokens and a catalog pointing at it, pre-provisioned
# credentials (two tenants, two admins), and tempest's volume tests that need only volumes, snapshots
# and backups (scripts/tempest/tests.txt). Before them, every body the all-in-one returns for
# volumes, snapshots and backups is checked against tempest's response schemas (scripts/tempest/schemas.py).
# Prints PASS/FAIL <test id> per test and SKIP <test id>: <reason>; exits non-zero on a failure.
# Usage: scripts/tempest-allinone.sh   (ports TEMPEST_PORT and TEMPEST_PORT+1, default 23000/23001)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
here=$root/scripts/tempest
PY=/usr/bin/python3   # tempest is a Debian package: the system interpreter, whatever python3 is first on PATH
port=${TEMPEST_PORT:-23000}
ks_port=$((port + 1))
url=http://127.0.0.1:$port

if ! $PY -c 'import tempest, jsonschema, subunit' 2>/dev/null; then
  echo "tempest: installing python3-tempest"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-tempest python3-jsonschema python3-subunit >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-tempest python3-jsonschema python3-subunit >/dev/null; } \
    || { echo "FAIL tempest-install"; exit 1; }
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/aio" "$work/locks"
(cd "$work/aio" && exec dotnet run --no-build --project "$root/services/BackupPlatform.AllInOne" -- --urls "$url" \
  --BackupPlatform:Auth:AdminUsers:0=admin --BackupPlatform:Auth:AdminUsers:1=admin2) >"$work/aio.log" 2>&1 &
pids+=($!)
$PY "$here/keystone.py" --port "$ks_port" --volume-url "$url" --admin-users admin,admin2 >"$work/keystone.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do curl -fs -o /dev/null "$url/v3/" && curl -fs -o /dev/null "http://127.0.0.1:$ks_port/v3" && break; sleep 0.5; done
curl -fs -o /dev/null "$url/v3/" || { tail -30 "$work/aio.log"; echo "FAIL tempest-start (all-in-one at $url)"; exit 1; }

rc=0
# Our bodies against tempest's schemas, field by field (tempest itself checks only the calls its tests make).
$PY "$here/schemas.py" "$url" || rc=1

# A workspace registry of its own: the user's (~/.tempest) is neither read nor written.
tempest init --workspace-path "$work/workspaces.yaml" "$work/ws" >"$work/init.log" 2>&1 || { cat "$work/init.log"; echo "FAIL tempest-init"; exit 1; }
sed -e "s#@WORK@#$work#g" -e "s#@KEYSTONE_PORT@#$ks_port#g" "$here/tempest.conf.in" >"$work/ws/etc/tempest.conf"
cp "$here/accounts.yaml.in" "$work/accounts.yaml"
grep -v '^#' "$here/tests.txt" | sed '/^\s*$/d' >"$work/include.txt"

cd "$work/ws"
t0=$SECONDS
# Two workers: each test class locks one pre-provisioned tenant (and admin) for its run.
tempest run --include-list "$work/include.txt" --concurrency 2 >"$work/run.out" 2>&1
echo "tempest: run took $((SECONDS - t0)) s"
stestr last --subunit 2>/dev/null | $PY "$here/results.py" 2>"$work/failures.txt" || rc=1
if [ "$rc" != 0 ]; then
  cat "$work/failures.txt"
  grep -E "Traceback|Error|error" "$work/run.out" | head -20
  echo "--- all-in-one log (end):"; tail -40 "$work/aio.log"
fi
exit $rc

#!/usr/bin/env bash
# The real python-cinderclient (Debian's python3-cinderclient, noauth plugin) against the
# all-in-one: volume create, full and incremental backups, list/show, restore into a new volume
# (checked byte for byte), rename, export and re-import of a record into a second all-in-one with
# an empty database on the same store, admin reset-state (refused to a tenant), deletes.
# Every step is checked by the client's own exit code and output.
# Usage: scripts/cinderclient-allinone.sh            (starts and stops its own all-in-ones, ports 18786/18787)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
command -v cinder >/dev/null || { echo "cinderclient: python3-cinderclient is not installed (scripts/install-deps.sh)" >&2; exit 1; }
P=${PROJECT:-0123456789abcdef0123456789abcdef}
URL1=http://127.0.0.1:18786
URL2=http://127.0.0.1:18787
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

start_allinone() { # dir, url, extra args...
  local dir=$1 url=$2; shift 2
  mkdir -p "$dir"
  (cd "$dir" && exec dotnet run --no-build --project "$root/services/BackupPlatform.AllInOne" -- --urls "$url" "$@") >"$dir/aio.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 120); do curl -fs -o /dev/null "$url/v3/" && return 0; sleep 0.5; done
  echo "all-in-one at $url did not start:" >&2; tail -30 "$dir/aio.log" >&2; exit 1
}

step() { echo "cinderclient: $*"; }
fail() { echo "cinderclient: FAILED: $*" >&2; echo "FAIL cinderclient"; exit 1; }

# run EXPECTED_EXIT cinder-args... : runs cinder, checks its exit code, leaves its output in $out.
run() {
  local expected=$1; shift
  set +e; out=$("$@" 2>&1); local rc=$?; set -e
  [ "$rc" = "$expected" ] || fail "'${*:2}' exited $rc (expected $expected): $out"
}
# field NAME: a row of cinderclient's | Property | Value | table in $out.
field() { awk -F'|' -v k="$1" '{ gsub(/^ +| +$/, "", $2); gsub(/^ +| +$/, "", $3); if ($2 == k) { print $3; exit } }' <<<"$out"; }
expect_field() { local v; v=$(field "$1"); [ "$v" = "$2" ] || fail "$1 is '$v', expected '$2' in: $out"; }
expect_text() { grep -qF -- "$1" <<<"$out" || fail "'$1' not in: $out"; }

tenant() { cinder --os-auth-type noauth --os-user-id tenant --os-project-id "$P" --os-endpoint "$BASE/v3" "$@"; }
admin() { cinder --os-auth-type noauth --os-user-id admin --os-project-id "$P" --os-endpoint "$BASE/v3" "$@"; }

# wait KIND(show|backup-show) ID EXPECTED TRANSITIONAL...: polls until the status leaves the transitional ones; it must be EXPECTED ($out is the last show).
wait_for() {
  local kind=$1 id=$2 expected=$3; shift 3
  local s
  for _ in $(seq 1 240); do
    run 0 tenant "$kind" "$id"
    s=$(field status)
    if ! printf '%s\n' "$@" | grep -qxF "$s"; then
      [ "$s" = "$expected" ] || fail "$kind $id ended $s, expected $expected: $out"
      return
    fi
    sleep 0.5
  done
  fail "$kind $id still $s"
}

upload() { # volume id, file
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: tenant:$P" --data-binary @"$2" "$BASE/v3/$P/volumes/$1/content")
  [ "$code" = 204 ] || fail "upload to $1 answered $code"
}
same_content() { # volume id, file
  curl -fsS -H "X-Auth-Token: tenant:$P" "$BASE/v3/$P/volumes/$1/content" -o "$work/download"
  cmp -n "$(stat -c %s "$2")" "$work/download" "$2" || fail "volume $1 differs from $2"
}

start_allinone "$work/one" "$URL1"
BASE=$URL1

step "discovery"
run 0 tenant api-version
expect_text "3.71"

step "volume create"
run 0 tenant create --name cli-src 1
vol=$(field id)
wait_for show "$vol" available creating
head -c $((8 * 1024 * 1024)) /dev/urandom >"$work/v1"
upload "$vol" "$work/v1"

step "full backup"
run 0 tenant backup-create --name cli-full --description first --container cli "$vol"
full=$(field id)
expect_field volume_id "$vol"
wait_for backup-show "$full" available creating
expect_field is_incremental False

step "incremental backup"
cp "$work/v1" "$work/v2"
head -c $((1024 * 1024)) /dev/urandom | dd of="$work/v2" bs=1M seek=3 conv=notrunc status=none
upload "$vol" "$work/v2"
run 0 tenant backup-create --incremental --name cli-incr --container cli "$vol"
incr=$(field id)
wait_for backup-show "$incr" available creating
expect_field is_incremental True
run 0 tenant backup-show "$full"
expect_field has_dependent_backups True
expect_field name cli-full
expect_field description first
expect_field container cli

step "list"
run 0 tenant backup-list
expect_text "$full"
expect_text "$incr"
run 0 tenant backup-list --name cli-incr --with-count
expect_text "$incr"
grep -qF "$full" <<<"$out" && fail "name filter listed $full: $out"
expect_text "Backup in total: 1"
run 0 tenant backup-list --sort name:asc --limit 1
expect_text "$full"
# The classic endpoint form (/v3/PROJECT), as openstackclient and older configurations use it.
run 0 cinder --os-auth-type noauth --os-user-id tenant --os-project-id "$P" --os-endpoint "$BASE/v3/$P" backup-show "$incr"
expect_field name cli-incr

step "restore into a new volume"
run 0 tenant backup-restore --name cli-restored "$incr"
expect_field backup_id "$incr"
expect_field volume_name cli-restored
restored=$(field volume_id)
wait_for backup-show "$incr" available restoring
wait_for show "$restored" available creating restoring-backup
same_content "$restored" "$work/v2"

step "rename"
run 0 tenant backup-update --name cli-renamed --description renamed "$full"
expect_text "Request to update backup '$full' has been accepted."
run 0 tenant backup-show "$full"
expect_field name cli-renamed

step "admin reset-state (a tenant is refused)"
run 1 tenant backup-reset-state --state error "$full"
expect_text "(HTTP 403)"
run 0 admin backup-reset-state --state error "$full"
run 0 tenant backup-show "$full"
expect_field status error
run 0 admin backup-reset-state "$full"
run 0 tenant backup-show "$full"
expect_field status available

step "export (admin), then import into an empty database on the same store"
run 1 tenant backup-export "$full"
expect_text "(HTTP 403)"
run 0 admin backup-export "$full"
service=$(field backup_service)
url=$(field backup_url)
[[ "$service" == cinder.backup.drivers.* ]] || fail "backup_service '$service'"
run 1 admin backup-import "$service" "$url"
expect_text "Backup already exists in database."
start_allinone "$work/two" "$URL2" "--BackupPlatform:Store:Posix:Path=$work/one/data/backups"
BASE=$URL2
run 0 admin backup-import "$service" "$url"
expect_field id "$full"
wait_for backup-show "$full" available creating
expect_field name cli-renamed
run 0 tenant backup-restore --name cli-imported "$full"
imported=$(field volume_id)
wait_for show "$imported" available creating restoring-backup
same_content "$imported" "$work/v1"
BASE=$URL1

step "delete"
run 1 tenant backup-delete "$full"
expect_text "Incremental backups exist for this backup."
run 0 tenant backup-delete "$incr"
expect_text "Request to delete backup $incr has been accepted."
for _ in $(seq 1 120); do
  set +e; out=$(tenant backup-show "$incr" 2>&1); rc=$?; set -e
  [ "$rc" = 1 ] && break
  sleep 0.5
done
expect_text "No volumebackup with a name or ID of '$incr' exists."
run 0 admin backup-delete --force "$full"
run 0 tenant delete "$restored"
expect_text "Request to delete volume $restored has been accepted."
for _ in $(seq 1 120); do
  set +e; out=$(tenant backup-show "$full" 2>&1); rc=$?; set -e
  [ "$rc" = 1 ] && break
  sleep 0.5
done
expect_text "No volumebackup with a name or ID of '$full' exists."
run 0 tenant backup-list
grep -qF "$full" <<<"$out" && fail "deleted backup still listed: $out"
echo "cinderclient: every step passed"
echo "PASS cinderclient"

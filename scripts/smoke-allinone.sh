#!/usr/bin/env bash
# The walking skeleton's acceptance run, with curl alone, against a running all-in-one:
# create a 1 GiB volume, upload 64 MiB of random bytes, back it up, restore into a second volume,
# download it, and compare: the first 64 MiB identical, the rest zero.
# Usage: scripts/smoke-allinone.sh [base-url]   (default http://127.0.0.1:8776)
#        VOLUME_URL=... when the volume service listens elsewhere (scripts/cluster.sh)
set -euo pipefail
BASE=${1:-http://127.0.0.1:8776}
P=${PROJECT:-0123456789abcdef0123456789abcdef}
B=$BASE/v3/$P
VB=${VOLUME_URL:-$BASE}/v3/$P
AUTH=(-H "X-Auth-Token: smoke:$P")
JSON=(-H "Content-Type: application/json")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
field() { python3 -c "import sys,json; d=json.load(sys.stdin); print(d$1)"; }
wait_status() { # url, key, transitional status
  local s
  for _ in $(seq 1 300); do
    s=$(curl -fsS "${AUTH[@]}" "$1" | field "['$2']['status']")
    [ "$s" != "$3" ] && { echo "$s"; return; }
    sleep 0.5
  done
  echo "timeout"
}

v1=$(curl -fsS "${AUTH[@]}" "${JSON[@]}" -d '{"volume":{"size":1,"name":"smoke-src"}}' "$VB/volumes" | field "['volume']['id']")
head -c $((64 * 1024 * 1024)) /dev/urandom >"$work/random"
code=$(curl -sS -o /dev/null -w '%{http_code}' -X PUT "${AUTH[@]}" --data-binary @"$work/random" "$VB/volumes/$v1/content")
[ "$code" = 204 ] || { echo "upload answered $code" >&2; exit 1; }

backup=$(curl -fsS "${AUTH[@]}" "${JSON[@]}" -d "{\"backup\":{\"volume_id\":\"$v1\",\"name\":\"smoke\"}}" "$B/backups" | field "['backup']['id']")
s=$(wait_status "$B/backups/$backup" backup creating)
[ "$s" = available ] || { echo "backup ended $s: $(curl -fsS "${AUTH[@]}" "$B/backups/$backup")" >&2; exit 1; }
echo "backup $backup available"

v2=$(curl -fsS "${AUTH[@]}" "${JSON[@]}" -d '{"volume":{"size":1,"name":"smoke-dst"}}' "$VB/volumes" | field "['volume']['id']")
curl -fsS "${AUTH[@]}" "${JSON[@]}" -d "{\"restore\":{\"volume_id\":\"$v2\"}}" "$B/backups/$backup/restore" >/dev/null
s=$(wait_status "$B/backups/$backup" backup restoring)
vs=$(curl -fsS "${AUTH[@]}" "$VB/volumes/$v2" | field "['volume']['status']")
[ "$s" = available ] && [ "$vs" = available ] || { echo "restore ended backup=$s volume=$vs" >&2; exit 1; }

curl -fsS "${AUTH[@]}" "$VB/volumes/$v2/content" -o "$work/restored"
size=$(stat -c %s "$work/restored")
[ "$size" = $((1024 * 1024 * 1024)) ] || { echo "restored volume is $size bytes" >&2; exit 1; }
cmp -n $((64 * 1024 * 1024)) "$work/restored" "$work/random" || { echo "first 64 MiB differ" >&2; exit 1; }
nonzero=$(tail -c +$((64 * 1024 * 1024 + 1)) "$work/restored" | tr -d '\0' | wc -c)
[ "$nonzero" = 0 ] || { echo "$nonzero non-zero bytes after 64 MiB" >&2; exit 1; }
echo "smoke: restored volume $v2 is byte-identical (64 MiB random, rest zero)"

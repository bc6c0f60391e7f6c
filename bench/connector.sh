#!/usr/bin/env bash
# Connector benchmark (not part of the test run): the same corpus (../shared/tools/mkvolume.py, 1 GiB by
# default) backed up and restored through the file connector (the worker opens the volume file) and through
# the HTTP connector (a real volume service on loopback serving its HTTP data path), in one run, each to its
# own posix store so that neither dedups against the other; prints MB/s of each phase and the HTTP
# connector's share of the file connector's. Each phase is its own process (wall time, peak RSS).
#   bench/connector.sh [SIZE_GIB]   env: BENCH_DIR (/tmp/bp-connector-bench), BENCH_PORT (21080), BP_* engine settings
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
size=${1:-1}
dir=${BENCH_DIR:-/tmp/bp-connector-bench}
port=${BENCH_PORT:-21080}
token=bench-service-token
project=0123456789abcdef0123456789abcdef
mkvolume=$here/../../shared/tools/mkvolume.py
[ -f "$mkvolume" ] || mkvolume=/work/shared/tools/mkvolume.py
mkdir -p "$dir"
vol=$dir/corpus-${size}g.img
[ -f "$vol" ] || python3 "$mkvolume" create "$vol" --size-gib "$size"
bytes=$(stat -c %s "$vol")

dotnet build -c Release -v q -nologo "$here/BackupPlatform.EngineBench" >/dev/null
dotnet build -c Release -v q -nologo "$here/../services/BackupPlatform.VolumeService" >/dev/null
bench=$here/BackupPlatform.EngineBench/bin/Release/net10.0/BackupPlatform.EngineBench
service=$here/../services/BackupPlatform.VolumeService/bin/Release/net10.0/BackupPlatform.VolumeService.dll

rm -rf "$dir/service" "$dir/store-file" "$dir/store-http" "$dir/restored.img"
mkdir -p "$dir/service/volumes"
BackupPlatform__Database__Provider=sqlite \
BackupPlatform__Database__ConnectionString="Data Source=$dir/service/volumes.db" \
BackupPlatform__Bus__Transport=inmemory \
BackupPlatform__Volumes__Path="$dir/service/volumes" \
BackupPlatform__VolumeService__ServiceToken=$token \
Logging__LogLevel__Default=Warning \
  dotnet "$service" --urls "http://127.0.0.1:$port" >"$dir/service/log" 2>&1 &
service_pid=$!
trap 'kill $service_pid 2>/dev/null || true' EXIT
url=http://127.0.0.1:$port
for _ in $(seq 120); do curl -sf "$url/alive" >/dev/null && break; sleep 0.5; done
curl -sf "$url/alive" >/dev/null || { echo "volume service did not start:"; cat "$dir/service/log"; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
volume() { curl -sf -H "X-Auth-Token: bench:$project" -H 'Content-Type: application/json' -d "{\"volume\":{\"size\":$size}}" "$url/v3/$project/volumes" | json "['volume']['id']"; }
# InitializeConnection from a host that reports no volumes marker: the volume service answers with its HTTP data path.
connect() { curl -sf -H "X-Service-Token: $token" -H 'Content-Type: application/json' -d "{\"volumeId\":\"$1\",\"host\":\"bench\",\"connector\":{}}" "$url/internal/v2/InitializeConnection" | json "['message']['path']"; }
source_volume=$(volume) target_volume=$(volume)
cp --sparse=always "$vol" "$dir/service/volumes/$source_volume.img"
source_url=$url$(connect "$source_volume") target_url=$url$(connect "$target_volume")
export BP_SERVICE_TOKEN=$token BP_DEVICE_SIZE=$bytes

measure() {
  local label=$1; shift
  local t0 t1 out rss
  sync
  t0=$(date +%s.%N)
  out=$( { /usr/bin/time -f 'RSS %M' "$@" 2>&1 1>&3 3>&-; } 3>&1 ) || { echo "$label FAILED: $out"; return 1; }
  t1=$(date +%s.%N)
  rss=$(echo "$out" | awk '/^RSS/{print int($2/1024)}')
  rate=$(echo "$bytes / 1000000 / ($t1 - $t0)" | bc -l)
  printf '%-22s %7.0f MB/s  rss %5s MiB  %s\n' "$label" "$rate" "$rss" "$(echo "$out" | grep -v '^RSS' | tr '\n' ' ')"
}
percent() { printf '%.0f %%' "$(echo "100 * $1 / $2" | bc -l)"; }

cat "$vol" "$dir/service/volumes/$source_volume.img" >/dev/null  # both copies in the page cache alike
echo "corpus $vol: $bytes bytes, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
file_id=$(cat /proc/sys/kernel/random/uuid) http_id=$(cat /proc/sys/kernel/random/uuid)
measure "file backup" "$bench" backup "posix:$dir/store-file" bench "$vol" "$file_id"; file_backup=$rate
measure "http backup" "$bench" backup "posix:$dir/store-http" bench "$source_url" "$http_id"; http_backup=$rate
measure "file restore" "$bench" restore "posix:$dir/store-file" bench "$dir/restored.img" "$file_id" "$bytes"; file_restore=$rate
measure "http restore" "$bench" restore "posix:$dir/store-http" bench "$target_url" "$http_id" "$bytes"; http_restore=$rate
echo "http connector: backup $(percent "$http_backup" "$file_backup") of the file connector's, restore $(percent "$http_restore" "$file_restore")"
cmp "$vol" "$dir/restored.img" && echo "  file restore identical"
cmp "$vol" "$dir/service/volumes/$target_volume.img" && echo "  http restore identical"
rm -rf "$dir/service" "$dir/store-file" "$dir/store-http" "$dir/restored.img"

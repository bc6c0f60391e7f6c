#!/usr/bin/env bash
# Engine benchmark (not part of the test run): on the shared corpus (../shared/tools/mkvolume.py,
# 2 GiB by default) runs full backup, incremental after `mutate`, and restore, to the posix store
# and to Swift, each phase its own process so that its peak RSS is measured, next to the machine's
# references on the same file in the same run: openssl dgst -sha256, zstd -1 -T2, zstd -d -T2.
#   bench/engine.sh [SIZE_GIB]     env: BENCH_DIR (/tmp/bp-engine-bench), BENCH_STORES ("posix swift"),
#                                  SWIFT_* from $INFRA_RUN/env for swift; BP_* engine settings (see Program.cs)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
size=${1:-2}
dir=${BENCH_DIR:-/tmp/bp-engine-bench}
mkvolume=$here/../../shared/tools/mkvolume.py
[ -f "$mkvolume" ] || mkvolume=/work/shared/tools/mkvolume.py
mkdir -p "$dir"
vol=$dir/corpus-${size}g.img mut=$dir/corpus-${size}g-mut.img
[ -f "$vol" ] || python3 "$mkvolume" create "$vol" --size-gib "$size"
[ -f "$mut" ] || python3 "$mkvolume" mutate "$vol" "$mut"
bytes=$(stat -c %s "$vol")

dotnet build -c Release -v q -nologo "$here/BackupPlatform.EngineBench" >/dev/null
bench=$here/BackupPlatform.EngineBench/bin/Release/net10.0/BackupPlatform.EngineBench

# Runs a command, prints "<label> <MB/s> MB/s  rss <MiB> MiB  <extra>" from its wall time and peak RSS.
measure() {
  local label=$1; shift
  local t0 t1 out rss
  # Every phase starts with nothing left to write back: otherwise a phase that fsyncs (the posix store,
  # a restore) waits behind the gigabytes the previous phase (e.g. zstd's output) left dirty.
  sync
  t0=$(date +%s.%N)
  out=$( { /usr/bin/time -f 'RSS %M' "$@" 2>&1 1>&3 3>&-; } 3>&1 ) || { echo "$label FAILED: $out"; return 1; }
  t1=$(date +%s.%N)
  rss=$(echo "$out" | awk '/^RSS/{print int($2/1024)}')
  rate=$(echo "$bytes / 1000000 / ($t1 - $t0)" | bc -l)
  printf '%-28s %7.0f MB/s  rss %5s MiB  %s\n' "$label" "$rate" "$rss" "$(echo "$out" | grep -v '^RSS' | tr '\n' ' ')"
}

percent() { printf '%.0f %%' "$(echo "100 * $1 / $2" | bc -l)"; }

cat "$vol" "$mut" >/dev/null  # page cache warm for everyone alike
echo "corpus $vol: $bytes bytes, $(nproc) cores"
measure "openssl dgst -sha256" sh -c "openssl dgst -sha256 '$vol' >/dev/null"
measure "zstd -1 -T2" sh -c "zstd -q -f -1 -T2 '$vol' -o '$dir/ref.zst'"; ref_compress=$rate
echo "  zstd -1 output: $(stat -c %s "$dir/ref.zst") bytes"
measure "zstd -d -T2" sh -c "zstd -q -f -d -T2 '$dir/ref.zst' -o '$dir/ref.out'"; ref_decompress=$rate
# zstd -d leaves its output in the page cache; a restore is durable (flushed) before it reports done.
measure "zstd -d -T2, then sync" sh -c "zstd -q -f -d -T2 '$dir/ref.zst' -o '$dir/ref.out' && sync '$dir/ref.out'"; ref_durable=$rate
rm -f "$dir/ref.zst" "$dir/ref.out"

for store in ${BENCH_STORES:-posix swift}; do
  container=bench-$(date +%s)
  if [ "$store" = posix ]; then target=posix:$dir/store; rm -rf "$dir/store"; else target=swift; fi
  full=$(cat /proc/sys/kernel/random/uuid) incr=$(cat /proc/sys/kernel/random/uuid)
  measure "$store full backup" "$bench" backup "$target" "$container" "$vol" "$full"; full_rate=$rate
  measure "$store incremental (mutate)" "$bench" backup "$target" "$container" "$mut" "$incr" "$full"; incr_rate=$rate
  measure "$store restore (full)" "$bench" restore "$target" "$container" "$dir/restored.img" "$full" "$bytes"
  echo "  full $(percent "$full_rate" "$ref_compress") of zstd -1 -T2; incremental $(percent "$incr_rate" "$full_rate") of the full;" \
    "restore $(percent "$rate" "$ref_decompress") of zstd -d -T2, $(percent "$rate" "$ref_durable") of zstd -d -T2 then sync"
  cmp "$vol" "$dir/restored.img" && echo "  restored image identical"
  rm -f "$dir/restored.img"
  if [ "$store" = posix ]; then echo "  posix store holds $(du -sb "$dir/store" | cut -f1) bytes"; rm -rf "$dir/store"; fi
done

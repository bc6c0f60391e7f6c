#!/usr/bin/env bash
# A local BackupPlatform cluster on 127.0.0.1, every service its own process: PostgreSQL and
# RabbitMQ (scripts/pg.sh, scripts/rabbitmq.sh), the volume service, the API, the scheduler and
# N workers spread over K availability zones (az1..azK), all writing to one posix store.
#
#   scripts/cluster.sh start [--workers N] [--zones K] [--no-build]
#   scripts/cluster.sh stop
#   scripts/cluster.sh kill-worker NAME      # kill -9, for failover experiments
#
# env: CLUSTER_RUN (/tmp/backupplatform-cluster), CLUSTER_API_PORT (18876), CLUSTER_VOLUME_PORT (18877),
#      CLUSTER_PG_PORT (56432), CLUSTER_RMQ_PORT (56672). Writes $CLUSTER_RUN/env (API_URL, VOLUME_URL,
#      PG_CONNSTR, RMQ_URI, WORKERS) and logs to $CLUSTER_RUN/logs/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
RUN=${CLUSTER_RUN:-/tmp/backupplatform-cluster}
API_PORT=${CLUSTER_API_PORT:-18876}
VOLUME_PORT=${CLUSTER_VOLUME_PORT:-18877}
export PG_PORT=${CLUSTER_PG_PORT:-56432} PG_BASE=$RUN/pg
export RMQ_PORT=${CLUSTER_RMQ_PORT:-56672} RMQ_DIST_PORT=$(( ${CLUSTER_RMQ_PORT:-56672} + 2 )) RMQ_EPMD_PORT=$(( ${CLUSTER_RMQ_PORT:-56672} - 2000 )) RMQ_MGMT=0 RMQ_BASE=$RUN/rabbitmq

bin() { echo "$root/services/BackupPlatform.$1/bin/Release/net10.0/BackupPlatform.$1.dll"; }

launch() { # name, service, args...
  local name=$1 service=$2; shift 2
  setsid nohup dotnet "$(bin "$service")" "$@" >"$RUN/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/pids/$name"
}

case "${1:-}" in
start)
  shift
  workers=1 zones=1 build=1
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) workers=$2; shift 2;;
      --zones) zones=$2; shift 2;;
      --no-build) build=0; shift;;
      *) echo "unknown option $1" >&2; exit 2;;
    esac
  done
  t0=$(date +%s.%N)
  mkdir -p "$RUN/logs" "$RUN/pids" "$RUN/store" "$RUN/volumes"
  if [ $build = 1 ]; then dotnet build "$root/BackupPlatform.sln" -c Release -nologo -v quiet >"$RUN/logs/build.log" || { cat "$RUN/logs/build.log"; exit 1; }; fi
  "$root/scripts/pg.sh" start >"$RUN/logs/pg.out" 2>&1 & p1=$!
  "$root/scripts/rabbitmq.sh" start >"$RUN/logs/rabbitmq.out" 2>&1 & p2=$!
  wait $p1 || { cat "$RUN/logs/pg.out"; exit 1; }
  wait $p2 || { cat "$RUN/logs/rabbitmq.out"; exit 1; }
  . "$PG_BASE/env"; . "$RMQ_BASE/env"
  common=(--BackupPlatform:Database:Provider=postgres "--BackupPlatform:Database:ConnectionString=$PG_CONNSTR"
          --BackupPlatform:Bus:Transport=rabbitmq "--BackupPlatform:Bus:RabbitMqUri=$RMQ_URI"
          --Logging:LogLevel:Default=Warning)
  # The API, the scheduler and the workers call the volume service over HTTP, with the shared service token.
  token=$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')
  volume_client=("--BackupPlatform:VolumeService:Url=http://127.0.0.1:$VOLUME_PORT" "--BackupPlatform:VolumeService:ServiceToken=$token")
  extra_zones=()
  for z in $(seq 1 "$zones"); do extra_zones+=("--BackupPlatform:Volumes:AdditionalZones:$((z - 1))=az$z"); done
  launch volume-service VolumeService "${common[@]}" --urls "http://127.0.0.1:$VOLUME_PORT" \
    "--BackupPlatform:Volumes:Path=$RUN/volumes" --BackupPlatform:Volumes:AvailabilityZone=az1 "${extra_zones[@]}" \
    "--BackupPlatform:VolumeService:ServiceToken=$token"
  # The volume service creates its tables first; the others migrate theirs under EF's migration lock.
  for _ in $(seq 1 120); do curl -s -o /dev/null "http://127.0.0.1:$VOLUME_PORT/" && break; sleep 0.5; done
  launch api Api "${common[@]}" "${volume_client[@]}" --urls "http://127.0.0.1:$API_PORT"
  launch scheduler Scheduler "${common[@]}" "${volume_client[@]}" --urls http://127.0.0.1:0
  names=()
  for i in $(seq 1 "$workers"); do
    zone=az$(( (i - 1) % zones + 1 ))
    name=worker-$i
    names+=("$name")
    launch "$name" Worker "${common[@]}" "${volume_client[@]}" --urls http://127.0.0.1:0 "--BackupPlatform:Worker:Host=$name" \
      "--BackupPlatform:Worker:AvailabilityZone=$zone" "--BackupPlatform:Store:Posix:Path=$RUN/store"
  done
  for _ in $(seq 1 240); do curl -s -o /dev/null "http://127.0.0.1:$API_PORT/v3/" && break; sleep 0.5; done
  psql_count() { PGPASSWORD=$PG_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -qAt -c "select count(*) from backup_services" 2>/dev/null || echo 0; }
  for _ in $(seq 1 240); do [ "$(psql_count)" -ge "$workers" ] && break; sleep 0.5; done
  [ "$(psql_count)" -ge "$workers" ] || { echo "workers did not register; see $RUN/logs" >&2; exit 1; }
  cat >"$RUN/env" <<E
API_URL=http://127.0.0.1:$API_PORT
VOLUME_URL=http://127.0.0.1:$VOLUME_PORT
PG_CONNSTR="$PG_CONNSTR"
RMQ_URI=$RMQ_URI
WORKERS="${names[*]}"
E
  echo "cluster up in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")s: api :$API_PORT, volumes :$VOLUME_PORT, ${workers} workers in ${zones} zones; source $RUN/env"
  ;;
stop)
  if [ -d "$RUN/pids" ]; then
    for f in "$RUN"/pids/*; do [ -f "$f" ] && kill -- "-$(cat "$f")" 2>/dev/null || true; done
  fi
  "$root/scripts/rabbitmq.sh" stop >/dev/null 2>&1 || true
  "$root/scripts/pg.sh" stop >/dev/null 2>&1 || true
  rm -rf "$RUN"
  echo "cluster stopped"
  ;;
kill-worker)
  kill -9 -- "-$(cat "$RUN/pids/$2")"
  echo "killed $2"
  ;;
*) echo "usage: $0 start [--workers N] [--zones K] [--no-build] | stop | kill-worker NAME" >&2; exit 2;;
esac

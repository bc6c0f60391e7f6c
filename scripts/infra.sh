#!/usr/bin/env bash
# Starts (or stops) the real servers the integration tests use, on 127.0.0.1 and non-default ports,
# in parallel, with throw-away data under $INFRA_RUN: PostgreSQL 15 (as a system user: it refuses
# root), RabbitMQ (with its management API, used to create a virtual host per test) and OpenStack
# Swift with the s3api middleware. Writes $INFRA_RUN/env with the connection settings to source:
#   PG_CONNSTR, RMQ_URI, RMQ_MGMT_URL, RMQ_USER, RMQ_PASSWORD, SWIFT_AUTH_URL, SWIFT_USER, SWIFT_KEY,
#   S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_REGION
# Usage: scripts/infra.sh start|stop        (env: INFRA_RUN, default /tmp/backupplatform-infra)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export INFRA_RUN=${INFRA_RUN:-/tmp/backupplatform-infra}
export PG_BASE=$INFRA_RUN/pg RMQ_BASE=$INFRA_RUN/rabbitmq SWIFT_BASE=$INFRA_RUN/swift

case "${1:-}" in
start)
  mkdir -p "$INFRA_RUN"
  t0=$(date +%s.%N)
  "$here/pg.sh" start >"$INFRA_RUN/pg.out" 2>&1 & p1=$!
  "$here/rabbitmq.sh" start >"$INFRA_RUN/rabbitmq.out" 2>&1 & p2=$!
  "$here/swift.sh" start >"$INFRA_RUN/swift.out" 2>&1 & p3=$!
  rc=0
  wait $p1 || rc=1; wait $p2 || rc=1; wait $p3 || rc=1
  if [ $rc != 0 ]; then
    cat "$INFRA_RUN"/{pg,rabbitmq,swift}.out >&2
    "$0" stop >/dev/null 2>&1
    echo "infra start FAILED" >&2
    exit 1
  fi
  cat "$PG_BASE/env" "$RMQ_BASE/env" "$SWIFT_BASE/env" | sed 's/^/export /' >"$INFRA_RUN/env"
  echo "postgres, rabbitmq, swift up in $(printf '%.1f' "$(echo "$(date +%s.%N) - $t0" | bc)")s; source $INFRA_RUN/env"
  ;;
stop)
  "$here/swift.sh" stop >/dev/null 2>&1 & "$here/rabbitmq.sh" stop >/dev/null 2>&1 & "$here/pg.sh" stop >/dev/null 2>&1 & wait
  rm -rf "$INFRA_RUN"
  echo "infra stopped"
  ;;
*) echo "usage: $0 start|stop" >&2; exit 2;;
esac

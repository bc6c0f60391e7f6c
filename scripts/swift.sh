#!/usr/bin/env bash
# OpenStack Swift all-in-one (Debian swift 2.30) on loopback: one device, one replica, tempauth,
# s3api in the proxy pipeline (S3 on the same port), memcached for tempauth tokens. No systemd.
# Usage: swift.sh start|stop|status   (project copy of ../shared/reference/infra/swift.sh; tests source $SWIFT_BASE/env)
# env: SWIFT_PORT (proxy, 58080), SWIFT_BIND_IP (the proxy's address, 127.0.0.1), SWIFT_BASE (/tmp/infra-run/swift), SWIFT_STORAGE_PORT_BASE (56010:
#      object=+0, container=+1, account=+2), SWIFT_MEMCACHED_PORT (55211)
# Needs: apt-get install swift swift-proxy swift-object swift-container swift-account memcached
#        (+ python3-swiftclient / s3cmd as clients). The data dir must support user xattrs (ext4/xfs do).
# Credentials (tempauth): account 'test', user 'tester', key 'testing' (.admin = reseller-admin of AUTH_test)
#   Swift: GET http://127.0.0.1:$SWIFT_PORT/auth/v1.0 with X-Auth-User: test:tester / X-Auth-Key: testing
#   S3:    endpoint http://127.0.0.1:$SWIFT_PORT, access key 'test:tester', secret 'testing',
#          region us-east-1, path-style addressing, SigV4 or SigV2.
# Pitfall: Swift 2.30 daemons always read hash-path salts + storage policies from /etc/swift/swift.conf
#   (swift_dir only moves the rings); Debian's package ships that file. If absent, we write one (root needed).
set -euo pipefail
SWIFT_PORT=${SWIFT_PORT:-58080}
SWIFT_BASE=${SWIFT_BASE:-/tmp/infra-run/swift}
SP=${SWIFT_STORAGE_PORT_BASE:-56010}
OBJ_PORT=$SP; CONT_PORT=$((SP+1)); ACC_PORT=$((SP+2))
MC_PORT=${SWIFT_MEMCACHED_PORT:-55211}
ETC=$SWIFT_BASE/etc; NODE=$SWIFT_BASE/node; RUN=$SWIFT_BASE/run; LOG=$SWIFT_BASE/log

launch() { # name, command...
  local name=$1; shift
  setsid nohup "$@" >"$LOG/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

case "${1:-}" in
start)
  t0=$(date +%s.%N)
  for b in swift-proxy-server swift-object-server swift-container-server swift-account-server swift-ring-builder memcached; do
    command -v $b >/dev/null || { echo "$b missing: apt-get install swift swift-proxy swift-object swift-container swift-account memcached" >&2; exit 1; }
  done
  # A second Swift on the same ports would fail to bind, yet the readiness probe below would succeed
  # against the first one and this instance would look started: refuse early instead.
  for p in "$SWIFT_PORT" $OBJ_PORT $CONT_PORT $ACC_PORT "$MC_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "port $p on 127.0.0.1 is already in use; set SWIFT_PORT/SWIFT_STORAGE_PORT_BASE/SWIFT_MEMCACHED_PORT" >&2; exit 1
    fi
  done
  mkdir -p "$ETC" "$NODE/d1" "$RUN" "$LOG"
  # xattr check (Swift stores object metadata in user.* xattrs)
  touch "$NODE/d1/.xattr-probe"
  /usr/bin/python3 -c "import os,sys; os.setxattr(sys.argv[1],'user.swift.probe',b'1')" "$NODE/d1/.xattr-probe" \
    || { echo "filesystem under $NODE does not support user xattrs; Swift cannot store objects there" >&2; exit 1; }
  rm -f "$NODE/d1/.xattr-probe"
  if [ ! -f /etc/swift/swift.conf ]; then
    mkdir -p /etc/swift
    printf '[swift-hash]\nswift_hash_path_suffix = testsuffix\nswift_hash_path_prefix = testprefix\n[storage-policy:0]\nname = Policy-0\ndefault = yes\n' >/etc/swift/swift.conf
  fi
  ME=$(id -un)
  common="[DEFAULT]
bind_ip = 127.0.0.1
workers = 1
user = $ME
swift_dir = $ETC
devices = $NODE
mount_check = false
log_level = INFO
"
  printf '%sbind_port = %s\n[pipeline:main]\npipeline = object-server\n[app:object-server]\nuse = egg:swift#object\n' "$common" $OBJ_PORT >"$ETC/object-server.conf"
  printf '%sbind_port = %s\n[pipeline:main]\npipeline = container-server\n[app:container-server]\nuse = egg:swift#container\n' "$common" $CONT_PORT >"$ETC/container-server.conf"
  printf '%sbind_port = %s\n[pipeline:main]\npipeline = account-server\n[app:account-server]\nuse = egg:swift#account\n' "$common" $ACC_PORT >"$ETC/account-server.conf"
  cat >"$ETC/proxy-server.conf" <<C
[DEFAULT]
bind_ip = ${SWIFT_BIND_IP:-127.0.0.1}
bind_port = $SWIFT_PORT
workers = 1
user = $ME
swift_dir = $ETC
log_level = INFO

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats bulk tempurl s3api tempauth copy slo dlo versioned_writes proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
allow_account_management = true

[filter:tempauth]
use = egg:swift#tempauth
user_admin_admin = admin .admin .reseller_admin
user_test_tester = testing .admin
user_test_tester2 = testing2

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MC_PORT

[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:bulk]
use = egg:swift#bulk
[filter:tempurl]
use = egg:swift#tempurl
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
[filter:versioned_writes]
use = egg:swift#versioned_writes
allow_versioned_writes = true
C
  # rings: part power 6, 1 replica, 1 device; built in one python process (9 swift-ring-builder runs cost ~3 s)
  if [ ! -f "$ETC/object.ring.gz" ]; then
    /usr/bin/python3 - "$ETC" $OBJ_PORT $CONT_PORT $ACC_PORT <<'PYRING' || { echo "ring build failed" >&2; exit 1; }
import sys
from swift.common.ring import RingBuilder
etc, ports = sys.argv[1], dict(zip(("object", "container", "account"), map(int, sys.argv[2:5])))
for name, port in ports.items():
    b = RingBuilder(6, 1, 1)
    b.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port, "device": "d1", "weight": 1.0})
    b.rebalance()
    b.save(f"{etc}/{name}.builder")
    b.get_ring().save(f"{etc}/{name}.ring.gz")
PYRING
  fi
  launch memcached memcached -l 127.0.0.1 -p "$MC_PORT" -U 0 -m 64 -u "$ME"
  launch object swift-object-server "$ETC/object-server.conf" -v
  launch container swift-container-server "$ETC/container-server.conf" -v
  launch account swift-account-server "$ETC/account-server.conf" -v
  launch proxy swift-proxy-server "$ETC/proxy-server.conf" -v
  # ready = tempauth issues a token and an account HEAD works through all tiers
  for i in $(seq 1 300); do
    tok=$(curl -s -o /dev/null -D - -H 'X-Auth-User: test:tester' -H 'X-Auth-Key: testing' \
          "http://127.0.0.1:$SWIFT_PORT/auth/v1.0" 2>/dev/null | tr -d '\r' | awk -F': ' 'tolower($1)=="x-auth-token"{print $2}') || true
    if [ -n "$tok" ]; then
      code=$(curl -s -o /dev/null -w '%{http_code}' -X HEAD -H "X-Auth-Token: $tok" "http://127.0.0.1:$SWIFT_PORT/v1/AUTH_test" || true)
      case "$code" in 2??) break;; esac
    fi
    for n in memcached object container account proxy; do
      kill -0 "$(cat "$RUN/$n.pid")" 2>/dev/null || { echo "swift $n died:" >&2; tail -20 "$LOG/$n.log" >&2; exit 1; }
    done
    [ "$i" = 300 ] && { echo "swift not ready after 60 s" >&2; tail -5 "$LOG"/*.log >&2; exit 1; }
    sleep 0.2
  done
  t1=$(date +%s.%N)
  cat >"$SWIFT_BASE/env" <<E
SWIFT_AUTH_URL=http://127.0.0.1:$SWIFT_PORT/auth/v1.0
SWIFT_USER=test:tester
SWIFT_KEY=testing
SWIFT_STORAGE_URL=http://127.0.0.1:$SWIFT_PORT/v1/AUTH_test
S3_ENDPOINT=http://127.0.0.1:$SWIFT_PORT
S3_ACCESS_KEY=test:tester
S3_SECRET_KEY=testing
S3_REGION=us-east-1
E
  echo "swift ready in $(printf '%.1f' "$(echo "$t1 - $t0" | bc)")s"
  cat "$SWIFT_BASE/env"
  ;;
stop)
  if [ -d "$RUN" ]; then
    for n in proxy account container object memcached; do
      [ -f "$RUN/$n.pid" ] || continue
      p=$(cat "$RUN/$n.pid"); kill -TERM -- "-$p" 2>/dev/null || true   # its own process group
    done
    for n in proxy account container object memcached; do
      [ -f "$RUN/$n.pid" ] || continue
      p=$(cat "$RUN/$n.pid")
      for i in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
      kill -KILL -- "-$p" 2>/dev/null || true
    done
  fi
  rm -rf "$SWIFT_BASE"
  echo "swift stopped"
  ;;
status)
  curl -fsS "http://127.0.0.1:$SWIFT_PORT/healthcheck"; echo ;;
*) echo "usage: $0 start|stop|status" >&2; exit 2;;
esac

#!/bin/sh
# Swift's five daemons in the background (scripts/swift.sh), then stays up until told to stop.
set -e
rm -rf /srv/swift/run
SWIFT_PORT=8080 SWIFT_BIND_IP=0.0.0.0 SWIFT_BASE=/srv/swift /usr/local/bin/swift.sh start
trap 'exit 0' TERM INT
tail -F /srv/swift/log/proxy.log & wait

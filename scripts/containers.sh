#!/usr/bin/env bash
# A Docker-compatible container engine for the compose test and Testcontainers on a machine with no Docker
# daemon and no container registry (Debian 12, root, no systemd): podman from Debian, a Debian base image made
# with debootstrap from the machine's own apt mirror, local stand-ins under the image names Dockerfile,
# docker-compose.yml and the test fixtures use (scripts/containers/: mcr.microsoft.com/dotnet/sdk:10.0 and
# aspnet:10.0 from this machine's .NET, postgres:15 and rabbitmq:3.13-management from Debian's PostgreSQL 15
# and RabbitMQ 3.10), and the Docker API on a private socket (not /var/run/docker.sock, which other tools on a
# shared machine would pick up). Idempotent; a machine with Docker needs none of this.
#   scripts/containers.sh start [swift]   installs, builds what is missing (with swift: a Swift stand-in too),
#                                   serves the API; prints the env lines
#   eval "$(scripts/containers.sh --env)"    CONTAINERS_CONF, DOCKER_HOST, ... for docker-compose/dotnet test
#   scripts/containers.sh stop      stops the API service and the healthcheck runner (images stay)
# Fresh machine: about 3 minutes (packages, debootstrap, four images); later runs: about a second.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)/containers
WORK=${BP_CONTAINERS_WORK:-/var/tmp/backupplatform-containers}
SOCK=${BP_CONTAINERS_SOCK:-/run/backupplatform-podman.sock}
env_lines() {
  echo "export CONTAINERS_CONF=$WORK/containers.conf DOCKER_HOST=unix://$SOCK TESTCONTAINERS_RYUK_DISABLED=true COMPOSE_DOCKER_CLI_BUILD=0 DOCKER_BUILDKIT=0"
}
stop() {
  for f in "$WORK"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null; rm -f "$f"; done
  rm -f "$SOCK"
}
# A Docker engine that already answers (DOCKER_HOST, or /var/run/docker.sock) is used as it is.
docker_engine() {
  case "${DOCKER_HOST:-}" in
    "") curl -fs --unix-socket /var/run/docker.sock http://d/_ping >/dev/null 2>&1;;
    "unix://$SOCK") return 1;;
    unix://*) curl -fs --unix-socket "${DOCKER_HOST#unix://}" http://d/_ping >/dev/null 2>&1;;
    *) return 0;;
  esac
}
if [ "${1:-start}" != stop ] && [ "${1:-start}" != --stop ] && docker_engine; then
  echo "# a Docker engine answers (${DOCKER_HOST:-/var/run/docker.sock}): nothing to set up"; exit 0
fi
case "${1:-start}" in
  --env) env_lines; exit 0;;
  stop|--stop) stop; exit 0;;
  start) ;;
  *) echo "usage: $0 start|stop|--env" >&2; exit 2;;
esac
mkdir -p "$WORK"
export DEBIAN_FRONTEND=noninteractive
if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null || ! command -v docker-compose >/dev/null; then
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  apt-get -o DPkg::Lock::Timeout=900 install -y -qq podman buildah runc fuse-overlayfs slirp4netns uidmap debootstrap docker-compose >/dev/null
fi

# Podman's configuration: runc (crun 1.8 refuses this VM's hybrid cgroup layout), limits a container may set
# here (the defaults need CAP_SYS_RESOURCE: "setrlimit ... Operation not permitted"); no systemd: cgroupfs,
# file events.
cat > "$WORK/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=32768:32768"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
export CONTAINERS_CONF="$WORK/containers.conf"

# A Debian base image from the machine's own apt mirror (no registry answers here).
mirror=$(grep -hm1 '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' || true)
[ -n "$mirror" ] || mirror=$(grep -hm1 '^deb ' /etc/apt/sources.list | awk '{print $2}')
if ! podman image exists localhost/debian:bookworm; then
  rm -rf "$WORK/rootfs"
  debootstrap --variant=minbase bookworm "$WORK/rootfs" "$mirror" >"$WORK/debootstrap.log"
  rm -f "$WORK"/rootfs/var/cache/apt/archives/*.deb
  tar -C "$WORK/rootfs" -c . | podman import -q --change 'CMD ["/bin/bash"]' - localhost/debian:bookworm
  rm -rf "$WORK/rootfs"
fi

# The stand-ins. The machine's extra CA certificates go in too (a TLS-intercepting proxy on the way to NuGet).
context() {
  rm -rf "${WORK:?}/$1"; cp -r "$HERE/$1" "$WORK/$1"
  cp /usr/local/share/ca-certificates/*.crt "$WORK/$1/" 2>/dev/null || touch "$WORK/$1/none.crt"
}
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
if ! podman image exists mcr.microsoft.com/dotnet/sdk:10.0; then
  context sdk; cp -al "$dotnet_root" "$WORK/sdk/dotnet" 2>/dev/null || cp -a "$dotnet_root" "$WORK/sdk/dotnet"
  podman build -q -t mcr.microsoft.com/dotnet/sdk:10.0 "$WORK/sdk"; rm -rf "${WORK:?}/sdk"
fi
if ! podman image exists mcr.microsoft.com/dotnet/aspnet:10.0; then
  context aspnet; mkdir -p "$WORK/aspnet/dotnet"
  cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/shared" "$WORK/aspnet/dotnet/"
  podman build -q -t mcr.microsoft.com/dotnet/aspnet:10.0 "$WORK/aspnet"; rm -rf "${WORK:?}/aspnet"
fi
# Swift (docker-compose.yml's profile swift) only when asked: `start swift`.
if [ "${2:-}" = swift ] && ! podman image exists docker.io/openstackswift/saio:latest; then
  context swift; cp "$HERE/../swift.sh" "$WORK/swift/"
  podman build -q -t docker.io/openstackswift/saio:latest "$WORK/swift"; rm -rf "${WORK:?}/swift"
fi
for img in postgres:postgres:15 rabbitmq:rabbitmq:3.13-management; do
  dir=${img%%:*}; name=docker.io/library/${img#*:}
  podman image exists "$name" || { context "$dir"; podman build -q -t "$name" "$WORK/$dir"; rm -rf "${WORK:?}/$dir"; }
done

# The Docker API and the healthcheck runner (podman runs HEALTHCHECKs from systemd timers; with no systemd
# they never run and compose's "condition: service_healthy" waits forever).
if ! curl -fs --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1; then
  stop
  nohup podman system service --time=0 "unix://$SOCK" >"$WORK/service.log" 2>&1 & echo $! > "$WORK/service.pid"
  nohup "$HERE/health-ticker.sh" >"$WORK/health-ticker.log" 2>&1 & echo $! > "$WORK/ticker.pid"
fi
for _ in $(seq 100); do curl -fs --unix-socket "$SOCK" http://d/_ping >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs --unix-socket "$SOCK" http://d/_ping >/dev/null || { echo "podman API did not answer on $SOCK (see $WORK/service.log)" >&2; exit 1; }
env_lines

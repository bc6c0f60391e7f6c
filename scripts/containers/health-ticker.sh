#!/bin/sh
# Podman 4.3 schedules HEALTHCHECKs with systemd timers; with no systemd they never run and compose's
# "condition: service_healthy" waits forever. This runs every running container's healthcheck every 2 s,
# all at once (one after the other, a loaded machine would probe each container only every half minute).
# Started and stopped by scripts/containers.sh.
while sleep 2; do
  for c in $(podman ps -q --filter health=starting) $(podman ps -q --filter health=healthy) $(podman ps -q --filter health=unhealthy); do
    podman healthcheck run "$c" >/dev/null 2>&1 &
  done
  wait
done

#!/usr/bin/env bash
# Installs, when missing, the Debian packages the test servers and client tests need (idempotent; run as root).
# PostgreSQL 15 is usually preinstalled; RabbitMQ ~11 s, the Swift set ~21 s, memcached ~7 s on a warm mirror.
# No service starts on install here (policy-rc.d); our own scripts start them on loopback.
set -euo pipefail
PKGS=(postgresql-15 rabbitmq-server swift swift-proxy swift-object swift-container swift-account
      memcached python3-swiftclient attr bc curl
      python3-cinderclient  # the real cinder CLI, for scripts/cinderclient-allinone.sh
      python3-cinder)       # real Cinder 21 (148 packages, 40 MB, ~90 s), which makes the backups CinderFormatTests import (scripts/cinder-backups.py)
missing=()
for p in "${PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  t0=$(date +%s)
  apt-get -o DPkg::Lock::Timeout=900 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  echo "installed ${missing[*]} in $(( $(date +%s) - t0 ))s"
else
  echo "all infra packages present"
fi

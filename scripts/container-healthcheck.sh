#!/bin/bash
# The images' health probe: GET http://127.0.0.1:${HEALTHCHECK_PORT:-8080}${1:-/health}, healthy on 200.
# The .NET runtime images have neither curl nor wget; bash's /dev/tcp is in both the Ubuntu images and
# Debian. Usage: healthcheck [/health|/alive]
exec 3<>"/dev/tcp/127.0.0.1/${HEALTHCHECK_PORT:-8080}" || exit 1
printf 'GET %s HTTP/1.0\r\nHost: localhost\r\n\r\n' "${1:-/health}" >&3
IFS=' ' read -r -t 5 _ status _ <&3 && [ "$status" = 200 ]

#!/bin/bash
# The image's health check: GET /health on the silo's HTTP port answers 200 while it serves (503 once it
# stops taking sessions). Bash's /dev/tcp keeps the image free of an HTTP client.
port="${GATOMESH_HTTP_PORT:-8080}"
exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
read -r -t 3 _ status _ <&3 || exit 1
[ "$status" = 200 ]

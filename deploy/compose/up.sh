#!/usr/bin/env bash
# Starts the compose cluster (compose.yaml: redis-server + 3 silos from the image on loopback ports) and
# returns once every silo answers /health with 200. Builds the image first if it is not there.
#   deploy/compose/up.sh [--base-port P] [--image NAME:TAG] [--fleet-key FLEET=KEY]...
# Defaults: base port 17000 (ports: deploy/compose/env.sh), image gatomesh-silo:<commit>, one fleet
# 'default' with a random key. Prints one JSON object: the gateways, the keys' file and the admin key's.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base=17000 image="" keys=()
while [ $# -gt 0 ]; do
  case "$1" in
    --base-port) base="$2"; shift 2 ;;
    --image) image="$2"; shift 2 ;;
    --fleet-key) keys+=("$2"); shift 2 ;;
    *) echo "up.sh: unknown option '$1' (--base-port, --image, --fleet-key)" >&2; exit 2 ;;
  esac
done
[[ "$base" =~ ^[0-9]+$ ]] && [ "$base" -ge 1024 ] && [ "$base" -le 65500 ] || { echo "up.sh: --base-port must be 1024-65500, was '$base'" >&2; exit 2; }
command -v podman-compose >/dev/null || { echo "up.sh: podman-compose is missing (apt-get install podman-compose)" >&2; exit 1; }
source "$root/deploy/compose/env.sh"
compose_env "$base" "$root"
export GATOMESH_IMAGE="${image:-gatomesh-silo:$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo dev)}"
podman image exists "$GATOMESH_IMAGE" || "$root/deploy/image/build.sh" "${GATOMESH_IMAGE#*:}" >/dev/null

# The cluster's secrets (made once per state folder), readable by the silos' user (uid 10001) only.
state="$GATOMESH_COMPOSE_STATE"
"$root/deploy/make-secrets.sh" "$state" ${keys[@]+"${keys[@]}"}
chown -R 10001:10001 "$state" && chmod 0700 "$state"

podman-compose -f "$root/deploy/compose/compose.yaml" up -d >"$state/up.log" 2>&1 || { echo "up.sh: podman-compose up failed:" >&2; cat "$state/up.log" >&2; exit 1; }
for i in 0 1 2; do
  port_var="GATOMESH_SILO${i}_HTTP"
  for _ in $(seq 1 180); do
    curl -sf "http://127.0.0.1:${!port_var}/health" >/dev/null && continue 2
    sleep 1
  done
  echo "up.sh: silo-$i did not serve on 127.0.0.1:${!port_var} within 180 s; its log:" >&2
  podman logs --tail 30 "${COMPOSE_PROJECT_NAME}_silo-${i}_1" >&2 || true
  exit 1
done
printf '{"project": "%s", "image": "%s", "redis": "127.0.0.1:%s", "admin_key_file": "%s", "fleet_keys_file": "%s", "silos": [' \
  "$COMPOSE_PROJECT_NAME" "$GATOMESH_IMAGE" "$GATOMESH_REDIS_PORT" "$state/admin.key" "$state/fleet-keys"
for i in 0 1 2; do
  h="GATOMESH_SILO${i}_HTTP" g="GATOMESH_SILO${i}_GRPC"
  printf '%s{"name": "silo-%s", "container": "%s_silo-%s_1", "sessions": "ws://127.0.0.1:%s/v1/sessions", "grpc": "grpc://127.0.0.1:%s", "http": "http://127.0.0.1:%s"}' \
    "$([ "$i" = 0 ] || echo ', ')" "$i" "$COMPOSE_PROJECT_NAME" "$i" "${!h}" "${!g}" "${!h}"
done
echo ']}'

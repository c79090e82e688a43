#!/usr/bin/env bash
# Starts the local cluster of cluster.yaml (a podman pod: redis-server + 3 silos from the image, on
# loopback ports) and returns once every silo answers /health with 200. Builds the image if it is missing.
#   deploy/compose/up.sh [--base-port P] [--image NAME:TAG] [--fleet-key FLEET=KEY]...
# Ports: Redis on P (default 17000); silo i on P+1+i (silo-to-silo), P+11+i (Orleans gateway), P+21+i
# (HTTP: WebSocket, /health, /metrics, /observe, /dashboard) and P+31+i (gRPC). Image: gatomesh-silo:<commit>.
# Prints one JSON object: the pod, its containers' endpoints and the files holding the keys.
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
export CONTAINERS_CONF="$root/deploy/podman/containers.conf"
export GATOMESH_POD="gatomesh-$base" GATOMESH_STATE="$root/.gatomesh/pod-$base" GATOMESH_REDIS_PORT="$base"
for i in 0 1 2; do
  export "GATOMESH_SILO${i}_PORT=$((base + 1 + i))" "GATOMESH_SILO${i}_GATEWAY=$((base + 11 + i))" \
         "GATOMESH_SILO${i}_HTTP=$((base + 21 + i))" "GATOMESH_SILO${i}_GRPC=$((base + 31 + i))"
done
export GATOMESH_IMAGE="${image:-gatomesh-silo:$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo dev)}"
podman image exists "$GATOMESH_IMAGE" || "$root/deploy/image/build.sh" "${GATOMESH_IMAGE#*:}" >/dev/null
podman pod exists "$GATOMESH_POD" && { echo "up.sh: pod $GATOMESH_POD is already there; run deploy/compose/down.sh --base-port $base first" >&2; exit 1; }

# The cluster's secrets (made once per state folder), readable by the silos' user (uid 10001) only.
"$root/deploy/make-secrets.sh" "$GATOMESH_STATE" ${keys[@]+"${keys[@]}"}
chown -R 10001:10001 "$GATOMESH_STATE" && chmod 0700 "$GATOMESH_STATE"
pod_file="$root/.gatomesh/pod-$base.yaml"
envsubst <"$root/deploy/compose/cluster.yaml" >"$pod_file"
podman kube play "$pod_file" >"$root/.gatomesh/pod-$base.log" 2>&1 \
  || { echo "up.sh: podman kube play failed:" >&2; cat "$root/.gatomesh/pod-$base.log" >&2; exit 1; }
for i in 0 1 2; do
  port_var="GATOMESH_SILO${i}_HTTP"
  for _ in $(seq 1 240); do
    curl -sf "http://127.0.0.1:${!port_var}/health" >/dev/null && continue 2
    sleep 1
  done
  echo "up.sh: silo-$i did not serve on 127.0.0.1:${!port_var} within 240 s; its log:" >&2
  podman logs --tail 30 "$GATOMESH_POD-silo-$i" >&2 || true
  exit 1
done
printf '{"pod": "%s", "image": "%s", "redis": "127.0.0.1:%s", "admin_key_file": "%s", "fleet_keys_file": "%s", "silos": [' \
  "$GATOMESH_POD" "$GATOMESH_IMAGE" "$GATOMESH_REDIS_PORT" "$GATOMESH_STATE/admin.key" "$GATOMESH_STATE/fleet-keys"
for i in 0 1 2; do
  h="GATOMESH_SILO${i}_HTTP" g="GATOMESH_SILO${i}_GRPC"
  printf '%s{"name": "silo-%s", "container": "%s-silo-%s", "sessions": "ws://127.0.0.1:%s/v1/sessions", "grpc": "grpc://127.0.0.1:%s", "http": "http://127.0.0.1:%s"}' \
    "$([ "$i" = 0 ] || echo ', ')" "$i" "$GATOMESH_POD" "$i" "${!h}" "${!g}" "${!h}"
done
echo ']}'

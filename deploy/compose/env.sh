# Sourced by up.sh and down.sh: the compose project's name, state folder and ports for a base port.
# Redis takes BASE; silo i takes BASE+1+i (silo-to-silo), BASE+11+i (Orleans gateway), BASE+21+i (HTTP:
# WebSocket, /health, /metrics, /observe) and BASE+31+i (gRPC).
compose_env() {
  local base="$1" root="$2" i
  export GATOMESH_REDIS_PORT="$base"
  for i in 0 1 2; do
    export "GATOMESH_SILO${i}_PORT=$((base + 1 + i))" "GATOMESH_SILO${i}_GATEWAY=$((base + 11 + i))" \
           "GATOMESH_SILO${i}_HTTP=$((base + 21 + i))" "GATOMESH_SILO${i}_GRPC=$((base + 31 + i))"
  done
  export GATOMESH_COMPOSE_STATE="$root/.gatomesh/compose-$base"
  export COMPOSE_PROJECT_NAME="gatomesh-$base"
  export CONTAINERS_CONF="$root/deploy/podman/containers.conf"
}

#!/usr/bin/env bash
# Stops the compose cluster started by up.sh with the same --base-port: SIGTERM to every container (the
# silos leave membership), killed after the grace period, then removed. Keeps the state folder's keys.
#   deploy/compose/down.sh [--base-port P]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base=17000
[ "${1:-}" = --base-port ] && base="$2"
source "$root/deploy/compose/env.sh"
compose_env "$base" "$root"
export GATOMESH_IMAGE=unused
podman-compose -f "$root/deploy/compose/compose.yaml" down -t 30 >/dev/null 2>&1

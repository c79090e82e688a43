#!/usr/bin/env bash
# Stops the local cluster that up.sh started with the same --base-port: SIGTERM to every container (the
# silos leave membership), killed after the pod's grace period, then the pod is removed. Keys are kept.
#   deploy/compose/down.sh [--base-port P]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
base=17000
[ "${1:-}" = --base-port ] && base="$2"
export CONTAINERS_CONF="$root/deploy/podman/containers.conf"
pod="gatomesh-$base"
podman pod exists "$pod" || exit 0
# Silos first: leaving membership writes to Redis, which must still be there.
podman stop -t 30 "$pod-silo-0" "$pod-silo-1" "$pod-silo-2" >/dev/null 2>&1 || true
podman pod stop -t 30 "$pod" >/dev/null
podman pod rm "$pod" >/dev/null
rm -f "$root/.gatomesh/pod-$base.yaml"

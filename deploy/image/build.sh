#!/usr/bin/env bash
# Builds the GatoMesh silo image (deploy/README.md) with no registry: a Debian root filesystem made by
# debootstrap from Debian's packages, the self-contained silo with its native shim, a non-root user, a
# health check on /health and SIGTERM as the stop signal. Podman/buildah store it as gatomesh-silo:TAG.
#   deploy/image/build.sh [TAG]        (default TAG: the repository's short commit, "dev" outside git)
# Set GATOMESH_DEBIAN_MIRROR to use another Debian mirror than the one apt uses on this machine.
# The root filesystem is cached per package list under .gatomesh/image/; a rerun rebuilds only the silo.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tag="${1:-$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo dev)}"
image="gatomesh-silo:$tag"
work="$root/.gatomesh/image"
export CONTAINERS_CONF="$root/deploy/podman/containers.conf"
# Docker's image format: the OCI format has no health check.
export BUILDAH_FORMAT=docker
log() { printf 'image: %s\n' "$*" >&2; }
need() { command -v "$1" >/dev/null || { log "$1 is missing: apt-get install $2"; exit 1; }; }
need debootstrap debootstrap
need buildah buildah
need podman podman
[ "$(id -u)" = 0 ] || { log "debootstrap and rootful buildah need root"; exit 1; }

# What the silo loads at run time: libtorch (the engine; it brings OpenBLAS) and CA certificates (TLS to
# an OTLP collector). The silo's .NET runtime is in its own folder (self-contained publish). redis-server
# (2 MB) lets the compose cluster run its Redis from this image too, so nothing comes from a registry.
packages=(libtorch1.13 ca-certificates redis-server)
mirror="${GATOMESH_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\([^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)}"
[ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $2 ~ /\/debian$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)"
[ -n "$mirror" ] || { log "no Debian mirror found in apt's sources; set GATOMESH_DEBIAN_MIRROR"; exit 1; }
suite=bookworm

# 1. The base: debootstrap --variant=minbase plus the packages above, trimmed, as image gatomesh-base:KEY.
key="$(printf '%s ' "$suite" "${packages[@]}" | sha256sum | cut -c1-12)"
base="gatomesh-base:$key"
if ! podman image exists "$base"; then
  rootfs="$work/rootfs-$key"
  rm -rf "$rootfs"; mkdir -p "$rootfs"
  log "debootstrap $suite (minbase + ${packages[*]}) from $mirror: a few minutes"
  debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { log "debootstrap failed; its log:"; tail -n 30 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/locale/*
  # The silo's user: no login, no home beyond its state folder.
  echo 'gatomesh:x:10001:10001:GatoMesh silo:/var/lib/gatomesh:/usr/sbin/nologin' >>"$rootfs/etc/passwd"
  echo 'gatomesh:x:10001:' >>"$rootfs/etc/group"
  mkdir -p "$rootfs/var/lib/gatomesh" && chown 10001:10001 "$rootfs/var/lib/gatomesh"
  tar -C "$rootfs" --numeric-owner -cf "$work/rootfs-$key.tar" .
  container="$(buildah from scratch)"
  buildah add "$container" "$work/rootfs-$key.tar" / >/dev/null
  buildah commit --quiet "$container" "$base" >/dev/null
  buildah rm "$container" >/dev/null
  rm -rf "$rootfs" "$work/rootfs-$key.tar"
fi

# 2. The silo: a self-contained publish (its own .NET runtime) with libgatomesh_torch.so beside it.
"$root/build/setup.sh" native
app="$work/app"
rm -rf "$app"
log "publishing the silo (self-contained, linux-x64)"
dotnet publish "$root/silos/GatoMesh.Silo/GatoMesh.Silo.csproj" -c Release -r linux-x64 --self-contained -o "$app" \
  --nologo -v quiet -clp:ErrorsOnly >"$work/publish.log" 2>&1 || { log "publish failed:"; cat "$work/publish.log" >&2; exit 1; }
[ -f "$app/libgatomesh_torch.so" ] || { log "the publish lacks libgatomesh_torch.so"; exit 1; }
install -m 0755 "$root/deploy/image/healthcheck.sh" "$app/healthcheck.sh"

# 3. The image: the app layer on the base, run as gatomesh, stopped by SIGTERM (the silo leaves membership).
container="$(buildah from "$base")"
trap 'buildah rm "$container" >/dev/null 2>&1 || true' EXIT
buildah add --chown 0:0 "$container" "$app" /opt/gatomesh >/dev/null
buildah config \
  --user 10001:10001 --workingdir /var/lib/gatomesh \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin --env DOTNET_gcServer=0 --env GATOMESH_HTTP_PORT=8080 \
  --entrypoint '["/opt/gatomesh/GatoMesh.Silo"]' \
  --cmd '["--host", "0.0.0.0", "--port", "11111", "--http-port", "8080", "--grpc-port", "8081"]' \
  --port 8080 --port 8081 --port 11111 --port 30000 \
  --stop-signal SIGTERM \
  --healthcheck 'CMD-SHELL /opt/gatomesh/healthcheck.sh' --healthcheck-interval 10s --healthcheck-timeout 3s \
  --healthcheck-retries 3 --healthcheck-start-period 60s \
  --label org.opencontainers.image.title=gatomesh-silo --label "org.opencontainers.image.revision=$tag" \
  "$container"
buildah commit --quiet --format docker "$container" "$image" >/dev/null
log "built $image ($(podman image inspect "$image" --format '{{.Size}}' | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
echo "$image"

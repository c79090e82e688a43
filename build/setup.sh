#!/usr/bin/env bash
# Installs and builds what GatoMesh needs on a Debian 12 machine, idempotently and quietly.
#   build/setup.sh          apt packages + native shims + the whole solution
#   build/setup.sh cli      apt packages + native shims + the gatomesh CLI only
#   build/setup.sh native   apt packages + native shims
# Each step is skipped when its outputs are newer than its inputs, so a warm run takes about a second.
# Progress and errors go to stderr; stdout stays clean for `gatomesh ... --json`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
what="${1:-all}"
state="$root/.gatomesh"
mkdir -p "$state"
log() { printf 'setup: %s\n' "$*" >&2; }
run_logged() { # run a noisy step; show its output only if it fails
  local name="$1"; shift
  if ! "$@" >"$state/$name.log" 2>&1; then
    log "$name failed; its output:"; cat "$state/$name.log" >&2; exit 1
  fi
}

# 1. Debian packages (ARCHITECTURE.md, "Dependencies").
packages=(cmake g++ libtorch-dev libgloo-dev libopenblas-dev sentencepiece
          libmujoco-dev redis-server python3-torch python3-numpy python3-matplotlib python3-websockets chromium)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { log "missing packages ${missing[*]}; run as root or install them"; exit 1; }
  log "installing ${missing[*]} (about a minute)"
  export DEBIAN_FRONTEND=noninteractive
  run_logged apt-update apt-get update -q
  run_logged apt-install apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
command -v dotnet >/dev/null || { log "the .NET 10 SDK is required (dotnet not on PATH)"; exit 1; }

# 2. Native shims (native/ -> native/build/lib/libgatomesh_*.so).
native_stamp="$root/native/build/.built"
if [ ! -f "$native_stamp" ] || [ -n "$(find "$root/native" -path "$root/native/build" -prune -o -newer "$native_stamp" -type f -print -quit)" ]; then
  log "building native shims"
  if [ ! -f "$root/native/build/CMakeCache.txt" ]; then
    run_logged cmake-configure cmake -S "$root/native" -B "$root/native/build" -DCMAKE_BUILD_TYPE=Release
  fi
  run_logged cmake-build cmake --build "$root/native/build" -j "$(nproc)"
  touch "$native_stamp"
fi
[ "$what" = native ] && exit 0

# 3. Managed build (Release). Skipped when no source is newer than the last build.
case "$what" in
  cli) target="$root/clients/GatoMesh.Cli/GatoMesh.Cli.csproj"; stamp="$state/cli.stamp" ;;
  all) target="$root/GatoMesh.sln"; stamp="$state/all.stamp" ;;
  *) log "unknown target '$what' (all, cli, native)"; exit 2 ;;
esac
stale() {
  [ -f "$stamp" ] || return 0
  [ -n "$(find "$root/src" "$root/grains" "$root/silos" "$root/clients" "$root/envs" "$root/tests" "$root/bench" "$root/protos" \
            "$root/Directory.Build.props" "$root/Directory.Packages.props" "$root/GatoMesh.sln" "$native_stamp" \
            \( -name bin -o -name obj \) -prune -o -type f -newer "$stamp" -print -quit 2>/dev/null)" ]
}
if stale; then
  log "building $(basename "$target")"
  run_logged dotnet-build dotnet build "$target" -c Release --nologo -v quiet -clp:ErrorsOnly
  touch "$stamp"
fi

#!/usr/bin/env bash
# Publishes what the GPU check needs (GatoMesh.Bench: the engine, the silo, the fleet, the peer's driver) as a
# self-contained, trimmed linux-x64 app into bench/gpu/publish, so bench/gpu/run.sh runs it on a GPU host
# that has no .NET. Repository plus publish stay under 64 MiB (checked here).   bench/gpu/publish.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$root/bench/gpu/publish"
"$root/build/setup.sh" native
rm -rf "$out"
dotnet publish "$root/bench/GatoMesh.Bench/GatoMesh.Bench.csproj" -c Release -r linux-x64 --self-contained \
  -p:DebugType=none -o "$out" --nologo -v quiet -clp:ErrorsOnly >&2
# The debugger's and dump tool's libraries: nothing on a GPU run loads them.
rm -f "$out"/libmscordbi.so "$out"/libmscordaccore.so "$out"/createdump "$out"/*.pdb
# Debian's shim stays beside the app for a CPU dry run; run.sh points GATOMESH_NATIVE_DIR at the GPU build.
repo=$(git -C "$root" ls-files -z | (cd "$root" && xargs -0 du -cb 2>/dev/null) | tail -1 | cut -f1)
app=$(du -sb "$out" | cut -f1)
total=$(( (repo + app) / 1048576 ))
[ "$total" -lt 64 ] || { echo "publish: repository + publish = ${total} MiB, over 64 MiB" >&2; exit 1; }
echo "publish: $out ($(( app / 1048576 )) MiB; with the repository ${total} MiB)" >&2

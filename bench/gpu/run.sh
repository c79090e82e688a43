#!/usr/bin/env bash
# The GPU check, on a host with a CUDA GPU and a PyTorch installation (no .NET needed; bench/README.md, "gpu"):
#   1. builds native/torch against that PyTorch's libtorch (-DGATOMESH_PYTORCH=ON) into native/build-gpu;
#   2. runs the engine's CUDA checks: the device KV pool on cuda:0 gives the host pool's actions (and, where
#      a .NET SDK is present, tests/GatoMesh.Model.Tests' DevicePoolTests on every device);
#   3. measures gato-79m in bf16 on the synthetic task: saturation steps/s, the MaxSequences = 1 baseline and
#      the goodput at 20 Hz with p99 < 50 ms (the engine alone), and the PyTorch peer (bench/peer) on the same
#      GPU against an embedded silo there, through the same fleet;
#   4. writes bench/results/gpu.json.
# Needs bench/gpu/publish (bench/gpu/publish.sh, made where .NET is) beside this checkout, cmake and g++.
#   bench/gpu/run.sh [extra GatoMesh.Bench gpu options, e.g. --agents 1,512,4096]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
python="${PYTHON:-python3}"
app="$root/bench/gpu/publish/GatoMesh.Bench"
log() { printf 'gpu: %s\n' "$*" >&2; }
[ -x "$app" ] || { log "no $app: run bench/gpu/publish.sh where .NET is, and bring bench/gpu/publish along"; exit 1; }
"$python" -c 'import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)' \
  || { log "$python's torch sees no CUDA device"; exit 1; }
torch_dir=$("$python" -c 'import os, torch; print(os.path.dirname(torch.__file__))')
log "PyTorch $("$python" -c 'import torch; print(torch.__version__, torch.version.cuda)') in $torch_dir; $(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)"

build="$root/native/build-gpu"
if [ ! -f "$build/lib/libgatomesh_torch.so" ]; then
  log "building native/torch against $torch_dir (a few minutes)"
  cmake -S "$root/native" -B "$build" -DCMAKE_BUILD_TYPE=Release -DGATOMESH_PYTORCH=ON \
    -DGATOMESH_PYTORCH_DIR="$torch_dir" -DGATOMESH_WITH_GLOO=OFF >"$build.log" 2>&1 \
    && cmake --build "$build" -j "$(nproc)" --target gatomesh_torch >>"$build.log" 2>&1 \
    || { log "the shim did not build; its log:"; tail -40 "$build.log" >&2; exit 1; }
fi
export GATOMESH_NATIVE_DIR="$build/lib"
export LD_LIBRARY_PATH="$torch_dir/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export GATOMESH_PEER_PYTHON="$(command -v "$python")"

if command -v dotnet >/dev/null; then
  log "DevicePoolTests on every device"
  dotnet test "$root/tests/GatoMesh.Model.Tests" -c Release --filter "FullyQualifiedName~DevicePool" --nologo
fi
peer=()
"$python" -c 'import websockets' 2>/dev/null || { log "$python has no websockets module: the peer is not measured"; peer=(--no-peer); }
log "measuring (about 10 minutes)"
"$app" gpu --out gpu "${peer[@]}" "$@"
log "wrote $root/bench/results/gpu.json"

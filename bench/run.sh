#!/usr/bin/env bash
# Runs one benchmark by name (or all), each against its baseline in the same run; results land in
# bench/results/<name>.json.   bench/run.sh torch | tokens | model | serving | engine | agreement | chaos | all
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/build/setup.sh" all
if [ ! -x "$root/bench/native/build/torch_baseline" ] || [ "$root/bench/native/torch_baseline.cpp" -nt "$root/bench/native/build/torch_baseline" ]; then
  cmake -S "$root/bench/native" -B "$root/bench/native/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$root/bench/native/build" -j "$(nproc)" >/dev/null
fi
bench="$root/bench/GatoMesh.Bench/bin/Release/net10.0/GatoMesh.Bench.dll"
names=("$@")
[ "${#names[@]}" -gt 0 ] && [ "${names[0]}" != all ] || names=(tokens torch model engine agreement serving)
for name in "${names[@]}"; do
  if [ "$name" = chaos ]; then
    # The chaos test's kill -9 of a silo under a running fleet, its recovery time recorded (never asserted).
    GATOMESH_RECORD_CHAOS=1 dotnet test "$root/tests/GatoMesh.Grains.Tests" -c Release --no-build --filter "FullyQualifiedName~ChaosTests"
  elif [ "$name" = training ]; then
    "$root/bench/training/distributed.sh"
    "$root/bench/training/precision.sh"
  elif [ "$name" = model ] || [ "$name" = serving ] || [ "$name" = engine ] || [ "$name" = agreement ]; then
    # Both sides (engine and PyTorch child) with single-threaded OpenBLAS: decode matrices are tiny,
    # and OpenBLAS's spinning helper threads take the core the engine's attention runs on.
    if [ "$name" = serving ]; then OPENBLAS_NUM_THREADS=1 dotnet "$bench" serving --peer; else OPENBLAS_NUM_THREADS=1 dotnet "$bench" "$name"; fi
  else
    dotnet "$bench" "$name"
  fi
done

#!/usr/bin/env bash
# Training throughput by precision (docs/TRAINING.md, "Precision"): the same gato-small run of the 30-minute
# recipe's shape (batch 8, 288-token sequences of one-timestep windows from all four control tasks) trained by
# `gatomesh train` in fp32 with 1 libtorch thread (the baseline: the fastest fp32 setting on this machine,
# MACHINE.md), in bf16 with 1 thread, and in bf16 with 2 threads; OpenBLAS single-threaded throughout.
# Same script, same data, back to back. Writes bench/results/training-precision.json.
#   bench/training/precision.sh            STEPS=60 by default
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
steps="${STEPS:-60}"
dll="$root/clients/GatoMesh.Cli/bin/Release/net10.0/gatomesh.dll"
[ -f "$dll" ] || dotnet build "$root/clients/GatoMesh.Cli/GatoMesh.Cli.csproj" -c Release >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet "$dll" data generate --tasks catch,gridworld,cartpole-swingup,reacher --episodes 40 --expert-noise 0.2 \
  --noise-labels expert --out "$work/data" >/dev/null 2>&1
common=(--data "$work/data" --preset gato-small --steps "$steps" --batch-size 8 --sequence-length 288 --lr 1e-3
        --warmup 10 --prompt-probability 0 --history 1 --dropout 0 --checkpoint-every 100000
        --task-weights catch=2.5,gridworld=4,cartpole-swingup=1,reacher=2.5 --json)
run() {  # name, threads, precision
  OPENBLAS_NUM_THREADS=1 dotnet "$dll" train "${common[@]}" --out "$work/$1" --threads "$2" --precision "$3" >"$work/$1.json" 2>"$work/$1.log"
}
run fp32-1thread 1 fp32
run bf16-1thread 1 bf16
run bf16-2threads 2 bf16
/usr/bin/python3 - "$work" "$root/bench/results/training-precision.json" "$steps" <<'PY'
import json, os, platform, sys
work, out, steps = sys.argv[1:]
names = ["fp32-1thread", "bf16-1thread", "bf16-2threads"]
runs = {n: json.load(open(os.path.join(work, n + ".json"))) for n in names}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
flags = next((l.split(":", 1)[1].split() for l in open("/proc/cpuinfo") if l.startswith("flags")), [])
tps = {n: runs[n]["tokens_per_s"] for n in names}
result = {
    "benchmark": "training-precision",
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "avx512_bf16": "avx512_bf16" in flags,
                "load_average_at_end": os.getloadavg()[0],
                "caveat": "a shared 2-core machine: with a load average far above 2 the ratios are indicative only; rerun when quiet"},
    "setup": {"preset": "gato-small", "steps": int(steps), "batch": 8, "sequence_length": 288, "history": 1,
              "task_weights": "catch=2.5,gridworld=4,cartpole-swingup=1,reacher=2.5", "openblas_threads": 1,
              "tokens_per_s": "B*L per step over the invocation's wall time (data building, forward, backward, update)"},
    "runs": {n: {"tokens_per_s": tps[n], "final_loss": runs[n]["final_loss"]} for n in names},
    "speedup_bf16_vs_fp32_1thread": tps["bf16-1thread"] / tps["fp32-1thread"],
    "speedup_bf16_2threads_vs_fp32_1thread": tps["bf16-2threads"] / tps["fp32-1thread"],
}
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(json.dumps({k: result[k] for k in ("speedup_bf16_vs_fp32_1thread", "speedup_bf16_2threads_vs_fp32_1thread")} | {"tokens_per_s": tps}))
PY

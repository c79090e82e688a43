#!/usr/bin/env bash
# Data-parallel training throughput and memory (docs/DISTRIBUTED.md, "Training"): the same global batch
# trained by `gatomesh train` with 1 worker, 2 workers (plain data parallelism) and 2 workers with ZeRO-1,
# each worker with 1 libtorch thread and 1 OpenBLAS thread (one core each: the fair setup on this 2-core
# machine), beside the single-process trainer letting OpenBLAS use both cores (the alternative use of the
# same 2 cores). Writes bench/results/training-distributed.json.
#   bench/training/distributed.sh            PRESET=gato-small STEPS=12 BATCH=8 LENGTH=256 by default
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
preset="${PRESET:-gato-small}" steps="${STEPS:-12}" batch="${BATCH:-8}" length="${LENGTH:-256}"
dll="$root/clients/GatoMesh.Cli/bin/Release/net10.0/gatomesh.dll"
[ -f "$dll" ] || dotnet build "$root/clients/GatoMesh.Cli/GatoMesh.Cli.csproj" -c Release >/dev/null
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
dotnet "$dll" data generate --tasks catch,gridworld --episodes 8 --random-episodes 2 --out "$work/data" >/dev/null 2>&1
common=(--data "$work/data" --preset "$preset" --steps "$steps" --batch-size "$batch" --sequence-length "$length"
        --checkpoint-every 100000 --threads 1 --json)
run() {  # name, OpenBLAS threads, extra options
  local name="$1" blas="$2"; shift 2
  OPENBLAS_NUM_THREADS="$blas" dotnet "$dll" train "${common[@]}" --out "$work/$name" "$@" >"$work/$name.json" 2>"$work/$name.log"
}
run single-2cores 2
run dp-1 1 --workers 1 --micro-batches 2
run dp-2 1 --workers 2 --micro-batches 2
run zero1-2 1 --workers 2 --micro-batches 2 --zero 1
/usr/bin/python3 - "$work" "$root/bench/results/training-distributed.json" "$preset" "$steps" "$batch" "$length" <<'PY'
import json, os, platform, sys
work, out, preset, steps, batch, length = sys.argv[1:]
runs = {n: json.load(open(os.path.join(work, n + ".json"))) for n in ["single-2cores", "dp-1", "dp-2", "zero1-2"]}
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
def workers(r):
    return [{k: w[k] for k in ("worker", "rank", "optimizer_state_bytes", "peak_rss_bytes")} for w in r.get("worker_stats", [])]
tps = {n: r["tokens_per_s"] for n, r in runs.items()}
result = {
    "benchmark": "training-distributed",
    "machine": {"cpu": cpu, "cores": os.cpu_count()},
    "setup": {"preset": preset, "steps": int(steps), "global_batch": int(batch), "sequence_length": int(length),
              "micro_batches": 2, "threads": "1 libtorch + 1 OpenBLAS thread per worker; single-2cores: 1 libtorch + 2 OpenBLAS threads",
              "tokens_per_s": "B*L per step, from the first step each run reports to its end (start-up excluded), final loss included"},
    "runs": {n: {"tokens_per_s": tps[n], "final_loss": r["final_loss"], "workers": workers(r)} for n, r in runs.items()},
    "scaling_efficiency_2_workers": tps["dp-2"] / (2 * tps["dp-1"]),
    "speedup_2_workers_vs_1_worker": tps["dp-2"] / tps["dp-1"],
    "speedup_2_workers_vs_single_process_2_cores": tps["dp-2"] / tps["single-2cores"],
    "zero1_vs_replicated": {
        "tokens_per_s_ratio": tps["zero1-2"] / tps["dp-2"],
        "optimizer_state_bytes_per_worker": {"replicated": [w["optimizer_state_bytes"] for w in workers(runs["dp-2"])],
                                             "zero1": [w["optimizer_state_bytes"] for w in workers(runs["zero1-2"])]},
        "peak_rss_bytes_per_worker": {"replicated": [w["peak_rss_bytes"] for w in workers(runs["dp-2"])],
                                      "zero1": [w["peak_rss_bytes"] for w in workers(runs["zero1-2"])]},
    },
    "same_math": {"final_loss_dp_1": runs["dp-1"]["final_loss"], "final_loss_dp_2": runs["dp-2"]["final_loss"],
                  "final_loss_zero1_2": runs["zero1-2"]["final_loss"]},
}
with open(out, "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
print(json.dumps({k: result[k] for k in ("scaling_efficiency_2_workers", "speedup_2_workers_vs_single_process_2_cores")}))
PY

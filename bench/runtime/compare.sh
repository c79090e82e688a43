#!/usr/bin/env bash
# GatoMesh.Runtime (the home-made runtime, last present at commit 13e2ea1) against Orleans (this tree), in one
# run on this machine (bench/README.md, "runtime comparison"). Builds the old tree in a temporary git worktree
# outside the repository, waits for a quiet machine (1-minute load <= 0.8, polling every 30 s, at most
# WAIT_MINUTES), then alternates old and new (ABBA order over the rounds):
#   (a) `gatomesh bench runtime --json`: 3 silo processes over redis-server;
#   (b) the serving benchmark (`bench/run.sh serving` with shorter lists): saturation steps/s and goodput at
#       20 Hz, per preset, on one embedded silo driven through its gateway.
# Writes bench/results/runtime-comparison.json (every round, the best of the rounds per side, ratios new/old,
# the machine, /proc/loadavg before each phase) and, from the new tree's runs, bench/results/runtime.json.
# Quiet on success; on failure the failing step's log goes to stderr. The worktree is removed in any case.
#   bench/runtime/compare.sh     ROUNDS=2 PRESETS=gato-tiny,gato-small AGENTS=1,10,100,1000 POINT_SECONDS=5
#                                GOODPUT_SECONDS=4 WAIT_MINUTES=20 OLD_COMMIT=13e2ea1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
old_commit="${OLD_COMMIT:-13e2ea1}"
rounds="${ROUNDS:-2}"
presets="${PRESETS:-gato-tiny,gato-small}"
agents="${AGENTS:-1,10,100,1000}"
point_seconds="${POINT_SECONDS:-5}"
goodput_seconds="${GOODPUT_SECONDS:-4}"
wait_minutes="${WAIT_MINUTES:-20}"

work="$(mktemp -d /tmp/gatomesh-runtime-compare-XXXXXX)"
old="$work/old"
mkdir -p "$work/logs" "$work/runs"
cleanup() {
  git -C "$root" worktree remove --force "$old" >/dev/null 2>&1 || true
  git -C "$root" worktree prune >/dev/null 2>&1 || true
  rm -f "$root/bench/results/runtime-comparison-serving.json"
  rm -rf "$work"
}
trap cleanup EXIT

step() { # name, command...: output into a log, shown only if the command fails
  local name="$1"; shift
  if ! "$@" >"$work/logs/$name.log" 2>&1; then
    printf 'compare: %s failed; its log ends:\n' "$name" >&2
    tail -n 40 "$work/logs/$name.log" >&2
    exit 1
  fi
}
load() { # phase: record /proc/loadavg before it
  printf '%s\t%s\n' "$1" "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/loads.tsv"
}

step old-worktree git -C "$root" worktree add --detach "$old" "$old_commit"
step old-build nice -n 10 "$old/build/setup.sh" all
step old-build-cli nice -n 10 "$old/build/setup.sh" cli
step new-build nice -n 10 "$root/build/setup.sh" all
step new-build-cli nice -n 10 "$root/build/setup.sh" cli

waited=0
deadline=$(( $(date +%s) + wait_minutes * 60 ))
while awk '{ exit !($1 > 0.8) }' /proc/loadavg && [ "$(date +%s)" -lt "$deadline" ]; do
  sleep 30
  waited=$(( waited + 30 ))
done
load start

runtime() { # tree side round
  load "runtime-$2-$3"
  # Each tree's own entry point (it exports OPENBLAS_NUM_THREADS=1); stdout is the JSON line.
  (cd "$1" && ./gatomesh bench runtime --json >"$work/runs/runtime-$2-$3.json" 2>"$work/logs/runtime-$2-$3.log") || {
    printf 'compare: bench runtime (%s, round %s) failed; its log ends:\n' "$2" "$3" >&2
    tail -n 40 "$work/logs/runtime-$2-$3.log" >&2
    exit 1
  }
}
serving() { # tree side round preset
  load "serving-$4-$2-$3"
  # bench/run.sh serving's invocation, one preset, shorter lists, no MaxSequences=1 baseline points (the
  # baseline here is the other runtime); the result JSON is also written to the tree's bench/results.
  step "serving-$4-$2-$3" env OPENBLAS_NUM_THREADS=1 dotnet "$1/bench/GatoMesh.Bench/bin/Release/net10.0/GatoMesh.Bench.dll" serving \
    --presets "$4" --agents "$agents" --baseline-agents "" --seconds "$point_seconds" --goodput-seconds "$goodput_seconds" \
    --out runtime-comparison-serving
  mv "$1/bench/results/runtime-comparison-serving.json" "$work/runs/serving-$4-$2-$3.json"
}
pair() { # kind round [preset]: old and new, the order flipped every other round
  if [ $(( $2 % 2 )) -eq 1 ]; then
    "$1" "$old" old "$2" "${3:-}"; "$1" "$root" new "$2" "${3:-}"
  else
    "$1" "$root" new "$2" "${3:-}"; "$1" "$old" old "$2" "${3:-}"
  fi
}

for round in $(seq 1 "$rounds"); do pair runtime "$round"; done
for preset in ${presets//,/ }; do
  for round in $(seq 1 "$rounds"); do pair serving "$round" "$preset"; done
done
load end

/usr/bin/python3 - "$work" "$root/bench/results" "$old_commit" "$(git -C "$root" rev-parse --short HEAD)" "$rounds" "$presets" \
  "$agents" "$point_seconds" "$goodput_seconds" "$waited" <<'PY'
import json, os, platform, sys
work, results, old_commit, new_commit, rounds, presets, agents, point_seconds, goodput_seconds, waited = sys.argv[1:]
rounds, presets = int(rounds), presets.split(",")
runs = lambda name: json.load(open(os.path.join(work, "runs", name)))
loads = [l.rstrip("\n").split("\t") for l in open(os.path.join(work, "loads.tsv"))]

def ratio(new, old):
    return round(new / old, 3) if new is not None and old else None

# Other sessions only ever slow a run down, so each side's figure is its best round; every round is kept.
best = {"local_calls_per_s": max, "remote_calls_per_s": max, "p99_call_ms": min, "recovery_s": min, "duplicate_activations": max}
runtime = {}
for side in ("old", "new"):
    rs = [runs(f"runtime-{side}-{r}.json") for r in range(1, rounds + 1)]
    runtime[side] = {"rounds": rs, "best": {k: f(r[k] for r in rs) for k, f in best.items()}}
runtime["ratio_new_over_old"] = {k: ratio(runtime["new"]["best"][k], runtime["old"]["best"][k]) for k in best if k != "duplicate_activations"}

def serving_round(path):
    p = runs(path)["presets"][0]
    g = p.get("goodput_20hz") or {}
    return {
        "saturation_steps_per_s": p["saturation_steps_per_s"],
        "saturation_agents": p["saturation_agents"],
        "goodput_20hz_agents": g.get("agents"),
        # CPU per step by thread role: where a runtime's cost shows even when the machine's load blurs steps/s.
        "closed_loop": [{k: row[k] for k in ("agents", "steps_per_s", "p50_ms", "p99_ms", "errors", "mean_batch_sequences")}
                        | {"cpu_ms_per_step": {role: round(1000 * s / row["steps"], 3) for role, s in row["cpu_seconds_by_thread"].items()}
                           if row["steps"] else {}}
                        for row in p["closed_loop"]],
        "goodput_probes": [{k: row[k] for k in ("agents", "steps_per_s", "p99_ms", "errors")} for row in g.get("probes", [])],
        "matmul_peak_gflops": p["matmul_peak_gflops"],
    }

serving = {}
for preset in presets:
    entry = {}
    for side in ("old", "new"):
        rs = [serving_round(f"serving-{preset}-{side}-{r}.json") for r in range(1, rounds + 1)]
        entry[side] = {"rounds": rs, "best": {"saturation_steps_per_s": max(r["saturation_steps_per_s"] for r in rs),
                                              "goodput_20hz_agents": max(r["goodput_20hz_agents"] or 0 for r in rs)}}
    entry["ratio_new_over_old"] = {k: ratio(entry["new"]["best"][k], entry["old"]["best"][k])
                                   for k in ("saturation_steps_per_s", "goodput_20hz_agents")}
    serving[preset] = entry

cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.processor())
result = {
    "benchmark": "runtime-comparison",
    "old": f"GatoMesh.Runtime at {old_commit}", "new": f"Orleans 10.4.2 at {new_commit} (working tree)",
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "os": platform.platform()},
    "load_average": {"rule": "waited (polling every 30 s) for a 1-minute load <= 0.8 before measuring; ran anyway when it did not fall",
                     "waited_s": int(waited), "before_phase": {phase: value for phase, value in loads}},
    "method": {
        "rounds": rounds, "order": "ABBA: old then new in odd rounds, new then old in even ones",
        "best": "per side, the best round (most calls or steps, least latency or recovery): load from other sessions only slows a run",
        "runtime": "gatomesh bench runtime --json of each tree: 3 silo processes over redis-server, 10,000 counter grains, 5 s phases",
        "serving": f"GatoMesh.Bench serving per preset: closed loop at {agents} agents, {point_seconds} s points; goodput at 20 Hz (p99 < 50 ms, no error), {goodput_seconds} s probes; OPENBLAS_NUM_THREADS=1",
    },
    "runtime": runtime,
    "serving": serving,
}
with open(os.path.join(results, "runtime-comparison.json"), "w") as f:
    json.dump(result, f, indent=2)
    f.write("\n")
PY

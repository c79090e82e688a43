#!/usr/bin/env bash
# The 30-minute goal, measured (docs/TRAINING.md): for each seed, wait for a quiet machine, train the recipe for a
# 28-minute budget (--minutes 28, so the run ends within 30 whatever this machine's speed), then
# `gatomesh eval --episodes 200 --seed 2000000`. Adds one row per seed to bench/results/learning.json: the command,
# the machine, the load before and after, the wall clock, every task's normalized score and the mean.
# PROMPT=1 adds the prompt-conditioning rows instead: the recipe with --prompt-probability 0.25 (seed 0), evaluated
# with and without a demonstration prompt.
#   bench/training/learning.sh [SEEDS...]     default seeds 0 1 2 3 4; WORK=/work/runs by default
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/recipe.sh"
work="${WORK:-/work/runs}"
seeds=("$@")
[ ${#seeds[@]} -gt 0 ] || seeds=(0 1 2 3 4)
mkdir -p "$work"
recipe_data "$work/data-3000"
run_one() {  # seed, name, prompt probability, [eval flags]
  local seed="$1" name="$2" prompt="$3"; shift 3
  local out="$work/learning-$name" before after start end
  rm -rf "$out"
  before="$(quiet_load)"
  start="$(date -u +%FT%TZ)"
  recipe_train "$work/data-3000" "$out" "$seed" --minutes 28 --prompt-probability "$prompt" >"$out.train.json" 2>"$out.train.log"
  end="$(date -u +%FT%TZ)"
  after="$(cut -d' ' -f1 /proc/loadavg)"
  for flags in "" "$@"; do
    "${gatomesh[@]}" eval --checkpoint "$out" --episodes 200 --seed 2000000 --data "$work/data-3000" $flags --json \
      >"$out.eval${flags// /}.json" 2>"$out.eval.log"
  done
  /usr/bin/python3 "$here/learning_row.py" "$root/bench/results/learning.json" "$name" "$seed" "$prompt" "$before" "$after" \
    "$start" "$end" "$out" "$@"
}
if [ "${PROMPT:-0}" = 1 ]; then
  run_one 0 prompt-seed0 0.25 --prompt
else
  for seed in "${seeds[@]}"; do run_one "$seed" "seed$seed" 0; done
fi

#!/usr/bin/env bash
# The documented gato-small recipe (docs/TRAINING.md, "The recipe"), one function per step, sourced by the
# learning and shipped-weights scripts so both run exactly the same commands.
#   recipe_data DIR                      3000 expert episodes a task (data seed 0), once
#   recipe_train DATA OUT SEED BUDGET... gato-small with the recipe; BUDGET is "--steps N" or "--minutes T"
#   quiet_load                           waits (up to 20 min, polling every 30 s) for a 1-minute load under 0.8; prints it
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export OPENBLAS_NUM_THREADS=1
gatomesh=("$root/gatomesh")
RECIPE_WEIGHTS="catch=2.5,pixel-goto=2,gridworld=4,cartpole-swingup=1,cartpole-balance=0.5,reacher=4,point-mass=0.5,caption=1.5,vision-language=0"

recipe_data() {
  [ -f "$1/manifest.json" ] || "${gatomesh[@]}" data generate --tasks all --episodes 3000 --expert-noise 0.2 \
    --noise-labels expert --out "$1" --json >/dev/null
}

recipe_train() {
  local data="$1" out="$2" seed="$3"; shift 3
  "${gatomesh[@]}" train --preset gato-small --data "$data" --out "$out" "$@" --batch-size 8 --sequence-length 288 \
    --lr 1e-3 --warmup 10 --history 1 --dropout 0 --checkpoint-every 500 --task-weights "$RECIPE_WEIGHTS" \
    --precision bf16 --threads 2 --seed "$seed" --json
}

quiet_load() {
  local load i
  for i in $(seq 40); do
    load="$(cut -d' ' -f1 /proc/loadavg)"
    if awk -v l="$load" 'BEGIN { exit !(l < 0.8) }'; then break; fi
    sleep 30
  done
  cut -d' ' -f1 /proc/loadavg
}

#!/usr/bin/env bash
# Makes models/gato-small, the weights `gatomesh demo` serves (docs/TRAINING.md, "Shipped weights"): the recipe with
# seed 0 and a fixed step count (reproducible on any machine, unlike a time budget), exported in bfloat16.
#   bench/training/shipped-weights.sh          WORK=/work/runs by default; about 30 minutes on a quiet 2-core machine
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/recipe.sh"
work="${WORK:-/work/runs}"
mkdir -p "$work"
recipe_data "$work/data-3000"
rm -rf "$work/shipped"
recipe_train "$work/data-3000" "$work/shipped" 0 --steps 5600 --prompt-probability 0 >"$work/shipped.train.json"
"${gatomesh[@]}" model export --checkpoint "$work/shipped" --out "$root/models/gato-small" --max-file-mb 4.5

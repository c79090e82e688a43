#!/usr/bin/env bash
# Runs every GatoMesh test (the README's second command). Installs and builds what is missing first.
# Prints one closing line: "Tests: N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/build/setup.sh" all
results="$root/TestResults"
rm -rf "$results"
status=0
dotnet test "$root/GatoMesh.sln" -c Release --no-build --nologo \
  --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" "$@" || status=$?
passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  get() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*' || echo 0; }
  passed=$((passed + $(get passed))); failed=$((failed + $(get failed)))
  skipped=$((skipped + $(get notExecuted)))
done
echo "Tests: $passed passed, $failed failed, $skipped skipped"
[ "$passed" -gt 0 ] || { echo "no test ran" >&2; exit 1; }
exit "$status"

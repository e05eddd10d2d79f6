#!/usr/bin/env bash
# Runs every benchmark script; each writes its figures to bench/results/<name>.txt.
# BENCH_ONLY=codec,sync runs a subset.
set -uo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
mkdir -p bench/results bin
go build -o bin/earshot . && go build -o bin/earshot-server ./cmd/earshot-server || exit 1
status=0
for s in scripts/bench/*.sh; do
  name=$(basename "$s" .sh)
  if [ -n "${BENCH_ONLY:-}" ] && [[ ",$BENCH_ONLY," != *",$name,"* ]]; then continue; fi
  printf '\n== bench: %s\n' "$name"
  if ! bash "$s"; then echo "bench $name FAILED" >&2; status=1; fi
  [ -f "bench/results/$name.txt" ] && cat "bench/results/$name.txt"
done
exit $status

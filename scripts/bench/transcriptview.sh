#!/usr/bin/env bash
# Transcript view benchmark: opening a two-hour transcript in the window
# (1,500 segments, ~20,000 words; build, lay out, paint the first frame of
# a 900×700 test window) and following the playhead through 100 segments,
# the lazy pane (ui/transcriptpane.go) next to the view it replaced (every
# segment built as widgets, kept in ui/transcriptbench_linux_test.go), in
# the same run. CPU time per op is the figure (the wall time beside it
# stretches on a loaded machine); allocations are exact.
# Writes bench/results/transcriptview.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/results/transcriptview.txt
mkdir -p bench/results
export LANG=en_US.UTF-8
unset LC_ALL
export GOCACHE="$(go env GOCACHE)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export XDG_CONFIG_HOME=$work/config XDG_CACHE_HOME=$work/cache
go test -count=1 -run '^$' -bench "${BENCH:-TranscriptOpen|TranscriptFollow}" -benchtime "${BENCHTIME:-2x}" \
  -timeout 90m ./ui/ >"$work/raw.txt"
{
  echo "# transcript view: $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "# go test -bench '${BENCH:-TranscriptOpen|TranscriptFollow}' -benchtime ${BENCHTIME:-2x} ./ui/ (scripts/bench/transcriptview.sh)"
  grep '^Benchmark' "$work/raw.txt"
  echo "# every-widget / lazy (CPU time, allocations):"
  grep '^Benchmark' "$work/raw.txt" | awk '
    { name = $1; sub(/-[0-9]+$/, "", name); n = split(name, p, "/")
      kind = p[2]; key = p[1] (n > 2 ? "/" p[3] : "")
      for (i = 3; i <= NF; i++) { if ($(i+1) == "cpu-ms/op") cpu[kind, key] = $i; if ($(i+1) == "allocs/op") al[kind, key] = $i }
      keys[key] = 1 }
    END { for (k in keys) if (("lazy", k) in cpu && ("every-widget", k) in cpu)
      printf "%s: CPU %.1f ms vs %.1f ms (%.1fx), allocations %d vs %d (%.1fx)\n", k, cpu["every-widget", k], cpu["lazy", k],
        cpu["every-widget", k] / cpu["lazy", k], al["every-widget", k], al["lazy", k], al["every-widget", k] / al["lazy", k] }' | sort
} >"$out"
cat "$out"

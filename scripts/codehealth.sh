#!/usr/bin/env bash
# Code-health figures of the tree (issue 8): the 20 longest functions,
# gocyclo and gocognit top 25, and the duplicates tool's pairs.
#   bash scripts/codehealth.sh > bench/results/code-health-after.txt
set -euo pipefail
cd "$(dirname "$0")/.."
echo "# Code health (measured at $(git rev-parse --short HEAD), $(date -u +%FT%TZ))"
echo; echo "## 20 longest functions (lines, file:line name) — go run ./bench/cmd/funclen"
go run ./bench/cmd/funclen -top 20 .
echo; echo "## gocyclo top 25 (go run github.com/fzipp/gocyclo/cmd/gocyclo@v0.6.0 -top 25 .)"
go run github.com/fzipp/gocyclo/cmd/gocyclo@v0.6.0 -top 25 .
echo; echo "## gocognit top 25 (go run github.com/uudashr/gocognit/cmd/gocognit@v1.3.0 -top 25 .)"
go run github.com/uudashr/gocognit/cmd/gocognit@v1.3.0 -top 25 .
if command -v duplicates >/dev/null; then
  echo; echo "## duplicates (duplicates --most 40 --seconds 120)"
  duplicates --most 40 --seconds 120
fi

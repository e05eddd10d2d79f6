#!/usr/bin/env bash
# govulncheck without the network: the Go vulnerability database is built
# locally from the golang.org/x/vulndb module (served by the module proxy).
# Fails on a reachable vulnerability in a third-party module (fix: go get the
# fixed version); reachable standard-library findings are printed as warnings,
# since they are fixed by updating Go itself, not by this repository.
set -euo pipefail
cd "$(dirname "$0")/.."
VULNDB_VERSION=v0.0.0-20261105234957-e22db6528018
GOVULNCHECK_VERSION=v1.9.0
cache="${XDG_CACHE_HOME:-$HOME/.cache}/earshot-vulndb/$VULNDB_VERSION"
if [ ! -f "$cache/index/db.json" ]; then
  src=$(go mod download -json "golang.org/x/vulndb@$VULNDB_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  rm -rf "$cache.tmp" && mkdir -p "$(dirname "$cache")"
  go run "golang.org/x/vulndb/cmd/indexdb@$VULNDB_VERSION" -vulns "$src/data/osv" -out "$cache.tmp"
  mv "$cache.tmp" "$cache"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
go run "golang.org/x/vuln/cmd/govulncheck@$GOVULNCHECK_VERSION" -db "file://$cache" -format json ./... >"$out"
python3 - "$out" <<'PY'
import json, sys
dec, text, pos, objs = json.JSONDecoder(), open(sys.argv[1]).read(), 0, []
while pos < len(text):
    while pos < len(text) and text[pos].isspace(): pos += 1
    if pos >= len(text): break
    o, pos = dec.raw_decode(text, pos); objs.append(o)
called = {}
for o in objs:
    f = o.get("finding")
    if f and f.get("trace") and f["trace"][0].get("function"):
        fr = f["trace"][0]
        called.setdefault(f["osv"], (fr.get("module"), fr.get("version"), f.get("fixed_version", "")))
bad = 0
for osv, (mod, ver, fixed) in sorted(called.items()):
    kind = "warning" if mod == "stdlib" else "FAIL"
    bad += kind == "FAIL"
    print(f"govulncheck {kind}: {osv} reachable in {mod}@{ver} (fixed in {fixed or 'no release yet'})")
print(f"govulncheck: {len(called)} reachable ({bad} in third-party modules)")
sys.exit(1 if bad else 0)
PY

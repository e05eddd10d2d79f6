#!/usr/bin/env bash
# The whole test run: gofmt, vet, lint, build, then every package's tests with the
# real services they need started here (virtual microphone, keyring, S3
# gateway, dynalite, Xvfb). The race detector runs on the packages with
# goroutines. Fails on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
unset LC_ALL
source scripts/testenv.sh
testenv_init

step() { printf '\n== %s\n' "$*"; }

step "gofmt"
unformatted=$(find . -name '*.go' -not -path './bin/*' -not -path './.git/*' -exec gofmt -l {} +)
[ -z "$unformatted" ] || { echo "not gofmt-formatted (run gofmt -w on them):" $unformatted >&2; exit 1; }

step "go vet"
go vet ./...

step "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

step "govulncheck (offline database from golang.org/x/vulndb)"
bash scripts/vulncheck.sh

step "build"
mkdir -p bin
go build -o bin/earshot .
go build -o bin/earshot-server ./cmd/earshot-server
export EARSHOT_BIN="$PWD/bin/earshot" EARSHOT_SERVER_BIN="$PWD/bin/earshot-server"

step "services"
start_pulse
start_keyring
start_s3
start_dynamodb
start_xvfb
# Fyne writes preferences and caches under XDG dirs: keep them out of $HOME.
export GOCACHE="$(go env GOCACHE)"
export XDG_CONFIG_HOME="$TESTENV_ROOT/config" XDG_CACHE_HOME="$TESTENV_ROOT/cache"

# The packages whose own goroutines run in the test process (the
# transcription worker, the engine, the server, the window's background
# jobs). cli's tests drive the built binaries, so a race detector there
# would watch nothing. ui's tests read the window's state only on their
# Fyne goroutine (onMainValue and friends in ui/helpers_test.go).
race_pkgs=$(go list ./audio/... ./library/... ./sync/... ./server/... ./transcribe/... ./ui/... 2>/dev/null || true)
other_pkgs=$(go list ./... | grep -v -F -x -f <(printf '%s\n' $race_pkgs) || true)

step "tests with the race detector: $(echo $race_pkgs | wc -w) packages"
# shellcheck disable=SC2086
[ -n "$race_pkgs" ] && go test -race -count=1 -timeout 20m $race_pkgs

if ls scripts/e2e/*.sh >/dev/null 2>&1; then
  for s in scripts/e2e/*.sh; do
    step "end to end: $s"
    bash "$s"
  done
fi

# Go tests last, so that the run ends with go test's own summary lines.
step "other tests"
# shellcheck disable=SC2086
go test -count=1 -timeout 12m $other_pkgs

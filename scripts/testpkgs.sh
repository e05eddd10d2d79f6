#!/usr/bin/env bash
# Runs `go test ARGS...` with the real services the tests need (virtual
# microphone, keyring, S3 gateway, dynalite, Xvfb), the same way make test
# does, for working on a few packages:
#
#   bash scripts/testpkgs.sh -race -count=1 ./server/...
#   TESTENV_SERVICES="pulse xvfb" bash scripts/testpkgs.sh ./ui/
set -euo pipefail
cd "$(dirname "$0")/.."
export LANG=en_US.UTF-8
unset LC_ALL
source scripts/testenv.sh
testenv_init
mkdir -p bin
go build -o bin/earshot .
go build -o bin/earshot-server ./cmd/earshot-server
export EARSHOT_BIN="$PWD/bin/earshot" EARSHOT_SERVER_BIN="$PWD/bin/earshot-server"
for s in ${TESTENV_SERVICES:-pulse keyring s3 dynamodb xvfb}; do "start_$s"; done
export GOCACHE="$(go env GOCACHE)"
export XDG_CONFIG_HOME="$TESTENV_ROOT/config" XDG_CACHE_HOME="$TESTENV_ROOT/cache"
go test "$@"

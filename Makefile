# Earshot: `make run` runs the desktop program, `make test` passes the tests,
# `make bench` writes benchmark figures to bench/results/. Each target installs
# the Debian packages it needs first (scripts/deps.sh, only what is missing).

GO ?= go
BIN := bin

# go.mod's toolchain line asks for go1.27.3: go1.26.8's standard library has
# reachable vulnerabilities (net/http, crypto/x509) fixed in later releases.
# With "auto" an older local Go fetches that toolchain from the module proxy
# once; a newer local Go is used as it is.
export GOTOOLCHAIN ?= auto

.PHONY: run test bench build deps-build deps-run deps-test lint server clean man

run: deps-run build
	bash scripts/run.sh $(ARGS)

build: deps-build
	$(GO) build -o $(BIN)/earshot .
	$(GO) build -o $(BIN)/earshot-server ./cmd/earshot-server

server: build
	$(BIN)/earshot-server

test: deps-test
	bash scripts/test.sh

bench: deps-test
	bash scripts/bench.sh

# The man pages in docs/man are made from the command tree (cli.ManPages);
# cli's TestManPages fails until they are made again after a command changes.
man:
	$(GO) run ./internal/mangen docs/man

lint:
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

deps-build:
	@bash scripts/deps.sh build
deps-run:
	@bash scripts/deps.sh run
deps-test:
	@bash scripts/deps.sh test

clean:
	rm -rf $(BIN) bench/results/*.tmp

# liudong: `make run` starts the bot on the simulator, `make test` runs every test.
# Both start PostgreSQL and Redis on loopback (scripts/services.sh), installing them if missing.
SHELL := /bin/bash
export PATH := $(PATH):/usr/local/go/bin
DATA ?= .data
BIN := bin/liudong
SERVICES := scripts/services.sh
GOFLAGS_TEST ?= -race -count=1
FUZZTIME ?= 5s

.PHONY: run test build services stop fuzz bench vet fmt clean

build:
	go build -o $(BIN) ./cmd/liudong

services:
	$(SERVICES) start

stop:
	$(SERVICES) stop

configs/liudong.yaml:
	cp configs/liudong.example.yaml $@

# Starts the simulator at http://127.0.0.1:8080 with the demo roster loaded.
run: build services configs/liudong.yaml
	@eval "$$($(SERVICES) env)"; export LIUDONG_SECRET_KEY=$${LIUDONG_SECRET_KEY:-$$($(SERVICES) secret)}; \
	$(BIN) migrate && $(BIN) import configs/demo-roster.csv && exec $(BIN) serve

test: services
	@eval "$$($(SERVICES) env)"; go test $(GOFLAGS_TEST) ./...

# Runs every fuzz test briefly (CI does this after make test).
fuzz: services
	@eval "$$($(SERVICES) env)"; scripts/fuzz.sh $(FUZZTIME)

bench: services
	@eval "$$($(SERVICES) env)"; go test -run '^$$' -bench . -benchmem ./...

vet:
	gofmt -l . | tee /dev/stderr | (! read)
	go vet ./...

clean:
	rm -rf bin

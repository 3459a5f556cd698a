# Hotline — common tasks. The README's two commands need none of this; it is for builds and
# the benchmark (figures in BENCHMARKS.md).

GO        ?= go
BIN       ?= bin/hotline
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -s -w -X github.com/hotline-dev/hotline/internal/cli.Version=$(VERSION)

# Benchmark settings: override on the command line, e.g. make bench TICKETS=200000.
TICKETS   ?= 1000000
CLIENTS   ?= 32
DURATION  ?= 20s
ROUNDS    ?= 30
RATIO_ROUNDS ?= 5
BENCH_DIR ?= /tmp/hotline-bench
PG_ADMIN  ?= postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable
PG_BENCH  ?= postgres://postgres@127.0.0.1:5432/hotline_bench?sslmode=disable

.PHONY: all build test run demo bench bench-sqlite bench-postgres bench-one clean

all: build

build:
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/hotline

test:
	$(GO) test ./...

run:
	$(GO) run ./cmd/hotline serve --demo

# bench runs everything BENCHMARKS.md reports, on SQLite then PostgreSQL: the database's raw
# insert rate (before the seed and after each creation run: these machines' disk and CPU
# vary from minute to minute), seeding TICKETS tickets with their search words, ticket
# creation over HTTP by CLIENTS clients before any search and then RATIO_ROUNDS times once a
# search has loaded the segmenter (the median ratio to the raw rate is the figure), list
# latency at TICKETS tickets, and the server's idle memory. 8–20 minutes at 1 M tickets on
# the 2-core reference machines (TICKETS=200000: about 4).
bench: build
	@$(MAKE) --no-print-directory bench-sqlite
	@$(MAKE) --no-print-directory bench-postgres

bench-sqlite:
	@rm -rf $(BENCH_DIR)/sqlite && mkdir -p $(BENCH_DIR)/sqlite
	@$(MAKE) --no-print-directory bench-one DB=$(BENCH_DIR)/sqlite/hotline.db RAWDB=$(BENCH_DIR)/sqlite/raw.db PORT=18090 SIPPORT=15090 DATA=$(BENCH_DIR)/sqlite

# The benchmark database is dropped and made afresh: the figures are for exactly TICKETS tickets.
bench-postgres:
	@psql "$(PG_ADMIN)" -qc 'DROP DATABASE IF EXISTS hotline_bench WITH (FORCE)' -c 'CREATE DATABASE hotline_bench'
	@$(MAKE) --no-print-directory bench-one DB='$(PG_BENCH)' RAWDB='$(PG_BENCH)' PORT=18091 SIPPORT=15091 DATA=$(BENCH_DIR)/postgres

bench-one:
	@set -e; \
	echo "== $(DB)"; \
	$(BIN) migrate --db '$(DB)' >/dev/null; \
	$(BIN) bench rawinsert --db '$(RAWDB)' --clients $(CLIENTS) --duration 10s; \
	$(BIN) bench seed --db '$(DB)' --tickets $(TICKETS) --index; \
	mkdir -p $(DATA); \
	$(BIN) serve --db '$(DB)' --data $(DATA) --http 127.0.0.1:$(PORT) --sip 127.0.0.1:$(SIPPORT) --log-level warn & pid=$$!; \
	trap "kill $$pid 2>/dev/null" EXIT; \
	for i in $$(seq 1 100); do curl -fs http://127.0.0.1:$(PORT)/healthz >/dev/null && break; sleep 0.2; done; \
	sleep 2; echo "idle RSS of hotline serve: $$(awk '/VmRSS/ {printf "%.1f MB", $$2/1024}' /proc/$$pid/status)"; \
	token=$$($(BIN) apikey create --db '$(DB)' --name bench --role agent 2>/dev/null); \
	$(BIN) bench http --url http://127.0.0.1:$(PORT) --token $$token --clients $(CLIENTS) --duration $(DURATION) --against '$(RAWDB)'; \
	echo "one search (loads the segmenter; from now on registrations segment their text, or leave it to the indexer while busy):"; \
	curl -fsS -o /dev/null -w "  GET /api/v1/search: %{http_code} in %{time_total}s\n" -H "Authorization: Bearer $$token" 'http://127.0.0.1:$(PORT)/api/v1/search?q=%E5%99%AA%E9%9F%B3'; \
	echo "the indexer catching up with the tickets of the first run:"; \
	$(BIN) search pending --db '$(DB)' --wait 600s; \
	echo "search in use: $(RATIO_ROUNDS) creation runs, each followed by the raw insert rate once the indexer has caught up:"; \
	$(BIN) bench http --url http://127.0.0.1:$(PORT) --token $$token --clients $(CLIENTS) --duration 10s --against '$(RAWDB)' --rounds $(RATIO_ROUNDS); \
	$(BIN) bench http --url http://127.0.0.1:$(PORT) --token $$token --clients $(CLIENTS) --duration 10s --get /api/v1/auth/me; \
	$(BIN) bench list --url http://127.0.0.1:$(PORT) --token $$token --db '$(DB)' --rounds $(ROUNDS); \
	echo "RSS of hotline serve after the load: $$(awk '/VmRSS/ {printf "%.1f MB", $$2/1024}' /proc/$$pid/status)"

clean:
	rm -rf bin $(BENCH_DIR)

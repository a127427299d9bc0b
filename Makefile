# netlab: make run starts the TUI, make test runs everything CI runs.
GO      ?= go
BIN     := bin/netlab
PKGS    := ./...
# Packages whose tests run goroutines against the kernel or the UI.
RACE    := ./engine/... ./capture/... ./tui/...
SUDO    := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: all build run test deps vet fuzz chaos bench clean

all: build

build:
	$(GO) build -buildvcs=auto -o $(BIN) .

run: build
	$(SUDO) ./$(BIN)

# Tools the tests compare against or drive. Installed with apt-get when
# root and missing, so a fresh machine passes.
deps:
	@missing=""; \
	for t in ip:iproute2 iptables:iptables iptables-save:iptables tcpdump:tcpdump tmux:tmux ping:iputils-ping brctl:bridge-utils ifconfig:net-tools nsenter:util-linux setpriv:util-linux curl:curl wget:wget conntrack:conntrack; do \
		cmd=$${t%%:*}; pkg=$${t##*:}; \
		command -v $$cmd >/dev/null 2>&1 || missing="$$missing $$pkg"; \
	done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "installing:$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
		else \
			echo "missing tools:$$missing (install them, or run as root to have them installed)"; exit 1; \
		fi; \
	fi

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { gofmt -l .; echo "gofmt needed"; exit 1; }
	$(GO) vet $(PKGS)

# Each fuzz target runs a fixed number of inputs (a count rather than a
# duration: Go 1.26's fuzz coordinator can fail a timed run with a bare
# "context deadline exceeded" and no reproducer, which is retried once; a
# real finding writes a reproducer under testdata/fuzz and fails at once).
FUZZN ?= 60000x
# A new input that widens coverage is minimised first, for up to a minute
# by default, with the other workers waiting: most of a run's time. A few
# seconds keep the reproducer small enough.
FUZZMIN ?= 3s
fuzz:
	@for f in $$(grep -ho 'func Fuzz[A-Za-z0-9_]*' -r --include=*_test.go engine labs capture | sed 's/func //'); do \
		pkg=$$(grep -l "func $$f" -r --include=*_test.go engine labs capture | head -1 | xargs dirname); \
		echo "fuzz $$f in $$pkg"; \
		if ! $(GO) test ./$$pkg -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZN) -fuzzminimizetime $(FUZZMIN) > /tmp/netlab-fuzz.log 2>&1; then \
			if ls $$pkg/testdata/fuzz/$$f/* >/dev/null 2>&1 && grep -q "Failing input written" /tmp/netlab-fuzz.log; then \
				cat /tmp/netlab-fuzz.log; exit 1; \
			fi; \
			echo "  retrying $$f once (no reproducer was written)"; \
			$(GO) test ./$$pkg -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZN) -fuzzminimizetime $(FUZZMIN) || exit 1; \
		else tail -2 /tmp/netlab-fuzz.log; fi; \
	done

# The mutation and undo-then-redo tests take minutes: make chaos runs
# them, so the package run skips them rather than run them twice.
CHAOS_ONLY := TestEveryExpectationCanFail|TestUndoThenRedoEveryStep

test: deps vet
	$(GO) test -count=1 -p 1 -skip '$(CHAOS_ONLY)' $(PKGS)
	$(GO) test -count=1 -p 1 -race $(RACE)
	$(MAKE) --no-print-directory fuzz
	$(MAKE) --no-print-directory chaos

# The fault series of issue 14, with counts (a few minutes in all): SIGKILLs
# at random moments of start/step/undo/reset with recovery checked and
# leftovers counted, concurrent netlab processes, hostile lab files and
# crafted session files (main_chaos_test.go); then every built-in lab undone
# and redone at each step, and every expectation mutated (labs/runner).
# Each test logs a "chaos: ..." figures line. CHAOS_SEED=N replays the
# random delays of an earlier run (its seed is logged).
CHAOS_KILLS   ?= 40
CHAOS_WORKERS ?= 4
CHAOS_ROUNDS  ?= 16
CHAOS_SEED    ?=
chaos: deps
	@rc=0; \
	NETLAB_CHAOS=1 CHAOS_KILLS=$(CHAOS_KILLS) CHAOS_WORKERS=$(CHAOS_WORKERS) CHAOS_ROUNDS=$(CHAOS_ROUNDS) CHAOS_SEED=$(CHAOS_SEED) \
		$(GO) test -count=1 -p 1 -timeout 6m -v -run '^TestChaos' . || rc=1; \
	NETLAB_CHAOS=1 $(GO) test -count=1 -p 1 -timeout 12m -v -run '$(CHAOS_ONLY)' ./labs/runner/ || rc=1; \
	exit $$rc

# Each benchmark compares against its reference in the same run; the
# figures are in the README.
bench: deps build
	$(GO) test -run '^$$' -bench SeedEngineVsShell -benchtime 15x -count 3 ./engine/
	$(GO) test -run '^$$' -bench TestVsScript -benchtime 15x -count 3 ./labs/runner/
	$(GO) test -run '^$$' -bench CaptureVsTcpdump -benchtime 1x -count 3 ./capture/
	$(GO) test -run '^$$' -bench CurlThroughDNAT -benchtime 200x -count 3 -benchmem ./engine/
	$(GO) test -run '^$$' -bench 'KeyDuringFlood|PacketBatch|FirstFrame' ./tui/

clean:
	rm -rf bin

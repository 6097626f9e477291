# remoteyaml build, test and benchmark entry points. See README.md.
GO      ?= go
PREFIX  ?= $(HOME)/.local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
BIN     := bin
PKG     := github.com/remoteyaml/remoteyaml
# Recipes run in bash with pipefail, so `go test -json | testreport` fails
# when go test does.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
# Static binaries: one file that runs on any cluster node, and a faster start.
export CGO_ENABLED := 0
LDFLAGS := -s -w
# The version both binaries print, one string wherever they are built from:
# a release's (make dist VERSION=1.2.3); in the vendored source tarball, the
# VERSION file make dist put there; in a git checkout, what `git describe
# --tags --always --dirty` says (a leading v dropped, as releases name
# themselves). `go install …@version` sets none: the binaries then print the
# module version from their build info.
VERSION ?= $(shell cat VERSION 2>/dev/null || git describe --tags --always --dirty 2>/dev/null | sed 's/^v//')
ifneq ($(VERSION),)
LDFLAGS += -X main.version=$(VERSION)
endif
CMDS    := docker-credential-remoteyaml remote-login

.PHONY: all build share install dist dist-check deps demo test unit keyring integration lint bench fuzz clean
all: build

build: $(addprefix $(BIN)/,$(CMDS))

$(BIN)/%: FORCE
	$(GO) build -buildvcs=auto -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/$*

FORCE:

# Man pages and bash, zsh and fish completions, written by remote-login
# from its own help, in $(BIN)/share laid out as PREFIX/share.
share: $(BIN)/remote-login
	bash packaging/share.sh $(BIN)/remote-login $(BIN)/share

install: build share
	mkdir -p $(BINDIR)
	install -m 0755 $(addprefix $(BIN)/,$(CMDS)) $(BINDIR)/
	cd $(BIN)/share && find . -type f -exec install -D -m 0644 {} $(DATADIR)/{} \;
	@case ":$$PATH:" in *":$(BINDIR):"*|*":$(BINDIR)/:"*) ;; *) echo "warning: $(BINDIR) is not on PATH, so docker, podman and Apptainer cannot run docker-credential-remoteyaml (and remote-login setup refuses): add  export PATH=\"$(BINDIR):\$$PATH\"  to your shell profile" >&2;; esac

# A release into dist/: tarballs, .deb/.rpm, vendored source, SBOM, notices,
# SHA256SUMS (packaging/dist.sh). dist-check tests what it built.
dist:
	@case "$(origin VERSION)" in "command line"|environment) ;; *) echo "make dist needs VERSION=x.y.z"; exit 2;; esac
	bash packaging/dist.sh $(VERSION)

# make test builds the dist once, at a version of its own.
DIST_CHECK_VERSION ?= 0.0.1
dist-check:
	$(MAKE) dist VERSION=$(DIST_CHECK_VERSION)
	bash packaging/check-dist.sh $(DIST_CHECK_VERSION)

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# Debian packages and pinned Go tools the integration tests and the demo use.
deps:
	bash integration/install-deps.sh

# One login, every container tool: a throwaway registry, clients pointed at
# the helper, remote.yaml's Authenticated Logins.
demo: deps install
	PATH="$(BINDIR):$$PATH" bash integration/demo.sh

# Every go test step reads through integration/testreport: it fails the step
# on a skip integration/allowed-skips.txt does not allow, and keeps the JSON
# in $(TESTLOGS) for make test's summary.
TESTLOGS ?= $(BIN)/test-logs
TESTREPORT = $(BIN)/testreport -allow integration/allowed-skips.txt
$(BIN)/testreport: FORCE
	$(GO) build -o $@ ./integration/testreport

unit: $(BIN)/testreport
	$(GO) test -json -count=1 $$($(GO) list ./... | grep -v /integration) | $(TESTREPORT) -step unit -log $(TESTLOGS)/unit.json

# The helper's conformance suite and the credstore keyring tests again, in
# keyring mode, against a real Secret Service (gnome-keyring in a private
# D-Bus session).
keyring: $(BIN)/testreport
	bash integration/with-keyring.sh env REMOTEYAML_TEST_SECRETS=keyring $(GO) test -json -count=1 ./cmd/docker-credential-remoteyaml/ ./credstore/ ./cmd/remote-login/ | $(TESTREPORT) -step keyring -log $(TESTLOGS)/keyring.json

# Both binaries prebuilt: the suite's throwaway HOME has no Go module cache,
# so building remote-login inside it would download every module again.
integration: build $(BIN)/testreport
	REMOTEYAML_TEST_HELPER=$(CURDIR)/$(BIN)/docker-credential-remoteyaml REMOTEYAML_TEST_REMOTE_LOGIN=$(CURDIR)/$(BIN)/remote-login $(GO) test -json -count=1 ./integration/... | $(TESTREPORT) -v -step integration -log $(TESTLOGS)/integration.json

# lint unit keyring integration dist-check, between two listings of /usr and
# /etc that must be the same, then the skip summary of every step.
test: $(BIN)/testreport
	MAKE='$(MAKE)' TESTLOGS='$(TESTLOGS)' bash integration/run-tests.sh

# Go benchmarks of yamlstore and credstore (list), then the whole-process
# benchmark against the floor (bench/run.sh; the keyring comparison is
# bench/keyring.sh).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./yamlstore/... ./credstore/
	bash bench/run.sh

# Every fuzz target in the module (found by integration/fuzz.sh, each
# `func FuzzX` of each package), each for FUZZTIME (default 5m), one
# worker (-parallel 1): the machine stays usable.
FUZZTIME ?= 5m
fuzz:
	GO='$(GO)' bash integration/fuzz.sh $(FUZZTIME)

clean:
	rm -rf $(BIN) dist

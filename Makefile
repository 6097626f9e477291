# remoteyaml build, test and benchmark entry points. See README.md.
GO      ?= go
PREFIX  ?= $(HOME)/.local
BINDIR  ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
BIN     := bin
PKG     := github.com/remoteyaml/remoteyaml
# Static binaries: one file that runs on any cluster node, and a faster start.
export CGO_ENABLED := 0
LDFLAGS := -s -w
# A release's version (make dist VERSION=1.2.3), printed by both `version`s;
# without it they print the module or VCS version.
VERSION ?=
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
	@test -n "$(VERSION)" || { echo "make dist needs VERSION=x.y.z"; exit 2; }
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

unit:
	$(GO) test -count=1 $$($(GO) list ./... | grep -v /integration)

# The helper's conformance suite and the credstore keyring tests again, in
# keyring mode, against a real Secret Service (gnome-keyring in a private
# D-Bus session).
keyring:
	bash integration/with-keyring.sh env REMOTEYAML_TEST_SECRETS=keyring $(GO) test -count=1 ./cmd/docker-credential-remoteyaml/ ./credstore/ ./cmd/remote-login/

# Both binaries prebuilt: the suite's throwaway HOME has no Go module cache,
# so building remote-login inside it would download every module again.
integration: build
	REMOTEYAML_TEST_HELPER=$(CURDIR)/$(BIN)/docker-credential-remoteyaml REMOTEYAML_TEST_REMOTE_LOGIN=$(CURDIR)/$(BIN)/remote-login $(GO) test -count=1 -v ./integration/...

test: lint unit keyring integration dist-check

# Go benchmarks of yamlstore, then the whole-process benchmark against the
# floor (bench/run.sh; the keyring comparison is bench/keyring.sh).
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./yamlstore/...
	bash bench/run.sh

# Every fuzz target in the repo (go test -list finds them), each for
# FUZZTIME (default 5m), one worker: the machine stays usable.
FUZZTIME ?= 5m
fuzz:
	for pkg in $$($(GO) list ./... | grep -v /integration); do \
		for f in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			$(GO) test -run '^$$' -fuzz "^$$f\$$" -fuzztime $(FUZZTIME) -parallel 1 $$pkg || exit 1; done; done

clean:
	rm -rf $(BIN) dist

# remoteyaml build, test and benchmark entry points. See README.md.
GO      ?= go
PREFIX  ?= $(HOME)/.local
BINDIR  ?= $(PREFIX)/bin
BIN     := bin
PKG     := github.com/remoteyaml/remoteyaml
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo devel)
# Static binaries: one file that runs on any cluster node, and a faster start.
export CGO_ENABLED := 0
LDFLAGS := -s -w -X main.version=$(VERSION)
CMDS    := docker-credential-remoteyaml

.PHONY: all build install test unit integration lint bench fuzz clean
all: build

build: $(addprefix $(BIN)/,$(CMDS))

$(BIN)/%: FORCE
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $@ ./cmd/$*

FORCE:

install: build
	mkdir -p $(BINDIR)
	install -m 0755 $(addprefix $(BIN)/,$(CMDS)) $(BINDIR)/

lint:
	$(GO) vet ./...
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

unit:
	$(GO) test -count=1 ./yamlstore/... ./protocol/... ./credstore/... ./cmd/...

integration: build
	$(GO) test -count=1 -v ./integration/...

test: lint unit integration

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./yamlstore/...

clean:
	rm -rf $(BIN)

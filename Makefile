# make install PREFIX=DIR: a release build of arbiter in DIR/bin, the policy set in
# DIR/share/arbiter/Rules (where the binary finds it from any working directory), the man page
# in DIR/share/man/man1 and shell completions for bash, zsh and fish.
# The binary records the commit it is built from (Plugins/BuildInfoPlugin runs git); building
# from a source archive without .git, say which with ARBITER_COMMIT=… (else "unknown").
PREFIX ?= /usr/local
SWIFT ?= swift
# The man page's date: the last commit's (so it does not change with the day it is built).
MAN_DATE ?= $(shell git log -1 --format=%cs 2>/dev/null)
MAN_PAGE = .build/plugins/GenerateManual/outputs/arbiter/arbiter.1

.PHONY: build man install uninstall test

# SwiftPM caches its build plan and runs the commit-recording plugin only when it plans again:
# without the cache, an incremental build after a new commit records that commit too.
build:
	$(SWIFT) build -c release --disable-build-manifest-caching

# swift-argument-parser's generate-manual plugin: the page is made from the command definitions.
man: build
	$(SWIFT) package plugin generate-manual $(if $(MAN_DATE),--date $(MAN_DATE))
	test -s "$(MAN_PAGE)"

install: build man
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/arbiter" "$(PREFIX)/share/man/man1" \
		"$(PREFIX)/share/bash-completion/completions" "$(PREFIX)/share/zsh/site-functions" \
		"$(PREFIX)/share/fish/vendor_completions.d"
	install -m 755 "$$($(SWIFT) build -c release --show-bin-path)/arbiter" "$(PREFIX)/bin/arbiter"
	rm -rf "$(PREFIX)/share/arbiter/Rules"
	cp -R Rules "$(PREFIX)/share/arbiter/Rules"
	install -m 644 "$(MAN_PAGE)" "$(PREFIX)/share/man/man1/arbiter.1"
	"$(PREFIX)/bin/arbiter" --generate-completion-script bash > "$(PREFIX)/share/bash-completion/completions/arbiter"
	"$(PREFIX)/bin/arbiter" --generate-completion-script zsh > "$(PREFIX)/share/zsh/site-functions/_arbiter"
	"$(PREFIX)/bin/arbiter" --generate-completion-script fish > "$(PREFIX)/share/fish/vendor_completions.d/arbiter.fish"

uninstall:
	rm -f "$(PREFIX)/bin/arbiter" "$(PREFIX)/share/man/man1/arbiter.1" \
		"$(PREFIX)/share/bash-completion/completions/arbiter" "$(PREFIX)/share/zsh/site-functions/_arbiter" \
		"$(PREFIX)/share/fish/vendor_completions.d/arbiter.fish"
	rm -rf "$(PREFIX)/share/arbiter"

test:
	$(SWIFT) test

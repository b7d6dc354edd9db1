# make install PREFIX=DIR: a release build of arbiter in DIR/bin and the policy set in
# DIR/share/arbiter/Rules, where the binary finds it from any working directory.
PREFIX ?= /usr/local
SWIFT ?= swift

.PHONY: build install uninstall test

build:
	$(SWIFT) build -c release

install: build
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/arbiter"
	install -m 755 "$$($(SWIFT) build -c release --show-bin-path)/arbiter" "$(PREFIX)/bin/arbiter"
	rm -rf "$(PREFIX)/share/arbiter/Rules"
	cp -R Rules "$(PREFIX)/share/arbiter/Rules"

uninstall:
	rm -f "$(PREFIX)/bin/arbiter"
	rm -rf "$(PREFIX)/share/arbiter"

test:
	$(SWIFT) test

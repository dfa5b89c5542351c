# Incident Desk. `make run` and `make test` set up what they need (system packages when root).
SWIFT ?= swift
CONFIG ?= config/deskd.toml
# make install: where to (DESTDIR for staging, PREFIX for the layout) and which build.
DESTDIR ?=
PREFIX ?= /usr/local
SYSCONFDIR ?= /etc
CONFIGURATION ?= release
BIN_BUILD = .build/$(CONFIGURATION)
UNITDIR ?= $(PREFIX)/lib/systemd/system
DOCDIR ?= $(PREFIX)/share/doc/deskd
# Installed binaries carry the Swift runtime inside (no toolchain needed where they run).
INSTALL_BUILD_FLAGS = -c $(CONFIGURATION) --static-swift-stdlib

.PHONY: help setup setup-packaging build run test test-installed test-console test-rules bench bench-load train cv install uninstall deb lint format clean

help:
	@echo "make run    - set up, build and run deskd on $(CONFIG) (state in ./var)"
	@echo "make test   - set up, build and run the whole test suite"
	@echo "make bench  - classifier benchmark (release build; medians and a same-run baseline)"
	@echo "make train  - fit the phase models and language profiles on Tests/ClassifierTests/Fixtures; writes model/*.dwf"
	@echo "make cv     - 10-fold cross-validation of the whole classifier on that corpus"
	@echo "make bench-load - ingest load (TCP, Unix socket, no-storage ceiling), start-up and latest-50 at 1M incidents"
	@echo "make install   - build (release) and install binaries, units, catalog and /etc/deskd (DESTDIR, PREFIX)"
	@echo "make deb       - build (release) the Debian package dist/deskd_VERSION_ARCH.deb and check it with lintian"
	@echo "make test-installed - the .deb and make install under a real systemd in a container (part of make test)"
	@echo "make uninstall - remove what make install put there (keeps /etc/deskd and /var/lib/deskd)"
	@echo "make test-console - the duty console in headless Chromium (Selenium, axe); prints where screenshots go"
	@echo "make test-rules - promtool check/test of examples/prometheus, and the rules' and dashboard's metric names against a running deskd"
	@echo "make lint   - check formatting (swift-format, .swift-format)"
	@echo "make format - format Sources and Tests in place"

setup:
	@./scripts/setup.sh

build: setup
	$(SWIFT) build

run: build
	./.build/debug/deskd --config $(CONFIG)

test: setup
	# Each test run ends, when it fails, with its failed tests and crashed threads (tell-failures).
	$(SWIFT) build --build-tests
	python3 scripts/validate-openapi.py
	$(SWIFT) format lint --strict -r Sources Tests Package.swift
	./scripts/tell-failures ./scripts/with-pg-test-cluster $(SWIFT) test --skip-build
	# The HTTP API, console sessions, tokens, timers and webhooks once more, on PostgreSQL.
	./scripts/tell-failures ./scripts/with-pg-test-cluster env DESK_TEST_API_ENGINE=postgresql $(SWIFT) test --skip-build --filter DeskAPITests
	# Several deskd on one database, and two on a replicated pair losing its primary
	# (pg_auto_failover): on their own, not beside the whole parallel suite.
	./scripts/tell-failures ./scripts/with-pg-test-cluster env DESK_TEST_HA=1 $(SWIFT) test --skip-build \
		--filter "FailoverTests|SeveralInstancesEndToEndTests"
	$(MAKE) test-rules
	$(MAKE) test-console
	$(MAKE) test-installed

# The installed service under a real systemd (PID 1 in a container booted from an overlay of
# this machine): the Debian package and make install, as an operator and a non-root user use them.
test-installed: deb
	python3 scripts/test-installed.py --deb dist/deskd_$(DEB_VERSION)_$(DEB_ARCH).deb

# The shipped alert rules (promtool, from Debian's prometheus package: setup.sh installs it) and
# their unit tests, then every metric name the rules and the Grafana dashboard use, checked
# against the /metrics of the built deskd running on a free loopback port.
RULES = examples/prometheus/deskd-alerts.yml
DASHBOARDS = examples/grafana/deskd-dashboard.json
test-rules: setup
	promtool check rules $(RULES)
	cd $(dir $(RULES)) && promtool test rules $(notdir $(RULES:.yml=.test.yml))
	$(SWIFT) build --product deskd
	$(SWIFT) build --product deskctl
	python3 scripts/check-metric-names.py --build .build/debug $(RULES) $(DASHBOARDS)

# The duty console in a real browser: Debian's chromium and chromium-driver, PyPI selenium and
# axe-selenium-python. Starts the built deskd with the demo data on a free loopback port.
test-console:
	./scripts/setup.sh --browser
	$(SWIFT) build --product deskd
	$(SWIFT) build --product deskctl
	$(SWIFT) build --product desk-bench
	python3 -m pytest -v -s Tests/console/test_console.py

bench: setup
	$(SWIFT) build -c release --product desk-bench
	./.build/release/desk-bench $(CURDIR)

# The phase models and the language profiles: fitted on the labelled corpus, written as the
# weights files model/*.dwf (installed into $(PREFIX)/share/deskd/model; [classifier] model_dir)
# and the agreement fixture.
train:
	$(SWIFT) build -c release --product desk-train
	./.build/release/desk-train $(CURDIR) train

cv:
	$(SWIFT) build -c release --product desk-train
	./.build/release/desk-train $(CURDIR) cv

# Load: a release deskd on a temporary database, TCP and Unix socket, against a no-storage ceiling;
# then start-up, latest-50 and the board's statements at BENCH_INCIDENTS incidents, on SQLite and on a
# throwaway PostgreSQL cluster.
BENCH_INCIDENTS ?= 1000000
bench-load: setup
	$(SWIFT) build -c release --product deskd
	$(SWIFT) build -c release --product desk-load
	$(CC) -O2 -Wall -o .build/desk-wrk scripts/desk-wrk.c
	./scripts/with-pg-test-cluster ./.build/release/desk-load $(CURDIR)
	./scripts/with-pg-test-cluster python3 scripts/bench-scale.py $(CURDIR) --incidents $(BENCH_INCIDENTS)

install:
ifndef SKIP_BUILD
	@./scripts/setup.sh
	$(SWIFT) build $(INSTALL_BUILD_FLAGS) --product deskd
	$(SWIFT) build $(INSTALL_BUILD_FLAGS) --product deskctl
endif
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(UNITDIR) $(DESTDIR)$(PREFIX)/lib/sysusers.d \
		$(DESTDIR)$(PREFIX)/lib/tmpfiles.d $(DESTDIR)$(PREFIX)/lib/systemd/catalog $(DESTDIR)$(DOCDIR) \
		$(DESTDIR)$(PREFIX)/share/deskd/examples
	install -d -m 0750 $(DESTDIR)$(SYSCONFDIR)/deskd
	install -m 0755 $(BIN_BUILD)/deskd $(BIN_BUILD)/deskctl $(DESTDIR)$(PREFIX)/bin/
	sed 's|/usr/local/bin/deskd|$(PREFIX)/bin/deskd|; s|/etc/deskd/|$(SYSCONFDIR)/deskd/|' \
		systemd/deskd.service > $(DESTDIR)$(UNITDIR)/deskd.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/deskd.service
	install -m 0644 systemd/deskd.socket $(DESTDIR)$(UNITDIR)/deskd.socket
	install -m 0644 systemd/deskd.sysusers $(DESTDIR)$(PREFIX)/lib/sysusers.d/deskd.conf
	sed 's|/etc/deskd|$(SYSCONFDIR)/deskd|' systemd/deskd.tmpfiles > $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/deskd.conf
	chmod 0644 $(DESTDIR)$(PREFIX)/lib/tmpfiles.d/deskd.conf
	install -m 0644 systemd/deskd.catalog $(DESTDIR)$(PREFIX)/lib/systemd/catalog/deskd.catalog
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/README.md
	install -d $(DESTDIR)$(DOCDIR)/examples/prometheus $(DESTDIR)$(DOCDIR)/examples/grafana
	install -m 0644 examples/prometheus/*.yml $(DESTDIR)$(DOCDIR)/examples/prometheus/
	install -m 0644 examples/grafana/*.json $(DESTDIR)$(DOCDIR)/examples/grafana/
	install -m 0644 seeds/roster.json $(DESTDIR)$(PREFIX)/share/deskd/examples/roster.json
	@# The classifier's weights (make train writes them in model/; [classifier] model_dir).
	install -d $(DESTDIR)$(PREFIX)/share/deskd/model
	install -m 0644 model/*.dwf $(DESTDIR)$(PREFIX)/share/deskd/model/
	@# The configuration is the operator's: installed once, never overwritten; 0640, and group
	@# deskd once that exists (systemd-tmpfiles --create sets it too, after systemd-sysusers).
	@for pair in config/deskd.installed.toml:deskd.toml config/classifier.toml:classifier.toml seeds/areas.json:areas.json; do \
		source=$${pair%%:*}; target=$(DESTDIR)$(SYSCONFDIR)/deskd/$${pair##*:}; \
		if [ -e "$$target" ]; then echo "keeping existing $$target"; \
		else sed 's|/etc/deskd/|$(SYSCONFDIR)/deskd/|; s|/usr/share/deskd/|$(PREFIX)/share/deskd/|' "$$source" > "$$target"; \
			chmod 0640 "$$target"; fi; \
	done
	@if [ -z "$(DESTDIR)" ] && getent group deskd >/dev/null; then chgrp -R deskd $(SYSCONFDIR)/deskd; fi
	@echo "installed; as root: systemd-sysusers; systemd-tmpfiles --create; journalctl --update-catalog;"
	@echo "                     systemctl daemon-reload; systemctl enable --now deskd.socket deskd.service"

uninstall:
	@# On a live system, stop and disable the units first (nothing runs from a deleted binary).
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		systemctl disable --now deskd.socket deskd.service 2>/dev/null || true; fi
	rm -f $(DESTDIR)$(PREFIX)/bin/deskd $(DESTDIR)$(PREFIX)/bin/deskctl $(DESTDIR)$(UNITDIR)/deskd.service \
		$(DESTDIR)$(UNITDIR)/deskd.socket $(DESTDIR)$(PREFIX)/lib/sysusers.d/deskd.conf \
		$(DESTDIR)$(PREFIX)/lib/tmpfiles.d/deskd.conf $(DESTDIR)$(PREFIX)/lib/systemd/catalog/deskd.catalog
	rm -rf $(DESTDIR)$(DOCDIR) $(DESTDIR)$(PREFIX)/share/deskd
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
	@echo "kept $(DESTDIR)$(SYSCONFDIR)/deskd and the state in /var/lib/deskd"

# The Debian package, from this tree: release binaries with the Swift runtime linked in, then
# debhelper around make install. dist/deskd_VERSION_ARCH.deb; lintian must report no error.
DEB_VERSION = $(shell dpkg-parsechangelog -S Version 2>/dev/null)
DEB_ARCH = $(shell dpkg --print-architecture 2>/dev/null)
# What packaging needs, before the recipe of deb expands DEB_VERSION (dpkg-parsechangelog).
setup-packaging: setup
	./scripts/setup.sh --packaging

deb: setup-packaging
	$(SWIFT) build $(INSTALL_BUILD_FLAGS) --product deskd
	$(SWIFT) build $(INSTALL_BUILD_FLAGS) --product deskctl
	dpkg-checkbuilddeps
	rm -rf debian/deskd debian/.debhelper debian/files debian/*.substvars debian/*.debhelper.log
	mkdir -p dist
	debian/rules binary
	lintian --fail-on error dist/deskd_$(DEB_VERSION)_$(DEB_ARCH).deb
	@ls -l dist/deskd_$(DEB_VERSION)_$(DEB_ARCH).deb

lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

format:
	$(SWIFT) format -i -r Sources Tests Package.swift

clean:
	rm -rf .build var dist debian/deskd debian/.debhelper debian/files debian/*.substvars debian/*.debhelper.log \
		debian/*.debhelper debian/debhelper-build-stamp

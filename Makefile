# Incident Desk. `make run` and `make test` set up what they need (system packages when root).
SWIFT ?= swift
CONFIG ?= config/deskd.toml

.PHONY: help setup build run test bench lint format clean

help:
	@echo "make run    - set up, build and run deskd on $(CONFIG) (state in ./var)"
	@echo "make test   - set up, build and run the whole test suite"
	@echo "make bench  - classifier benchmark (release build; medians and a same-run baseline)"
	@echo "make lint   - check formatting (swift-format, .swift-format)"
	@echo "make format - format Sources and Tests in place"

setup:
	@./scripts/setup.sh

build: setup
	$(SWIFT) build

run: build
	./.build/debug/deskd --config $(CONFIG)

test: setup
	$(SWIFT) build --build-tests
	python3 scripts/validate-openapi.py
	$(SWIFT) format lint --strict -r Sources Tests Package.swift
	$(SWIFT) test --skip-build

bench: setup
	$(SWIFT) build -c release --product desk-bench
	./.build/release/desk-bench $(CURDIR)

lint:
	$(SWIFT) format lint --strict -r Sources Tests Package.swift

format:
	$(SWIFT) format -i -r Sources Tests Package.swift

clean:
	rm -rf .build var

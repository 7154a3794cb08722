# The two commands a newcomer needs: `make dev` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help dev test fmt lint rust-test binaries openapi tools web-check web-e2e web-e2e-binaries web-build template

help:
	@echo "make dev    run the whole messenger locally (http://127.0.0.1:3000)"
	@echo "make test   run every check CI runs"
	@echo "make dev FUNCTIONS=binaries   the same, every function running as its own binary"

# FUNCTIONS=binaries (make dev FUNCTIONS=binaries): the real function binaries serve the gateway.
dev:
	FUNCTIONS=$(FUNCTIONS) localstack/dev.sh

test: tools fmt lint rust-test template web-check web-e2e web-e2e-binaries

tools:
	@command -v cargo-nextest >/dev/null || cargo install cargo-nextest --locked

fmt:
	cargo fmt --all --check

lint:
	cargo clippy --workspace --all-targets --locked -- -D warnings

# The debug function binaries: localstack/tests/binaries.rs and FUNCTIONS=binaries run them.
binaries:
	cargo build --workspace --bins --locked

rust-test: binaries
	localstack/with-test-services.sh cargo nextest run --workspace --locked

# Rewrites docs/openapi.json from the Rust types.
openapi:
	UPDATE_CONTRACT=1 cargo nextest run -p shared --locked -E 'test(openapi) | test(websocket_contract)'

# The SPA: contract types up to date, lint, type check, unit tests.
web-check:
	cd web && npm ci --no-audit --no-fund && npm run check

# Browser end-to-end tests in headless Chromium against a stack of their own.
web-e2e:
	cd web && npm run e2e

# The same browser suite against the function binaries, each in its own process.
web-e2e-binaries: binaries
	cd web && FUNCTIONS=binaries npm run e2e

web-build:
	cd web && ( [ -d node_modules ] || npm ci --no-audit --no-fund ) && npm run build

# The SAM template passes `sam validate --lint` (offline; installs aws-sam-cli into .dev/).
template:
	infra/validate.sh

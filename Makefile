# The two commands a newcomer needs: `make dev` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

.PHONY: help dev test lambda-build sam-build deploy destroy fmt lint rust-test binaries openapi tools web-check web-e2e web-e2e-binaries web-build template

help:
	@echo "make dev    run the whole messenger locally (http://127.0.0.1:3000)"
	@echo "make test   run every check CI runs"
	@echo "make dev FUNCTIONS=binaries   the same, every function running as its own binary"
	@echo "make deploy / make destroy    the whole product on AWS (docs/DEPLOY.md)"

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

# npm ci again when package-lock.json changed since the last install (a pull that adds a
# package otherwise breaks the build with "Cannot find module").
web-build:
	cd web && ( [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund ) && npm run build

# The SAM template passes `sam validate --lint` (offline; installs aws-sam-cli into .dev/).
template:
	infra/validate.sh

# ---- AWS (docs/DEPLOY.md). Nothing here can reach AWS; these are for an operator's machine. ----
# The SAM CLI and cargo-lambda (with zig) live in .dev/venv-sam (infra/validate.sh installs
# them). LAMBDA_ARCH is arm64 (the template's default Architecture) or x86_64.
LAMBDA_ARCH ?= arm64
STACK ?= messenger
SAM_VENV := $(CURDIR)/.dev/venv-sam
lambda-build sam-build deploy destroy: export PATH := $(SAM_VENV)/bin:$(PATH)
lambda-build sam-build deploy destroy: export LAMBDA_ARCH := $(LAMBDA_ARCH)
FUNCTION_PACKAGES := $(foreach f,$(notdir $(wildcard functions/*)),-p $(f))
LAMBDA_ARCH_FLAG := $(if $(filter x86_64,$(LAMBDA_ARCH)),--x86-64,--arm64)

$(SAM_VENV)/bin/cargo-lambda:
	localstack/python-venv.sh $(SAM_VENV) aws-sam-cli cargo-lambda ziglang

# Every function at once: the dependencies build once and each function only links
# (target/lambda/<function>/bootstrap). `sam build` calls it through infra/Makefile.
lambda-build: $(SAM_VENV)/bin/cargo-lambda
	cargo lambda build --release --locked $(LAMBDA_ARCH_FLAG) $(FUNCTION_PACKAGES)

# One build for all functions, then SAM packages the bootstraps (infra/Makefile).
sam-build: $(SAM_VENV)/bin/cargo-lambda
	SAM_BUILD_ID=$$(date +%s%N) sam build

# Builds the functions and the SPA, deploys the stack (migrations run inside the deploy),
# uploads the SPA and invalidates its cache. Parameters: docs/DEPLOY.md.
deploy:
	infra/deploy.sh

# Removes the stack (emptying the SPA bucket first). The attachments bucket is emptied too
# only with DELETE_ATTACHMENTS=yes.
destroy:
	infra/destroy.sh

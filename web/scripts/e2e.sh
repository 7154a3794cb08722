#!/usr/bin/env bash
# `npm run e2e`: the browser tests against the real stack, all on this machine.
#   1. Chromium (Debian's package; installed when missing and root)
#   2. the SPA build (web/dist) and the backend build (gateway, migrate)
#   3. a throwaway PostgreSQL (localstack/with-test-services.sh), a fresh database, migrations
#   4. the local gateway on a free port serving web/dist and /api, with short-lived access
#      tokens so the tests see refreshes happen
#   5. node --test e2e/*.test.mjs; screenshots land in web/e2e/artifacts/
# Against a stack that is already running: E2E_BASE_URL=http://127.0.0.1:3000 npm run e2e:run
# E2E_SERVE=1 npm run e2e starts the stack and keeps it up instead of running the tests.
set -euo pipefail
web=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$web/.." && pwd)
artifacts="$web/e2e/artifacts"

if [[ "${1:-}" != "--inside" ]]; then
    chromium_path=${CHROMIUM_PATH:-/usr/bin/chromium}
    if [[ ! -x "$chromium_path" ]]; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
            echo "==> installing Chromium (apt-get install chromium)"
            DEBIAN_FRONTEND=noninteractive apt-get update -qq
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        else
            echo "Chromium not found at $chromium_path. Install it: sudo apt-get install -y chromium" >&2
            echo "(or set CHROMIUM_PATH to a Chromium/Chrome binary)" >&2
            exit 1
        fi
    fi
    command -v psql >/dev/null || { echo "psql not found: apt-get install -y postgresql-client" >&2; exit 1; }
    cd "$web"
    [[ -d node_modules ]] || npm ci --no-audit --no-fund
    echo "==> building the web app"
    npm run --silent build >/dev/null
    echo "==> building the gateway and migrate (${SECONDS}s)"
    (cd "$root" && cargo build -q -p local-gateway -p migrate)
    echo "==> starting PostgreSQL, migrating, starting the gateway (${SECONDS}s)"
    rm -rf "$artifacts" && mkdir -p "$artifacts"
    exec "$root/localstack/with-test-services.sh" "$web/scripts/e2e.sh" --inside
fi

# Inside with-test-services.sh: TEST_DATABASE_URL points at the throwaway cluster.
: "${TEST_DATABASE_URL:?run through localstack/with-test-services.sh}"
psql "$TEST_DATABASE_URL" -qX -v ON_ERROR_STOP=1 -c 'CREATE DATABASE e2e' >/dev/null
export DATABASE_URL="${TEST_DATABASE_URL%/*}/e2e"
export JWT_SECRET="e2e-only-secret-$(date +%s%N)-0123456789abcdef"
export LOG_FORMAT=pretty RUST_LOG=${RUST_LOG:-warn}
export ACCESS_TOKEN_TTL_SECS=${E2E_ACCESS_TTL:-6}
# The browser tests ask for a second verification mail right after the first.
export ACCOUNT_MAIL_INTERVAL_SECS=${E2E_ACCOUNT_MAIL_INTERVAL:-0}
# As localstack/dev.sh does: one process serves every route, so it needs more than a Lambda's 2
# database connections (with 2, bursts of sends and presence fan-outs wait on the pool).
export DB_POOL_SIZE=${DB_POOL_SIZE:-16}
# Every browser test signs up its users from 127.0.0.1: more accounts than one address may
# open in an hour (docs/SECURITY.md), and one test sends 121 messages as fast as the page can:
# more than a user's burst of sends. The other limits stay at their defaults.
export RATE_LIMIT_REGISTER_IP=${RATE_LIMIT_REGISTER_IP:-off}
export RATE_LIMIT_SEND_USER=${RATE_LIMIT_SEND_USER:-off}
"$root/target/debug/migrate" >"$artifacts/migrate.log" 2>&1 || { cat "$artifacts/migrate.log" >&2; exit 1; }

# The test run's AWS API emulator: the bucket, queues and sender identity the gateway uses.
export AWS_ENDPOINT_URL="$TEST_AWS_ENDPOINT_URL" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local
eval "$("$root/localstack/emulator.sh" init "$AWS_ENDPOINT_URL")"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
PORT=$port WEB_DIST="$web/dist" APP_URL="http://127.0.0.1:$port" \
    WS_MANAGEMENT_ENDPOINT="http://127.0.0.1:$port" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local \
    "$root/target/debug/local-gateway" >"$artifacts/gateway.log" 2>&1 &
gateway=$!
stop_gateway() {
    kill "$gateway" 2>/dev/null || true
    wait "$gateway" 2>/dev/null || true
}
trap stop_gateway EXIT

base="http://127.0.0.1:$port"
for _ in $(seq 1 150); do
    if [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/api/health" || true) == 200 ]]; then break; fi
    if ! kill -0 "$gateway" 2>/dev/null; then
        echo "the gateway exited; its log:" >&2; cat "$artifacts/gateway.log" >&2; exit 1
    fi
    sleep 0.2
done
[[ $(curl -s -o /dev/null -w '%{http_code}' "$base/api/health") == 200 ]] || { echo "the gateway did not become healthy" >&2; tail -n 50 "$artifacts/gateway.log" >&2; exit 1; }

cd "$web"
if [[ -n "${E2E_SERVE:-}" ]]; then
    # For writing tests: keep the stack up (Ctrl-C stops it) and run `npm run e2e:run` against it.
    echo "==> stack up: E2E_BASE_URL=$base E2E_ACCESS_TTL=$ACCESS_TOKEN_TTL_SECS npm run e2e:run   (Ctrl-C stops)"
    wait "$gateway"
    exit 0
fi
echo "==> browser tests against $base (access tokens live ${ACCESS_TOKEN_TTL_SECS}s)"
status=0
E2E_BASE_URL="$base" E2E_ACCESS_TTL="$ACCESS_TOKEN_TTL_SECS" \
    node --test --test-reporter=spec --test-timeout=90000 e2e/*.test.mjs || status=$?
if [[ $status -ne 0 ]]; then
    echo "browser tests failed; screenshots and the gateway log are in web/e2e/artifacts/" >&2
    tail -n 30 "$artifacts/gateway.log" >&2
fi
exit $status

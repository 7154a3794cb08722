#!/usr/bin/env bash
# `make dev`: the whole messenger on this machine. PostgreSQL (data kept in .dev/), migrations,
# the AWS API emulator (S3, SQS, SESv2 on 127.0.0.1:${AWS_PORT:-4566}) with the bucket, queues
# and sender identity, the local gateway on http://127.0.0.1:${PORT:-3000}. Ctrl-C stops what
# this script started. FUNCTIONS=binaries runs every function as its own process (the real
# binaries behind the gateway's Lambda Runtime API) instead of inside the gateway.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
mkdir -p .dev
PGPORT=${DEV_PGPORT:-54329}
PORT=${PORT:-3000}
AWS_PORT=${AWS_PORT:-4566}
pgdir="$root/.dev/postgres"

command -v cargo >/dev/null || { echo "cargo not found: install Rust from https://rustup.rs" >&2; exit 1; }

started_pg=0
if ! localstack/postgres.sh running "$pgdir" 2>/dev/null; then
    echo "==> starting PostgreSQL on 127.0.0.1:$PGPORT (data in .dev/postgres)"
    localstack/postgres.sh start "$pgdir" "$PGPORT"
    started_pg=1
else
    echo "==> PostgreSQL already running (.dev/postgres)"
fi
emulator=""
cleanup() {
    if [[ -n "$emulator" ]]; then
        echo "==> stopping the AWS API emulator"
        kill "$emulator" 2>/dev/null || true
    fi
    if [[ $started_pg -eq 1 ]]; then
        echo "==> stopping PostgreSQL"
        localstack/postgres.sh stop "$pgdir" || true
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Create the database on first run.
runas=(); [[ $(id -u) -eq 0 ]] && runas=(runuser -u postgres --)
if ! "${runas[@]}" psql -h "$pgdir" -p "$PGPORT" -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname='messenger'" postgres | grep -q 1; then
    "${runas[@]}" psql -h "$pgdir" -p "$PGPORT" -U postgres -qc "CREATE DATABASE messenger" postgres
fi

# A JWT secret of its own, kept so sessions survive restarts.
if [[ ! -s .dev/jwt_secret ]]; then
    python3 -c 'import secrets; print(secrets.token_urlsafe(48))' > .dev/jwt_secret
    chmod 600 .dev/jwt_secret
fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/messenger"
export JWT_SECRET; JWT_SECRET=$(cat .dev/jwt_secret)
export PORT LOG_FORMAT=${LOG_FORMAT:-pretty} RUST_LOG=${RUST_LOG:-info}
export DB_POOL_SIZE=${DB_POOL_SIZE:-16}
# Pushes go to the gateway's management API, as they go to API Gateway's in AWS. The
# gateway ignores the signature, but the SDK wants a region and credentials to sign with.
export WS_MANAGEMENT_ENDPOINT="http://127.0.0.1:$PORT"
export AWS_REGION=${AWS_REGION:-us-east-1} AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-local} AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-local}
export WEB_DIST="$root/web/dist"

# S3, SQS and SESv2: moto's server mode (installed into .dev/venv-moto on first run). Its state
# lives in memory, so the bucket, queues and sender identity are created on every start.
if curl -s -o /dev/null "http://127.0.0.1:$AWS_PORT/moto-api/"; then
    echo "==> AWS API emulator already running on 127.0.0.1:$AWS_PORT"
else
    echo "==> starting the AWS API emulator (S3, SQS, SESv2) on 127.0.0.1:$AWS_PORT"
    emulator=$(localstack/emulator.sh start "$AWS_PORT" "$root/.dev/emulator.log")
fi
export AWS_ENDPOINT_URL="http://127.0.0.1:$AWS_PORT"
export APP_URL=${APP_URL:-http://127.0.0.1:$PORT}
eval "$(localstack/emulator.sh init "$AWS_ENDPOINT_URL")"

if command -v npm >/dev/null; then
    echo "==> building the web app"
    make -s web-build
else
    echo "npm not found: the API runs, but the web app needs Node.js 20.19+ (apt-get install nodejs npm)" >&2
fi

# The `local` profile (Cargo.toml): optimised, so the stack carries real load, and
# incremental, so a change rebuilds in seconds (the first build takes minutes).
if [[ ${FUNCTIONS:-} == binaries ]]; then
    # Every request and frame goes to the function's own process (docs/DEVELOPMENT.md).
    echo "==> building the gateway and every function binary (FUNCTIONS=binaries; the first build takes a while)"
    cargo build -q --profile local --workspace --bins
else
    echo "==> building the gateway and the migrate function (the first build takes a few minutes)"
    cargo build -q --profile local -p local-gateway -p migrate
fi
echo "==> applying migrations"
target/local/migrate
echo "==> messenger running at http://127.0.0.1:$PORT  (API /api, WebSocket ws://127.0.0.1:$PORT/ws; Ctrl-C stops)"
echo "    e-mail sent: http://127.0.0.1:$PORT/_dev/mail   AWS emulator: $AWS_ENDPOINT_URL"
target/local/local-gateway

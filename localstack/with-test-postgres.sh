#!/usr/bin/env bash
# Runs a command with one throwaway PostgreSQL cluster for the whole test run.
# Exports TEST_DATABASE_URL (the admin database); tests clone their own databases from it.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/messenger-test-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
    "$here/postgres.sh" stop "$dir" || true
    rm -rf "$dir"
}
trap cleanup EXIT
"$here/postgres.sh" start "$dir" "$port" --throwaway
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
"$@"

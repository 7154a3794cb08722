#!/usr/bin/env bash
# Runs a command with the services the tests need, one of each for the whole run:
#   a throwaway PostgreSQL cluster: TEST_DATABASE_URL (the admin database; tests clone their
#     own databases from it)
#   the AWS API emulator (S3, SQS, SESv2): TEST_AWS_ENDPOINT_URL (tests create their own
#     buckets, queues and sender identities in it)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mktemp -d /tmp/messenger-test-pg.XXXXXX)
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=$(free_port)
aws_port=$(free_port)
emulator=""
cleanup() {
    [[ -n "$emulator" ]] && kill "$emulator" 2>/dev/null || true
    "$here/postgres.sh" stop "$dir" || true
    rm -rf "$dir"
}
trap cleanup EXIT
"$here/postgres.sh" start "$dir" "$port" --throwaway
emulator=$("$here/emulator.sh" start "$aws_port" "$dir/emulator.log")
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
export TEST_AWS_ENDPOINT_URL="http://127.0.0.1:$aws_port"
"$@"

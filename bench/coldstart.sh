#!/usr/bin/env bash
# Cold-start benchmark (docs/PERFORMANCE.md): builds the function binaries it measures, starts a
# throwaway PostgreSQL, and runs bench/coldstart pinned to one core (BENCH_CPU, default 1) so the
# stand-in and the function share it, as a Lambda instance's single vCPU would.
#   bench/coldstart.sh                     the release profile (target/release)
#   PROFILES="release release-z release-o3" bench/coldstart.sh   compares profiles
#   bench/coldstart.sh path/to/other/bin   adds folders of binaries built elsewhere (before/after)
#   RUNS=20 WARM=300                       cold starts per function, warm invocations
# Not part of `make test`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
profiles=${PROFILES:-release}
pkgs=(-p health -p users-me -p messages-send -p migrate -p auth-register -p chats-create -p chats-request)
dirs=()
for p in $profiles; do
    echo "==> building ${pkgs[*]} with --profile $p" >&2
    cargo build -q --locked --profile "$p" "${pkgs[@]}"
    dirs+=("target/$p")
done
dirs+=("$@")
cargo build -q --locked --release -p coldstart

dir=$(mktemp -d /tmp/messenger-bench-pg.XXXXXX)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() { localstack/postgres.sh stop "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
localstack/postgres.sh start "$dir" "$port" --throwaway >&2
runas=(); [[ $(id -u) -eq 0 ]] && runas=(runuser -u postgres --)
"${runas[@]}" psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE bench" postgres
echo "==> $(date -u +%FT%TZ) $(uname -m), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
taskset -c "${BENCH_CPU:-1}" target/release/coldstart \
    --db "postgres://postgres@127.0.0.1:$port/bench" \
    --runs "${RUNS:-20}" --warm "${WARM:-300}" "${dirs[@]}"

#!/usr/bin/env bash
# A PostgreSQL cluster made from the machine's binaries, for `make dev` and `make test`.
#   postgres.sh start DATA_DIR PORT [--throwaway]   initdb if needed, start, wait until ready
#   postgres.sh stop DATA_DIR                       stop if running
#   postgres.sh running DATA_DIR                    exit 0 when running
# PostgreSQL refuses to run as root; as root the cluster runs as the `postgres` user.
set -euo pipefail

die() { echo "postgres.sh: $*" >&2; exit 1; }

find_bindir() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        dirname "$(readlink -f "$(command -v pg_ctl)")"
        return
    fi
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    if [[ -z "$dir" && $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        echo "postgres.sh: PostgreSQL is not installed; installing it with apt-get" >&2
        DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
        dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)
    fi
    [[ -n "$dir" ]] || die "PostgreSQL server binaries (initdb, pg_ctl) not found. Install them: sudo apt-get install -y postgresql"
    echo "$dir"
}

as_pg() {
    if [[ $(id -u) -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

cmd=${1:-}; dir=${2:-}
[[ -n "$cmd" && -n "$dir" ]] || die "usage: postgres.sh start|stop|running DATA_DIR [PORT] [--throwaway]"
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
BIN=$(find_bindir)

case "$cmd" in
start)
    port=${3:?port required}
    throwaway=${4:-}
    if [[ $(id -u) -eq 0 ]]; then
        as_pg true
        chown postgres "$dir"
        # the postgres user must be able to reach the data directory
        p="$dir"; while [[ "$p" != "/" ]]; do p=$(dirname "$p"); chmod o+x "$p" 2>/dev/null || true; done
    fi
    chmod 700 "$dir"
    if [[ ! -f "$dir/PG_VERSION" ]]; then
        as_pg "$BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null \
            || as_pg "$BIN/initdb" -D "$dir" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
    fi
    if as_pg "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        exit 0
    fi
    opts="-c port=$port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir -c max_connections=300"
    if [[ -f "$(dirname "$BIN")/lib/pg_stat_statements.so" ]]; then
        # Lets tests count the statements a route runs (no N+1 queries).
        opts="$opts -c shared_preload_libraries=pg_stat_statements"
    fi
    if [[ "$throwaway" == "--throwaway" ]]; then
        # Nothing in a test cluster needs to survive a crash.
        opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    fi
    as_pg "$BIN/pg_ctl" -D "$dir" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null \
        || { tail -n 20 "$dir/server.log" >&2; die "PostgreSQL did not start (port $port in use?); log: $dir/server.log"; }
    ;;
stop)
    if as_pg "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1; then
        as_pg "$BIN/pg_ctl" -D "$dir" -m fast -w stop >/dev/null
    fi
    ;;
running)
    as_pg "$BIN/pg_ctl" -D "$dir" status >/dev/null 2>&1
    ;;
*)
    die "unknown command $cmd"
    ;;
esac

#!/usr/bin/env bash
# The fault suite (docs/RELIABILITY.md), run on purpose: a stack of its own (PostgreSQL and the
# AWS API emulator started here, the gateway as `make dev` builds and starts it), and per fault
# one load-generator run: users in rooms of 10, 2 of each room offline, everyone online sending,
# the fault injected 15 s in (the emulator's restart 5 s in). Each run ends with the load generator's verdict: acknowledged
# messages lost and duplicated (against the database), clients whose messages differ from
# their room's stored history after reconnecting, offline members mailed once / never / twice.
#
#   bench/faults.sh                     every fault, one after the other
#   bench/faults.sh kill-gateway ...    the named ones (none restart-postgres kill-gateway
#                                       restart-emulator gone-storm sqs-3x, and
#                                       mail-worker-dies: not in "every", ~9 minutes: it
#                                       waits out the claims' lease for the mails cut off)
#   bench/faults.sh inject NAME         inject one fault into the running stack (what the
#                                       load generator's --fault runs)
# Needs `make dev` not running (it uses the same ports). USERS, RATE, DURATION override the load.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
PGPORT=${DEV_PGPORT:-54329}
PORT=${PORT:-3000}
AWS_PORT=${AWS_PORT:-4566}
pgdir="$root/.dev/postgres"
log="$root/.dev/faults"
base="http://127.0.0.1:$PORT"

listener() { ss -ltnpH "sport = :$1" | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2; }

wait_healthy() {
    for _ in $(seq 1 300); do
        [[ $(curl -s -o /dev/null -w '%{http_code}' "$base/api/health" || true) == 200 ]] && return 0
        sleep 0.2
    done
    echo "the gateway did not become healthy; see $log/gateway.log" >&2
    return 1
}

# Stops the gateway with `signal` and starts the same binary again with the same environment
# (read from /proc), plus `extra` variables.
restart_gateway() {
    local signal=$1; shift
    local pid exe
    pid=$(listener "$PORT")
    exe=$(readlink "/proc/$pid/exe")
    mapfile -d '' -t environment < "/proc/$pid/environ"
    kill "-$signal" "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
    setsid env -i "${environment[@]}" "$@" "$exe" >>"$log/gateway.log" 2>&1 < /dev/null &
    wait_healthy
}

inject() {
    case "$1" in
    none) ;;
    restart-postgres)
        localstack/postgres.sh stop "$pgdir"
        localstack/postgres.sh start "$pgdir" "$PGPORT"
        ;;
    kill-gateway) restart_gateway KILL ;;
    restart-emulator)
        kill "$(listener "$AWS_PORT")"
        while [[ -n $(listener "$AWS_PORT") ]]; do sleep 0.05; done
        setsid localstack/emulator.sh start "$AWS_PORT" "$log/emulator.log" >/dev/null < /dev/null
        localstack/emulator.sh init "http://127.0.0.1:$AWS_PORT" >/dev/null
        ;;
    gone-storm)
        psql "postgres://postgres@127.0.0.1:$PGPORT/messenger" -qX -v ON_ERROR_STOP=1 -f bench/gone_storm.sql
        ;;
    sqs-3x) restart_gateway TERM LOCAL_SQS_DELIVERIES=3 ;;
    mail-worker-dies)
        # Locally the e-mail worker runs inside the gateway. Armed, the gateway exits (137)
        # the moment SES has accepted its first mail, before the claim records it; a watcher
        # starts it again, unarmed, once it is gone (as Lambda starts a new instance).
        restart_gateway TERM FAULT_EXIT_AFTER_MAIL_ACCEPTED=1
        local pid exe
        pid=$(listener "$PORT")
        exe=$(readlink "/proc/$pid/exe")
        mapfile -d '' -t environment < "/proc/$pid/environ"
        (
            while kill -0 "$pid" 2>/dev/null; do sleep 0.05; done
            echo "==> the armed gateway exited at $(date +%T.%N); starting it again" >>"$log/gateway.log"
            setsid env -i "${environment[@]}" FAULT_EXIT_AFTER_MAIL_ACCEPTED= "$exe" >>"$log/gateway.log" 2>&1 < /dev/null &
        ) >/dev/null 2>&1 < /dev/null &
        ;;
    *) echo "unknown fault $1" >&2; return 2 ;;
    esac
}

if [[ ${1:-} == inject ]]; then
    inject "${2:?fault name}"
    exit
fi

faults=("$@")
[[ ${#faults[@]} -gt 0 ]] || faults=(none restart-postgres kill-gateway restart-emulator gone-storm sqs-3x)
[[ -z $(listener "$PORT") ]] || { echo "port $PORT is in use: stop make dev first" >&2; exit 1; }
mkdir -p "$log"

# PostgreSQL and the emulator belong to this script, so the gateway can be killed and started
# again under them.
localstack/postgres.sh running "$pgdir" 2>/dev/null || localstack/postgres.sh start "$pgdir" "$PGPORT"
[[ -n $(listener "$AWS_PORT") ]] || setsid localstack/emulator.sh start "$AWS_PORT" "$log/emulator.log" >/dev/null < /dev/null
stop_all() {
    local pid
    pid=$(listener "$PORT"); [[ -z $pid ]] || kill "$pid" 2>/dev/null || true
    pid=$(listener "$AWS_PORT"); [[ -z $pid ]] || kill "$pid" 2>/dev/null || true
    localstack/postgres.sh stop "$pgdir" || true
}
trap stop_all EXIT

echo "==> building the load generator"
cargo build -q --profile local -p loadgen
echo "==> starting the gateway (make dev; log in ${log#"$root"/}/gateway.log)"
# One mail per member and chat per hour: within a run every second mail to a member is then a
# duplicate, not the next window's (mail-worker-dies watches for 7 minutes past the first).
EMAIL_DELAY_SECS=10 EMAIL_WINDOW_SECS=3600 LOG_FORMAT=json RUST_LOG=${RUST_LOG:-warn} setsid localstack/dev.sh >"$log/gateway.log" 2>&1 < /dev/null &
wait_healthy

results="$log/results.txt"
: >"$results"
for fault in "${faults[@]}"; do
    echo "==> fault: $fault"
    status=0
    # The emulator keeps its state in memory: restarted after the first mails went out, it
    # would forget them and the count would say "never". 5 s in, only queued jobs are lost.
    at=15; [[ $fault == restart-emulator ]] && at=5
    # Armed before the first mail is due (EMAIL_DELAY_SECS=10); its second copy and the jobs
    # the exit cut off are sent once the claims' 5-minute lease has run out.
    mail=(--mail-wait 60)
    [[ $fault == mail-worker-dies ]] && at=1 && mail=(--mail-wait 480 --mail-settle 420)
    target/local/loadgen --users "${USERS:-500}" --room-size 10 --offline-per-room 2 \
        --rate "${RATE:-0.2}" --duration "${DURATION:-40}" --connect-parallelism 50 \
        --fault "bench/faults.sh inject $fault" --fault-at "$at" --grace 30 \
        --verify "${mail[@]}" >"$log/$fault.txt" 2>&1 || status=$?
    cat "$log/$fault.txt"
    echo "$fault: $(grep '^verdict:' "$log/$fault.txt" || echo "no verdict (exit $status)")" | tee -a "$results"
    if [[ $fault == sqs-3x ]]; then restart_gateway TERM; fi
done
echo "==> results (also in ${results#"$root"/})"
cat "$results"
! grep -qv 'verdict: PASS' "$results"

#!/usr/bin/env bash
# The AWS API emulator for S3, SQS and SESv2: moto's server mode, from PyPI, in .dev/venv-moto.
#   emulator.sh start PORT LOGFILE   install when missing, start in the background, wait until it answers;
#                                    prints the server's pid
#   emulator.sh init ENDPOINT        create the bucket, queues and sender identity `make dev` uses
#   emulator.sh python ARGS...       run the venv's python (has boto3), for scripts and checks
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=${MOTO_VENV:-$root/.dev/venv-moto}

die() { echo "emulator.sh: $*" >&2; exit 1; }

install() {
    [[ -x $venv/bin/moto_server ]] && return
    echo "==> installing the AWS API emulator (moto[server]) into ${venv#"$root"/} (once)" >&2
    "$root/localstack/python-venv.sh" "$venv" 'moto[server]>=5.1,<6'
}

cmd=${1:-}
case "$cmd" in
start)
    port=${2:?port required}; log=${3:?log file required}
    install
    # moto_server with SES sending events added (localstack/moto_server.py)
    "$venv/bin/python" "$root/localstack/moto_server.py" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do
        if curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/"; then echo "$pid"; exit 0; fi
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; die "moto_server exited (port $port in use?)"; }
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    die "moto_server did not answer on port $port; log: $log"
    ;;
init)
    endpoint=${2:?endpoint required}
    install
    exec "$venv/bin/python" "$root/localstack/emulator_init.py" "$endpoint"
    ;;
python)
    shift
    install
    exec "$venv/bin/python" "$@"
    ;;
*)
    die "usage: emulator.sh start PORT LOGFILE | init ENDPOINT | python ARGS..."
    ;;
esac

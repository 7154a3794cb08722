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
    command -v python3 >/dev/null || die "python3 is required (apt-get install -y python3 python3-venv)"
    echo "==> installing the AWS API emulator (moto[server]) into ${venv#"$root"/} (once)" >&2
    rm -rf "$venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
            rm -rf "$venv"
            python3 -m venv "$venv"
        else
            die "python3 cannot create a virtualenv; install python3-venv"
        fi
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check 'moto[server]>=5.1,<6' >&2
}

cmd=${1:-}
case "$cmd" in
start)
    port=${2:?port required}; log=${3:?log file required}
    install
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
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

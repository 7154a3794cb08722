#!/usr/bin/env bash
# Creates a Python virtualenv and installs packages into it, for the project's Python tools
# (the AWS API emulator, the SAM CLI). Debian ships venv support separately: as root it is
# installed with apt-get when missing.
#   python-venv.sh VENV PACKAGE...
set -euo pipefail
venv=${1:?virtualenv directory required}; shift
die() { echo "python-venv.sh: $*" >&2; exit 1; }
command -v python3 >/dev/null || die "python3 is required (apt-get install -y python3 python3-venv)"
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
"$venv/bin/pip" install --quiet --disable-pip-version-check "$@" >&2

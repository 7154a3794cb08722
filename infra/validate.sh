#!/usr/bin/env bash
# Lints infra/template.yaml offline (`sam validate --lint`: the SAM transform and cfn-lint; no
# AWS credentials or network needed). Uses the SAM CLI in .dev/venv-sam, installing it from
# PyPI on first use, or a `sam` already on PATH.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
venv=.dev/venv-sam

if [[ -x $venv/bin/sam ]]; then
    sam=$venv/bin/sam
elif command -v sam >/dev/null 2>&1; then
    sam=sam
else
    command -v python3 >/dev/null || { echo "validate.sh: python3 is required" >&2; exit 1; }
    echo "==> installing the AWS SAM CLI into $venv (once)" >&2
    rm -rf "$venv"
    if ! python3 -m venv "$venv" 2>/dev/null; then
        # Debian ships venv support separately.
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >&2
            rm -rf "$venv"
            python3 -m venv "$venv"
        else
            echo "validate.sh: python3 cannot create a virtualenv; install python3-venv" >&2
            exit 1
        fi
    fi
    "$venv/bin/pip" install --quiet --disable-pip-version-check aws-sam-cli >&2
    sam=$venv/bin/sam
fi

export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-eu-west-1}
export SAM_CLI_TELEMETRY=0
exec "$sam" validate --lint --template infra/template.yaml

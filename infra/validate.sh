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
    echo "==> installing the AWS SAM CLI into $venv (once)" >&2
    localstack/python-venv.sh "$venv" aws-sam-cli
    sam=$venv/bin/sam
fi

export AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-eu-west-1}
export SAM_CLI_TELEMETRY=0
exec "$sam" validate --lint --template infra/template.yaml

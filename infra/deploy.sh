#!/usr/bin/env bash
# `make deploy`: the whole product to AWS, in order:
#   1. the functions, built once for all (make lambda-build) and packaged by `sam build`;
#   2. `sam deploy`: the stack; its Migrations custom resource runs the migrations before any
#      other function's code changes (a failure rolls the deploy back);
#   3. the SPA, built with this stack's API and WebSocket URLs, uploaded to its bucket
#      (index.html no-cache, hashed assets immutable), and the CloudFront cache invalidated.
# On the first deploy AllowedOrigin (CORS) is not known until CloudFront has a domain: the
# stack is deployed with a placeholder and then again with the SpaUrl output.
# Settings (environment): STACK (messenger), AWS_REGION, LAMBDA_ARCH (arm64 | x86_64),
# ALLOWED_ORIGIN (your domain in front of CloudFront; default: the SpaUrl output),
# SENDER_IDENTITY (required on the first deploy), PARAMS (more Key=Value overrides for
# sam deploy), CONFIRM=1 (review the change set before it runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
stack=${STACK:-messenger}
arch=${LAMBDA_ARCH:-arm64}
die() { echo "deploy: $*" >&2; exit 1; }
command -v aws >/dev/null || die "the AWS CLI v2 is needed (https://aws.amazon.com/cli/); then aws configure"
command -v sam >/dev/null || die "sam not on PATH: run through make deploy (it installs the SAM CLI into .dev/venv-sam)"
aws sts get-caller-identity >/dev/null || die "no AWS credentials (aws sts get-caller-identity fails)"

output() {
    aws cloudformation describe-stacks --stack-name "$stack" \
        --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
exists=0
aws cloudformation describe-stacks --stack-name "$stack" >/dev/null 2>&1 && exists=1

params=("Architecture=$arch")
[[ -n ${SENDER_IDENTITY:-} ]] && params+=("SenderIdentity=$SENDER_IDENTITY")
if [[ -n ${ALLOWED_ORIGIN:-} ]]; then
    params+=("AllowedOrigin=$ALLOWED_ORIGIN")
elif [[ $exists -eq 0 ]]; then
    [[ -n ${SENDER_IDENTITY:-} ]] || die "the first deploy needs SENDER_IDENTITY (docs/DEPLOY.md)"
    params+=("AllowedOrigin=https://pending.invalid")
fi
# shellcheck disable=SC2206
[[ -n ${PARAMS:-} ]] && params+=(${PARAMS})
confirm=(--no-confirm-changeset); [[ -n ${CONFIRM:-} ]] && confirm=(--confirm-changeset)

echo "==> building every function once ($arch) and packaging them (sam build)"
make -s sam-build LAMBDA_ARCH="$arch"
echo "==> deploying $stack (migrations run inside the deploy)"
sam deploy --stack-name "$stack" "${confirm[@]}" --parameter-overrides "${params[@]}"

spa_url=$(output SpaUrl)
if [[ -z ${ALLOWED_ORIGIN:-} && $exists -eq 0 ]]; then
    echo "==> first deploy: allowing the SPA's origin $spa_url (CORS)"
    sam deploy --stack-name "$stack" --no-confirm-changeset \
        --parameter-overrides "Architecture=$arch" "AllowedOrigin=$spa_url"
fi

echo "==> building the SPA against this stack"
api=$(output SpaApiBase)
ws=$(output WebSocketUrl)
(cd web && ( [[ -d node_modules ]] || npm ci --no-audit --no-fund ) && VITE_API_BASE="$api" VITE_WS_URL="$ws" npm run build)
bucket=$(output SpaBucketName)
echo "==> uploading web/dist to s3://$bucket"
aws s3 sync web/dist "s3://$bucket" --delete --exclude index.html \
    --cache-control "public, max-age=31536000, immutable"
aws s3 cp web/dist/index.html "s3://$bucket/index.html" --cache-control "no-cache"
aws cloudfront create-invalidation --distribution-id "$(output SpaDistributionId)" --paths "/index.html" "/" >/dev/null
echo "==> done: $spa_url"

#!/usr/bin/env bash
# `make destroy`: removes the stack. S3 refuses to delete a bucket that holds objects, so the
# SPA bucket is emptied first; the attachments bucket (your users' files) only with
# DELETE_ATTACHMENTS=yes, otherwise the deletion stops there and says so. Secrets and the
# Aurora final snapshot stay (docs/DEPLOY.md, Removal).
set -euo pipefail
stack=${STACK:-messenger}
command -v aws >/dev/null || { echo "destroy: the AWS CLI v2 is needed" >&2; exit 1; }
resource() {
    aws cloudformation describe-stack-resource --stack-name "$stack" --logical-resource-id "$1" \
        --query StackResourceDetail.PhysicalResourceId --output text 2>/dev/null || true
}
spa=$(resource SpaBucket)
[[ -n $spa ]] && aws s3 rm "s3://$spa" --recursive --quiet
if [[ ${DELETE_ATTACHMENTS:-} == yes ]]; then
    att=$(resource AttachmentsBucket)
    [[ -n $att ]] && aws s3 rm "s3://$att" --recursive --quiet
fi
sam delete --stack-name "$stack" --no-prompts

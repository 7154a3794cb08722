"""Creates what `make dev` needs in the AWS API emulator, as the SAM template does in AWS:
the attachments bucket (CORS for the SPA's PUTs), the media, e-mail and fan-out queues each
with a dead-letter queue and redrive policy, and the sender identity. Safe to run again.

Prints the environment the functions read, as `export NAME=value` lines."""

import json
import os
import sys

import boto3

endpoint = sys.argv[1]
region = os.environ.get("AWS_REGION", "us-east-1")
session = boto3.session.Session(
    aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "local"),
    aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "local"),
    region_name=region,
)
s3 = session.client("s3", endpoint_url=endpoint)
sqs = session.client("sqs", endpoint_url=endpoint)
ses = session.client("sesv2", endpoint_url=endpoint)

bucket = os.environ.get("ATTACHMENTS_BUCKET", "messenger-attachments")
sender = os.environ.get("EMAIL_FROM", "notifications@messenger.localhost")

existing = {b["Name"] for b in s3.list_buckets().get("Buckets", [])}
if bucket not in existing:
    s3.create_bucket(Bucket=bucket)
s3.put_bucket_cors(
    Bucket=bucket,
    CORSConfiguration={
        "CORSRules": [
            {
                "AllowedOrigins": ["*"],
                "AllowedMethods": ["PUT", "GET", "HEAD"],
                "AllowedHeaders": ["*"],
                "MaxAgeSeconds": 3000,
            }
        ]
    },
)


def queue_with_dlq(name, visibility):
    dlq_url = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])[
        "Attributes"
    ]["QueueArn"]
    url = sqs.create_queue(
        QueueName=name,
        Attributes={
            "VisibilityTimeout": str(visibility),
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": "5"}
            ),
        },
    )["QueueUrl"]
    return url


media = queue_with_dlq("messenger-media", 60)
# As in AWS (infra/template.yaml): a job whose worker died holding a claim must still be on
# the queue when the claim's 5-minute lease runs out (5 receives x 180 s), or it would end in
# the dead-letter queue and the member would never be mailed.
email = queue_with_dlq("messenger-email", 180)
fanout = queue_with_dlq("messenger-fanout", 60)

identities = {i["IdentityName"] for i in ses.list_email_identities().get("EmailIdentities", [])}
if sender not in identities:
    ses.create_email_identity(EmailIdentity=sender)

print(f"export ATTACHMENTS_BUCKET={bucket}")
print(f"export MEDIA_QUEUE_URL={media}")
print(f"export EMAIL_QUEUE_URL={email}")
print(f"export FANOUT_QUEUE_URL={fanout}")
print(f"export EMAIL_FROM={sender}")

"""Creates what `make dev` needs in the AWS API emulator, as the SAM template does in AWS:
the attachments bucket (CORS for the SPA's PUTs), the media, e-mail, e-mail events and fan-out
queues each with a dead-letter queue and redrive policy, the sender identity, and the SES
configuration set whose Send events reach the e-mail events queue through an SNS topic (the
emulator publishes them: localstack/moto_server.py). Safe to run again.

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
sns = session.client("sns", endpoint_url=endpoint)

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
email_events = queue_with_dlq("messenger-email-events", 180)

# SES's Send events (docs/EMAIL.md, "The guarantee"), as infra/template.yaml wires them.
config_set = os.environ.get("EMAIL_CONFIGURATION_SET", "messenger")
topic = sns.create_topic(Name="messenger-email-events")["TopicArn"]
events_arn = sqs.get_queue_attributes(QueueUrl=email_events, AttributeNames=["QueueArn"])[
    "Attributes"
]["QueueArn"]
subscribed = sns.list_subscriptions_by_topic(TopicArn=topic).get("Subscriptions", [])
if not any(s["Endpoint"] == events_arn for s in subscribed):
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=events_arn,
        Attributes={"RawMessageDelivery": "true"},
    )
sets = {c for c in ses.list_configuration_sets().get("ConfigurationSets", [])}
if config_set not in sets:
    ses.create_configuration_set(ConfigurationSetName=config_set)
ses.create_configuration_set_event_destination(
    ConfigurationSetName=config_set,
    EventDestinationName="send-events",
    EventDestination={
        "Enabled": True,
        "MatchingEventTypes": ["SEND"],
        "SnsDestination": {"TopicArn": topic},
    },
)

identities = {i["IdentityName"] for i in ses.list_email_identities().get("EmailIdentities", [])}
if sender not in identities:
    ses.create_email_identity(EmailIdentity=sender)

print(f"export ATTACHMENTS_BUCKET={bucket}")
print(f"export MEDIA_QUEUE_URL={media}")
print(f"export EMAIL_QUEUE_URL={email}")
print(f"export FANOUT_QUEUE_URL={fanout}")
print(f"export EMAIL_EVENTS_QUEUE_URL={email_events}")
print(f"export EMAIL_CONFIGURATION_SET={config_set}")
print(f"export EMAIL_FROM={sender}")

//! Resources of their own in the AWS API emulator for each test: a bucket (with the CORS rule
//! the SPA needs), the media and e-mail queues each with a dead-letter queue, and a sender
//! identity. The emulator is the one `localstack/with-test-services.sh` started for the run
//! (`TEST_AWS_ENDPOINT_URL`); names carry a random suffix, so parallel tests never share.

use std::collections::HashMap;

use aws_sdk_s3::types::{CorsConfiguration, CorsRule};
use aws_sdk_sqs::types::QueueAttributeName;

/// Raw SDK clients of the emulator, to set up and inspect a test's resources (the functions
/// use `shared::clients`).
#[derive(Clone, Debug)]
pub struct Aws {
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub ses: aws_sdk_sesv2::Client,
    pub sns: aws_sdk_sns::Client,
}

impl Aws {
    pub fn local(endpoint: &str) -> Self {
        let sdk = shared::clients::local_sdk_config(endpoint);
        Self {
            s3: shared::clients::s3_client(&sdk, true),
            sqs: aws_sdk_sqs::Client::new(&sdk),
            ses: aws_sdk_sesv2::Client::new(&sdk),
            sns: aws_sdk_sns::Client::new(&sdk),
        }
    }
}

/// How often SQS hands out a failing record before moving it to the dead-letter queue.
pub const MAX_RECEIVE_COUNT: u32 = 3;
/// Visibility timeout of the test queues: a failed record comes back after this long.
pub const VISIBILITY_SECS: u32 = 1;

/// How long a test's receive waits for a message.
pub const POLL_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The emulator's URL.
pub fn endpoint() -> String {
    std::env::var("TEST_AWS_ENDPOINT_URL").unwrap_or_else(|_| {
        panic!(
            "TEST_AWS_ENDPOINT_URL is not set: run the tests with `make test`, or wrap the command \
             in `localstack/with-test-services.sh`"
        )
    })
}

#[derive(Debug, Clone)]
pub struct TestAws {
    pub endpoint: String,
    pub bucket: String,
    pub media_queue: String,
    pub media_dlq: String,
    pub email_queue: String,
    pub email_dlq: String,
    pub fanout_queue: String,
    /// Where SES's Send events for the test's configuration set arrive.
    pub email_events_queue: String,
    pub configuration_set: String,
    pub sender: String,
}

impl TestAws {
    /// The variables the functions read, for `Config::from_source`.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("AWS_ENDPOINT_URL", self.endpoint.clone()),
            ("ATTACHMENTS_BUCKET", self.bucket.clone()),
            ("MEDIA_QUEUE_URL", self.media_queue.clone()),
            ("EMAIL_QUEUE_URL", self.email_queue.clone()),
            ("FANOUT_QUEUE_URL", self.fanout_queue.clone()),
            ("EMAIL_EVENTS_QUEUE_URL", self.email_events_queue.clone()),
            ("EMAIL_CONFIGURATION_SET", self.configuration_set.clone()),
            ("EMAIL_FROM", self.sender.clone()),
        ]
    }
}

/// Creates a bucket, the media, e-mail, e-mail events and fan-out queues with dead-letter
/// queues, a sender identity, and a configuration set whose Send events reach the e-mail
/// events queue through an SNS topic (as infra/template.yaml and `make dev` wire them).
pub async fn provision(aws: &Aws, endpoint: &str) -> TestAws {
    let suffix = &uuid::Uuid::new_v4().simple().to_string()[..12];
    let bucket = format!("test-attachments-{suffix}");
    aws.s3
        .create_bucket()
        .bucket(&bucket)
        .send()
        .await
        .expect("create the bucket");
    let rule = CorsRule::builder()
        .allowed_origins("*")
        .allowed_methods("PUT")
        .allowed_methods("GET")
        .allowed_methods("HEAD")
        .allowed_headers("*")
        .max_age_seconds(3000)
        .build()
        .expect("cors rule");
    aws.s3
        .put_bucket_cors()
        .bucket(&bucket)
        .cors_configuration(
            CorsConfiguration::builder()
                .cors_rules(rule)
                .build()
                .expect("cors"),
        )
        .send()
        .await
        .expect("put the bucket's CORS rule");
    let (media_queue, media_dlq) = queue_with_dlq(aws, &format!("test-media-{suffix}")).await;
    let (email_queue, email_dlq) = queue_with_dlq(aws, &format!("test-email-{suffix}")).await;
    let (fanout_queue, _) = queue_with_dlq(aws, &format!("test-fanout-{suffix}")).await;
    let (email_events_queue, _) = queue_with_dlq(aws, &format!("test-email-events-{suffix}")).await;
    let configuration_set = format!("test-{suffix}");
    send_events_to(aws, &configuration_set, &email_events_queue).await;
    let sender = format!("notify-{suffix}@messenger.test");
    aws.ses
        .create_email_identity()
        .email_identity(&sender)
        .send()
        .await
        .expect("create the sender identity");
    TestAws {
        endpoint: endpoint.to_owned(),
        bucket,
        media_queue,
        media_dlq,
        email_queue,
        email_dlq,
        fanout_queue,
        email_events_queue,
        configuration_set,
        sender,
    }
}

/// A configuration set whose `Send` events go to an SNS topic delivering raw to `queue`.
async fn send_events_to(aws: &Aws, configuration_set: &str, queue: &str) {
    use aws_sdk_sesv2::types::{EventDestinationDefinition, EventType, SnsDestination};
    let topic = aws
        .sns
        .create_topic()
        .name(configuration_set)
        .send()
        .await
        .expect("create the events topic")
        .topic_arn
        .expect("topic arn");
    let queue_arn = queue_arn(aws, queue).await;
    aws.sns
        .subscribe()
        .topic_arn(&topic)
        .protocol("sqs")
        .endpoint(queue_arn)
        .attributes("RawMessageDelivery", "true")
        .send()
        .await
        .expect("subscribe the events queue");
    aws.ses
        .create_configuration_set()
        .configuration_set_name(configuration_set)
        .send()
        .await
        .expect("create the configuration set");
    let destination = EventDestinationDefinition::builder()
        .enabled(true)
        .matching_event_types(EventType::Send)
        .sns_destination(
            SnsDestination::builder()
                .topic_arn(topic)
                .build()
                .expect("sns destination"),
        )
        .build();
    aws.ses
        .create_configuration_set_event_destination()
        .configuration_set_name(configuration_set)
        .event_destination_name("send-events")
        .event_destination(destination)
        .send()
        .await
        .expect("create the event destination");
}

async fn queue_with_dlq(aws: &Aws, name: &str) -> (String, String) {
    let dlq = aws
        .sqs
        .create_queue()
        .queue_name(format!("{name}-dlq"))
        .send()
        .await
        .expect("create the dead-letter queue")
        .queue_url
        .expect("queue url");
    let arn = queue_arn(aws, &dlq).await;
    let redrive = serde_json::json!({
        "deadLetterTargetArn": arn,
        "maxReceiveCount": MAX_RECEIVE_COUNT.to_string(),
    })
    .to_string();
    let queue = aws
        .sqs
        .create_queue()
        .queue_name(name)
        .set_attributes(Some(HashMap::from([
            (QueueAttributeName::RedrivePolicy, redrive),
            (
                QueueAttributeName::VisibilityTimeout,
                VISIBILITY_SECS.to_string(),
            ),
        ])))
        .send()
        .await
        .expect("create the queue")
        .queue_url
        .expect("queue url");
    (queue, dlq)
}

async fn queue_arn(aws: &Aws, queue: &str) -> String {
    aws.sqs
        .get_queue_attributes()
        .queue_url(queue)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes")
        .attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .expect("queue arn")
}

/// How many messages a queue holds (visible and in flight), as SQS counts them.
pub async fn queue_depth(aws: &Aws, queue: &str) -> u64 {
    let attrs = aws
        .sqs
        .get_queue_attributes()
        .queue_url(queue)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
        .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesDelayed)
        .send()
        .await
        .expect("queue attributes")
        .attributes
        .unwrap_or_default();
    attrs.values().map(|v| v.parse::<u64>().unwrap_or(0)).sum()
}

pub use local_gateway::mail_page::SentMail;

/// The mail the emulator's SES accepted from `sender` (each test has a sender of its own;
/// the emulator is shared, so never reset it).
pub async fn sent_mail(endpoint: &str, sender: &str) -> Vec<SentMail> {
    local_gateway::mail_page::fetch(endpoint)
        .await
        .expect("read the emulator's sent mail")
        .into_iter()
        .filter(|m| m.from == sender)
        .collect()
}

/// Runs `worker` on whatever its queue holds, as the gateway's poller would, until the
/// queue is empty (records it queues with a delay count as held: don't drain those).
/// Returns how many records were handled.
pub async fn drain(ctx: &shared::Ctx, aws: &Aws, worker: &shared::routes::SqsWorker) -> usize {
    let queue = (worker.queue)(ctx)
        .expect("the worker's queue")
        .url()
        .to_owned();
    let mut handled = 0;
    while queue_depth(aws, &queue).await > 0 {
        handled += local_gateway::sqs_poller::poll_once(ctx, worker, POLL_WAIT)
            .await
            .expect("poll the queue");
    }
    handled
}

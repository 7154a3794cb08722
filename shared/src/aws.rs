//! The AWS clients besides the management API: S3 (attachments), SQS (the job queues) and
//! SESv2 (e-mail). Built once per cold start from the function's role; locally they point at
//! the emulator through `AWS_ENDPOINT_URL`.

use aws_config::SdkConfig;
use aws_sdk_s3::config::{BehaviorVersion, Credentials, Region};

use crate::config::Config;

#[derive(Clone, Debug)]
pub struct Aws {
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub ses: aws_sdk_sesv2::Client,
}

impl Aws {
    /// From the environment's shared configuration (region, credentials, endpoint).
    pub fn from_shared(shared: &SdkConfig, config: &Config) -> Self {
        let s3 = aws_sdk_s3::config::Builder::from(shared)
            // An emulator serves every bucket from one host.
            .force_path_style(config.aws_endpoint_url.is_some())
            .build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(s3),
            sqs: aws_sdk_sqs::Client::new(shared),
            ses: aws_sdk_sesv2::Client::new(shared),
        }
    }

    /// Clients of an emulator at `endpoint` with fixed credentials (tests and tools).
    pub fn local(endpoint: &str) -> Self {
        let credentials = Credentials::new("local", "local", None, None, "local");
        let region = Region::new("us-east-1");
        let s3 = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(region.clone())
            .credentials_provider(credentials.clone())
            .endpoint_url(endpoint)
            .force_path_style(true)
            .build();
        let sqs = aws_sdk_sqs::Config::builder()
            .behavior_version(aws_sdk_sqs::config::BehaviorVersion::latest())
            .region(aws_sdk_sqs::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_sqs::config::Credentials::new(
                "local", "local", None, None, "local",
            ))
            .endpoint_url(endpoint)
            .build();
        let ses = aws_sdk_sesv2::Config::builder()
            .behavior_version(aws_sdk_sesv2::config::BehaviorVersion::latest())
            .region(aws_sdk_sesv2::config::Region::new("us-east-1"))
            .credentials_provider(aws_sdk_sesv2::config::Credentials::new(
                "local", "local", None, None, "local",
            ))
            .endpoint_url(endpoint)
            .build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(s3),
            sqs: aws_sdk_sqs::Client::from_conf(sqs),
            ses: aws_sdk_sesv2::Client::from_conf(ses),
        }
    }
}

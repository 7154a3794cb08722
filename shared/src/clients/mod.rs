//! The small clients through which every side effect leaves a function: pushes to WebSocket
//! clients (API Gateway's management API), object storage (S3), job queues (SQS) and mail
//! (SESv2). Each is built once per cold start (in `Ctx`) from one SDK configuration and maps
//! its SDK's errors once, so services never see an SDK type. Locally they point at the
//! emulator through `AWS_ENDPOINT_URL` (and pushes at the local gateway).

pub mod https;
pub mod mailer;
pub mod push;
pub mod queue;
pub mod storage;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_s3::config::{Credentials, SharedCredentialsProvider};

/// The SDK configuration of an emulator at `endpoint` with fixed credentials (tests and
/// tools; the emulator ignores signatures).
pub fn local_sdk_config(endpoint: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "local", "local", None, None, "local",
        )))
        .endpoint_url(endpoint)
        .http_client(https::lazy_https_client())
        .build()
}

/// An S3 client for `sdk`; path-style against an emulator, which serves every bucket from one
/// host.
pub fn s3_client(sdk: &SdkConfig, path_style: bool) -> aws_sdk_s3::Client {
    let conf = aws_sdk_s3::config::Builder::from(sdk)
        .force_path_style(path_style)
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

//! What every handler gets: configuration, the pool, the token keys and the clients of the
//! services around it, built once per cold start (or once per gateway) and cheap to clone.

use std::sync::{Arc, Mutex};

use aws_config::SdkConfig;
use deadpool_postgres::Pool;

use crate::auth::jwt::TokenKeys;
use crate::clients::mailer::Mailer;
use crate::clients::push::Pusher;
use crate::clients::queue::Queue;
use crate::clients::storage::Storage;
use crate::config::Config;
use crate::ordering::Sequencer;

#[derive(Clone)]
pub struct Ctx {
    pub config: Arc<Config>,
    pub db: Pool,
    pub tokens: Arc<TokenKeys>,
    /// PostToConnection to WebSocket clients; disabled when no endpoint is configured.
    pub push: Pusher,
    /// The attachments bucket (`ATTACHMENTS_BUCKET`).
    pub storage: Option<Storage>,
    /// The media worker's queue (`MEDIA_QUEUE_URL`).
    pub media_queue: Option<Queue>,
    /// The e-mail worker's queue (`EMAIL_QUEUE_URL`).
    pub email_queue: Option<Queue>,
    /// SESv2 with the sender identity (`EMAIL_FROM`).
    pub mailer: Option<Mailer>,
    /// SES's sending events (`EMAIL_EVENTS_QUEUE_URL`), read by the e-mail events worker.
    pub email_events_queue: Option<Queue>,
    /// The fan-out worker's queue (`FANOUT_QUEUE_URL`).
    pub fanout_queue: Option<Queue>,
    /// Outbox rows this process announced, to be deleted with the next flush.
    pub outbox: Arc<Finished>,
    /// Keeps one chat's announcements in seq order inside this process.
    pub sequencer: Arc<Sequencer>,
}

/// The SDK configuration every AWS client of a process shares (region and credentials from
/// the environment; no network until first use).
pub async fn sdk_config() -> SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(crate::clients::https::lazy_https_client())
        .load()
        .await
}

impl Ctx {
    /// A context without pushing or AWS clients (REST-only tools and tests).
    pub fn new(config: Config) -> anyhow::Result<Self> {
        let db = crate::db::pool(&config)?;
        Ok(Self::with_pool(config, db))
    }

    /// The cold-start context: pool, token keys, the pusher for the configured endpoint and
    /// the AWS clients (one shared SDK configuration; no network until first use).
    pub async fn from_config(config: Config) -> anyhow::Result<Self> {
        Self::from_config_with(config, &sdk_config().await)
    }

    /// [`Ctx::from_config`] with an SDK configuration already loaded (the cold start loads one
    /// first to read the secrets).
    pub fn from_config_with(config: Config, sdk: &SdkConfig) -> anyhow::Result<Self> {
        let push = Pusher::from_shared(sdk, &config);
        let mut ctx = Self::new(config)?.with_clients(sdk);
        ctx.push = push;
        Ok(ctx)
    }

    /// Adds the clients the configuration names (bucket, queues, sender) built from `sdk`.
    pub fn with_clients(mut self, sdk: &SdkConfig) -> Self {
        let config = &self.config;
        self.storage = config.attachments_bucket.clone().map(|bucket| {
            let s3 = crate::clients::s3_client(sdk, config.aws_endpoint_url.is_some());
            Storage::new(s3, bucket)
        });
        let sqs = aws_sdk_sqs::Client::new(sdk);
        self.media_queue = config
            .media_queue_url
            .clone()
            .map(|url| Queue::new(sqs.clone(), url));
        self.email_queue = config
            .email_queue_url
            .clone()
            .map(|url| Queue::new(sqs.clone(), url));
        self.fanout_queue = config
            .fanout_queue_url
            .clone()
            .map(|url| Queue::new(sqs.clone(), url));
        self.email_events_queue = config
            .email_events_queue_url
            .clone()
            .map(|url| Queue::new(sqs.clone(), url));
        self.mailer = config.email_from.clone().map(|from| {
            Mailer::new(aws_sdk_sesv2::Client::new(sdk), from)
                .with_configuration_set(config.email_configuration_set.clone())
        });
        self
    }

    pub fn with_pool(config: Config, db: Pool) -> Self {
        let tokens = Arc::new(TokenKeys::new(&config));
        let sequencer = Arc::new(Sequencer::new(config.announce_order_wait));
        Self {
            config: Arc::new(config),
            db,
            tokens,
            push: Pusher::disabled(),
            storage: None,
            media_queue: None,
            email_queue: None,
            mailer: None,
            email_events_queue: None,
            fanout_queue: None,
            outbox: Arc::default(),
            sequencer,
        }
    }
}

/// Ids of outbox rows this process announced and has not yet deleted (`service::outbox`
/// deletes them in batches).
#[derive(Debug, Default)]
pub struct Finished(Mutex<Vec<i64>>);

impl Finished {
    pub fn push(&self, id: i64) {
        match self.0.lock() {
            Ok(mut ids) => ids.push(id),
            Err(poisoned) => poisoned.into_inner().push(id),
        }
    }

    pub fn take(&self) -> Vec<i64> {
        match self.0.lock() {
            Ok(mut ids) => std::mem::take(&mut *ids),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}

//! What every handler gets: configuration, the pool and the token keys, built once per cold
//! start (or once per gateway) and cheap to clone.

use std::sync::Arc;

use deadpool_postgres::Pool;

use crate::auth::jwt::TokenKeys;
use crate::aws::Aws;
use crate::config::Config;
use crate::push::Pusher;

#[derive(Clone)]
pub struct Ctx {
    pub config: Arc<Config>,
    pub db: Pool,
    pub tokens: Arc<TokenKeys>,
    /// PostToConnection to WebSocket clients; disabled when no endpoint is configured.
    pub push: Pusher,
    /// S3, SQS and SESv2; absent in contexts built without AWS (REST-only tests).
    pub aws: Option<Aws>,
}

impl Ctx {
    /// A context without pushing (REST-only tools and tests).
    pub fn new(config: Config) -> anyhow::Result<Self> {
        let db = crate::db::pool(&config)?;
        Ok(Self::with_pool(config, db))
    }

    /// The cold-start context: pool, token keys, the pusher for the configured endpoint and
    /// the AWS clients (one shared SDK configuration; no network until first use).
    pub async fn from_config(config: Config) -> anyhow::Result<Self> {
        let shared = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .load()
            .await;
        let push = Pusher::from_shared(&shared, &config);
        let aws = Aws::from_shared(&shared, &config);
        let mut ctx = Self::new(config)?;
        ctx.push = push;
        ctx.aws = Some(aws);
        Ok(ctx)
    }

    pub fn with_pool(config: Config, db: Pool) -> Self {
        let tokens = Arc::new(TokenKeys::new(&config));
        Self {
            config: Arc::new(config),
            db,
            tokens,
            push: Pusher::disabled(),
            aws: None,
        }
    }
}

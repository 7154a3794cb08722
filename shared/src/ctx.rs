//! What every handler gets: configuration, the pool and the token keys, built once per cold
//! start (or once per gateway) and cheap to clone.

use std::sync::Arc;

use deadpool_postgres::Pool;

use crate::auth::jwt::TokenKeys;
use crate::config::Config;

#[derive(Clone)]
pub struct Ctx {
    pub config: Arc<Config>,
    pub db: Pool,
    pub tokens: Arc<TokenKeys>,
}

impl Ctx {
    pub fn new(config: Config) -> anyhow::Result<Self> {
        let db = crate::db::pool(&config)?;
        Ok(Self::with_pool(config, db))
    }

    pub fn with_pool(config: Config, db: Pool) -> Self {
        let tokens = Arc::new(TokenKeys::new(&config));
        Self {
            config: Arc::new(config),
            db,
            tokens,
        }
    }
}

//! The audit log (`audit_events`): security events with who, what, when and from where.
//! Never a password, a token or a message's text: callers pass ids and small facts only.

use std::net::IpAddr;
use std::time::Duration;

use super::GenericClient;
use crate::contract::{ChatId, UserId};
use crate::error::ApiError;

/// One security event.
#[derive(Debug, Clone)]
pub struct Entry {
    /// What happened, e.g. `sign_in_failed` (docs/SECURITY.md lists them all).
    pub event: &'static str,
    /// The account that acted; `None` for someone not signed in.
    pub actor: Option<UserId>,
    /// The account acted upon, when another.
    pub target: Option<UserId>,
    pub chat: Option<ChatId>,
    pub source_ip: Option<IpAddr>,
    /// Small facts (counts, reasons); never secrets or message text.
    pub detail: serde_json::Value,
}

impl Entry {
    pub fn new(event: &'static str) -> Self {
        Self {
            event,
            actor: None,
            target: None,
            chat: None,
            source_ip: None,
            detail: serde_json::Value::Object(serde_json::Map::new()),
        }
    }

    pub fn actor(mut self, user: UserId) -> Self {
        self.actor = Some(user);
        self
    }

    pub fn target(mut self, user: UserId) -> Self {
        self.target = Some(user);
        self
    }

    pub fn chat(mut self, chat: ChatId) -> Self {
        self.chat = Some(chat);
        self
    }

    pub fn from_ip(mut self, ip: Option<IpAddr>) -> Self {
        self.source_ip = ip;
        self
    }

    pub fn detail(mut self, detail: serde_json::Value) -> Self {
        self.detail = detail;
        self
    }
}

/// Records one event (in the caller's transaction, if it passes one).
pub async fn record(db: &impl GenericClient, e: &Entry) -> Result<(), ApiError> {
    super::execute(
        db,
        "INSERT INTO audit_events (event, actor_id, target_id, chat_id, source_ip, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            &e.event,
            &e.actor.map(|u| u.0),
            &e.target.map(|u| u.0),
            &e.chat.map(|c| c.0),
            &e.source_ip,
            &e.detail,
        ],
    )
    .await?;
    Ok(())
}

/// Deletes events older than `retention`.
pub async fn sweep(db: &impl GenericClient, retention: Duration) -> Result<u64, ApiError> {
    let secs = retention.as_secs_f64();
    Ok(super::execute(
        db,
        "DELETE FROM audit_events WHERE at < now() - make_interval(secs => $1)",
        &[&secs],
    )
    .await?)
}

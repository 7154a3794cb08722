//! SES's sending events (docs/EMAIL.md, "The guarantee"): the configuration set the worker
//! sends with publishes a `Send` event for every mail SES accepted, to an SNS topic whose
//! queue feeds the e-mail events worker. The event carries the mail's tags, among them the
//! notification's idempotency key, and settles that notification's claim.

use std::collections::HashMap;

use anyhow::Context as _;
use serde::Deserialize;
use uuid::Uuid;

use crate::clients::mailer::KEY_TAG;
use crate::ctx::Ctx;
use crate::repo::notifications::{self as repo, Outcome};

/// The part of an SES event the worker reads.
#[derive(Debug, Deserialize)]
struct SesEvent {
    #[serde(rename = "eventType")]
    event_type: String,
    mail: Mail,
}

#[derive(Debug, Deserialize)]
struct Mail {
    #[serde(default)]
    tags: HashMap<String, Vec<String>>,
}

/// An SNS notification, when the subscription does not deliver raw messages.
#[derive(Debug, Deserialize)]
struct SnsEnvelope {
    #[serde(rename = "Message")]
    message: String,
}

/// What an event came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seen {
    /// A notification's claim settled: its worker had not recorded the mail (it died, or lost
    /// SES's answer).
    Settled,
    /// The notification was already recorded (the usual case), or is no notification.
    Nothing,
    /// Another kind of event (delivery, bounce, ...), not read here.
    Ignored,
}

/// Reads one queue record: an SES event as SNS delivers it raw, or wrapped in an SNS
/// notification. A record that is neither fails, so it ends in the dead-letter queue.
pub async fn handle(ctx: &Ctx, body: &str) -> anyhow::Result<Seen> {
    let event = match serde_json::from_str::<SesEvent>(body) {
        Ok(event) => event,
        Err(_) => {
            let envelope: SnsEnvelope =
                serde_json::from_str(body).context("neither an SES event nor an SNS message")?;
            serde_json::from_str(&envelope.message).context("the SNS message is no SES event")?
        }
    };
    if event.event_type != "Send" {
        return Ok(Seen::Ignored);
    }
    let key = event.mail.tags.get(KEY_TAG).and_then(|v| v.first());
    // Mails without the tag (account and chat-request mails) have no claim to settle.
    let Some(key) = key.and_then(|k| Uuid::parse_str(k).ok()) else {
        return Ok(Seen::Nothing);
    };
    // Settled as the worker settles a mail SES accepted; a claim already settled, or given up
    // and claimed anew under another id, is left alone.
    let db = ctx.db.get().await?;
    if repo::finish(&db, key, Outcome::Sent).await? {
        tracing::warn!(notification_id = %key, "SES accepted a notification its worker had not recorded; settled from its Send event");
        Ok(Seen::Settled)
    } else {
        Ok(Seen::Nothing)
    }
}

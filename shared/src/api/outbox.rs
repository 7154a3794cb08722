//! What follows a write, off the request: the scheduled outbox drainer and the fan-out
//! worker that announces the changes of large chats.

use aws_lambda_events::sqs::SqsMessage;

use crate::adapter::sqs::SqsFuture;
use crate::ctx::Ctx;
use crate::error::ApiError;
use crate::service::announce::{self, FanoutJob, Known, Outcome};
use crate::service::outbox;

/// The scheduled `outbox-drainer` job: announces what writers left unfinished.
pub async fn drain(ctx: Ctx) -> Result<serde_json::Value, ApiError> {
    let r = outbox::drain(&ctx).await?;
    Ok(serde_json::json!({
        "announced": r.announced,
        "retried": r.retried,
        "dropped": r.dropped,
    }))
}

/// The fan-out worker: one SQS record is one `FanoutJob` (a large chat's change). A record
/// that is not a job is logged and dropped (retrying cannot fix it); one whose e-mail jobs
/// could not be queued is retried (the pushes then go out again: clients de-duplicate).
pub fn fanout_worker(ctx: Ctx, record: SqsMessage) -> SqsFuture {
    Box::pin(async move {
        let body = record.body.as_deref().unwrap_or("");
        let job: FanoutJob = match serde_json::from_str(body) {
            Ok(job) => job,
            Err(e) => {
                tracing::error!(message_id = ?record.message_id, error = %e, "not a fan-out job; dropped");
                return Ok(());
            }
        };
        match announce::announce_here(&ctx, &job.change, Known::default()).await {
            Outcome::Done => Ok(()),
            Outcome::Retry(reason) => Err(anyhow::anyhow!(reason)),
        }
    })
}

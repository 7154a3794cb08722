//! SQS events with partial batch failures: every record is handled on its own and only the
//! failed ones are reported back, so SQS redelivers those alone (and, after the queue's
//! `maxReceiveCount`, moves them to the dead-letter queue).

use std::future::Future;
use std::pin::Pin;

use aws_lambda_events::sqs::{BatchItemFailure, SqsBatchResponse, SqsEvent, SqsMessage};
use futures::stream::{self, StreamExt as _};

use super::catch_panic;
use crate::ctx::Ctx;

pub type SqsFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;
/// Handles one record; an error means "deliver it again later".
pub type SqsHandler = fn(Ctx, SqsMessage) -> SqsFuture;

/// How many records of one batch are worked on at once.
const CONCURRENCY: usize = 8;

pub async fn dispatch(
    ctx: &Ctx,
    function: &str,
    handler: SqsHandler,
    event: SqsEvent,
) -> SqsBatchResponse {
    let failures: Vec<BatchItemFailure> = stream::iter(event.records)
        .map(|record| {
            let ctx = ctx.clone();
            async move {
                let id = record.message_id.clone().unwrap_or_default();
                let outcome =
                    catch_panic(handler(ctx, record), || anyhow::anyhow!("handler panicked")).await;
                match outcome {
                    Ok(()) => None,
                    Err(err) => {
                        tracing::error!(function, message_id = %id, error = %format!("{err:#}"), "record failed; it will be retried");
                        let mut failure = BatchItemFailure::default();
                        failure.item_identifier = id;
                        Some(failure)
                    }
                }
            }
        })
        .buffer_unordered(CONCURRENCY)
        .filter_map(futures::future::ready)
        .collect()
        .await;
    let mut response = SqsBatchResponse::default();
    response.batch_item_failures = failures;
    response
}

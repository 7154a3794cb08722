//! Lambda's SQS event source mapping, played locally: long-polls a worker's queue, hands each
//! batch (up to 10 records) to the worker's handler as an `SqsEvent`, and deletes the records
//! that succeeded. Failed records stay on the queue: they come back after the visibility
//! timeout and, past the redrive policy's `maxReceiveCount`, SQS moves them to the dead-letter
//! queue, as in AWS.

use std::collections::HashSet;
use std::time::Duration;

use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use shared::Ctx;
use shared::routes::SqsWorker;

use crate::functions::Functions;

/// How long one ReceiveMessage call of the background poller waits for messages (long
/// polling: the emulator answers as soon as one arrives, so a longer wait only means fewer
/// idle calls; 20 s is SQS's most).
const LONG_POLL: Duration = Duration::from_secs(20);

/// Starts one poller per worker whose queue is configured. `LOCAL_SQS_DELIVERIES=N` (the
/// fault suite's, docs/RELIABILITY.md) hands every batch to N concurrent invocations, as SQS's
/// at-least-once delivery may.
pub fn spawn_all(ctx: &Ctx, functions: &Functions) -> Vec<tokio::task::JoinHandle<()>> {
    let deliveries = std::env::var("LOCAL_SQS_DELIVERIES")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    if deliveries > 1 {
        tracing::warn!(deliveries, "every SQS record is delivered more than once");
    }
    shared::routes::SQS_WORKERS
        .iter()
        .filter_map(|worker| {
            let queue = (worker.queue)(ctx)?;
            tracing::info!(function = worker.function, queue = %queue.url(), "polling queue");
            Some(tokio::spawn(poll(
                ctx.clone(),
                functions.clone(),
                *worker,
                deliveries,
            )))
        })
        .collect()
}

async fn poll(ctx: Ctx, functions: Functions, worker: SqsWorker, deliveries: usize) {
    let mut backoff = Duration::from_millis(200);
    loop {
        match poll_once_delivering(&ctx, &functions, &worker, LONG_POLL, deliveries).await {
            Ok(_) => backoff = Duration::from_millis(200),
            Err(e) => {
                tracing::warn!(function = worker.function, error = %format!("{e:#}"), "polling the queue failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// One receive (waiting up to `wait` for a message), one invocation in this process, one
/// delete; returns how many records were handled (0 when the worker's queue is not
/// configured).
pub async fn poll_once(ctx: &Ctx, worker: &SqsWorker, wait: Duration) -> anyhow::Result<usize> {
    poll_once_with(ctx, &Functions::InProcess, worker, wait).await
}

/// As `poll_once`, with the worker run wherever `functions` runs it.
pub async fn poll_once_with(
    ctx: &Ctx,
    functions: &Functions,
    worker: &SqsWorker,
    wait: Duration,
) -> anyhow::Result<usize> {
    poll_once_delivering(ctx, functions, worker, wait, 1).await
}

/// As `poll_once_with`, handing the batch to `deliveries` concurrent invocations; a record is
/// deleted when any of them succeeded with it.
async fn poll_once_delivering(
    ctx: &Ctx,
    functions: &Functions,
    worker: &SqsWorker,
    wait: Duration,
    deliveries: usize,
) -> anyhow::Result<usize> {
    let Some(queue) = (worker.queue)(ctx) else {
        return Ok(0);
    };
    let messages = queue.receive(wait).await?;
    if messages.is_empty() {
        return Ok(0);
    }
    let mut event = SqsEvent::default();
    let mut receipts = Vec::new();
    for m in messages {
        let mut record = SqsMessage::default();
        record.message_id = m.message_id.clone();
        record.receipt_handle = m.receipt_handle.clone();
        record.body = m.body;
        record.md5_of_body = m.md5_of_body;
        record.attributes = m.attributes.into_iter().collect();
        record.event_source = Some("aws:sqs".to_owned());
        event.records.push(record);
        if let (Some(id), Some(receipt)) = (m.message_id, m.receipt_handle) {
            receipts.push((id, receipt));
        }
    }
    let count = event.records.len();
    let responses = futures::future::join_all(
        (0..deliveries).map(|_| functions.sqs(ctx, worker, event.clone())),
    )
    .await;
    // Failed only when every delivery failed it.
    let failed: HashSet<String> = responses
        .into_iter()
        .map(|r| {
            r.batch_item_failures
                .into_iter()
                .map(|f| f.item_identifier)
                .collect::<HashSet<_>>()
        })
        .reduce(|a, b| a.intersection(&b).cloned().collect())
        .unwrap_or_default();
    let done: Vec<String> = receipts
        .into_iter()
        .filter(|(id, _)| !failed.contains(id))
        .map(|(_, receipt)| receipt)
        .collect();
    queue.delete(&done).await?;
    Ok(count)
}

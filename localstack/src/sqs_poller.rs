//! Lambda's SQS event source mapping, played locally: long-polls a worker's queue, hands each
//! batch (up to 10 records) to the worker's handler as an `SqsEvent`, and deletes the records
//! that succeeded. Failed records stay on the queue: they come back after the visibility
//! timeout and, past the redrive policy's `maxReceiveCount`, SQS moves them to the dead-letter
//! queue, as in AWS.

use std::collections::HashSet;
use std::time::Duration;

use aws_lambda_events::sqs::{SqsEvent, SqsMessage};
use aws_sdk_sqs::types::{DeleteMessageBatchRequestEntry, MessageSystemAttributeName};
use shared::Ctx;
use shared::routes::SqsWorker;

use crate::functions::Functions;

/// How long one ReceiveMessage call waits for messages (long polling).
const WAIT_SECS: i32 = 2;

/// Starts one poller per worker whose queue is configured.
pub fn spawn_all(ctx: &Ctx, functions: &Functions) -> Vec<tokio::task::JoinHandle<()>> {
    let Some(aws) = ctx.aws.clone() else {
        return Vec::new();
    };
    shared::routes::SQS_WORKERS
        .iter()
        .filter_map(|worker| {
            let queue = (worker.queue)(&ctx.config)?.to_owned();
            tracing::info!(function = worker.function, queue = %queue, "polling queue");
            Some(tokio::spawn(poll(
                ctx.clone(),
                functions.clone(),
                aws.sqs.clone(),
                *worker,
                queue,
            )))
        })
        .collect()
}

async fn poll(
    ctx: Ctx,
    functions: Functions,
    sqs: aws_sdk_sqs::Client,
    worker: SqsWorker,
    queue: String,
) {
    let mut backoff = Duration::from_millis(200);
    loop {
        match poll_once_with(&ctx, &functions, &sqs, &worker, &queue).await {
            Ok(_) => backoff = Duration::from_millis(200),
            Err(e) => {
                tracing::warn!(function = worker.function, error = %format!("{e:#}"), "polling the queue failed");
                tokio::time::sleep(backoff).await;
                backoff = (backoff * 2).min(Duration::from_secs(5));
            }
        }
    }
}

/// One receive, one invocation in this process, one delete; returns how many records were
/// handled.
pub async fn poll_once(
    ctx: &Ctx,
    sqs: &aws_sdk_sqs::Client,
    worker: &SqsWorker,
    queue: &str,
) -> anyhow::Result<usize> {
    poll_once_with(ctx, &Functions::InProcess, sqs, worker, queue).await
}

/// One receive, one invocation wherever `functions` runs the worker, one delete.
pub async fn poll_once_with(
    ctx: &Ctx,
    functions: &Functions,
    sqs: &aws_sdk_sqs::Client,
    worker: &SqsWorker,
    queue: &str,
) -> anyhow::Result<usize> {
    let received = sqs
        .receive_message()
        .queue_url(queue)
        .max_number_of_messages(10)
        .wait_time_seconds(WAIT_SECS)
        .message_system_attribute_names(MessageSystemAttributeName::All)
        .send()
        .await?;
    let messages = received.messages.unwrap_or_default();
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
        record.attributes = m
            .attributes
            .unwrap_or_default()
            .into_iter()
            .map(|(k, v)| (k.as_str().to_owned(), v))
            .collect();
        record.event_source = Some("aws:sqs".to_owned());
        event.records.push(record);
        if let (Some(id), Some(receipt)) = (m.message_id, m.receipt_handle) {
            receipts.push((id, receipt));
        }
    }
    let count = event.records.len();
    let response = functions.sqs(ctx, worker, event).await;
    let failed: HashSet<String> = response
        .batch_item_failures
        .into_iter()
        .map(|f| f.item_identifier)
        .collect();
    let entries: Vec<_> = receipts
        .into_iter()
        .filter(|(id, _)| !failed.contains(id))
        .enumerate()
        .filter_map(|(i, (_, receipt))| {
            DeleteMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .receipt_handle(receipt)
                .build()
                .ok()
        })
        .collect();
    if !entries.is_empty() {
        sqs.delete_message_batch()
            .queue_url(queue)
            .set_entries(Some(entries))
            .send()
            .await?;
    }
    Ok(count)
}

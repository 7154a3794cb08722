//! Job queues (SQS): the media and e-mail queues functions put jobs on, and (for the local
//! gateway and tests, which play Lambda's event source mapping) receiving and deleting them.

use std::time::Duration;

use aws_sdk_sqs::types::{
    DeleteMessageBatchRequestEntry, MessageSystemAttributeName, SendMessageBatchRequestEntry,
};
use futures::stream::{self, StreamExt as _};
use serde::Serialize;

/// SendMessageBatch and DeleteMessageBatch take at most 10 entries.
const BATCH: usize = 10;
/// Batch calls in flight at once for one `send_all`.
const CONCURRENCY: usize = 4;
/// SQS delays a message by at most 15 minutes.
pub const MAX_DELAY: Duration = Duration::from_secs(900);

/// Why a queue call failed; always worth retrying later.
#[derive(Debug, thiserror::Error)]
#[error("queue: {0:#}")]
pub struct QueueError(anyhow::Error);

impl From<QueueError> for crate::error::ApiError {
    fn from(err: QueueError) -> Self {
        Self::Unavailable(err.0)
    }
}

/// A message taken from a queue.
#[derive(Debug, Clone)]
pub struct Received {
    pub message_id: Option<String>,
    pub receipt_handle: Option<String>,
    pub body: Option<String>,
    pub md5_of_body: Option<String>,
    pub attributes: Vec<(String, String)>,
}

#[derive(Clone, Debug)]
pub struct Queue {
    sqs: aws_sdk_sqs::Client,
    url: String,
}

fn delay_secs(delay: Duration) -> i32 {
    i32::try_from(delay.min(MAX_DELAY).as_secs()).unwrap_or(0)
}

impl Queue {
    pub fn new(sqs: aws_sdk_sqs::Client, url: String) -> Self {
        Self { sqs, url }
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// Puts one job on the queue, invisible for `delay`.
    pub async fn send(&self, job: &impl Serialize, delay: Duration) -> Result<(), QueueError> {
        let body = serde_json::to_string(job).map_err(|e| QueueError(e.into()))?;
        self.sqs
            .send_message()
            .queue_url(&self.url)
            .message_body(body)
            .delay_seconds(delay_secs(delay))
            .send()
            .await
            .map_err(|e| QueueError(anyhow::anyhow!("SendMessage: {e}")))?;
        Ok(())
    }

    /// Puts many jobs on the queue (10 per call, a few calls at once), each invisible for
    /// `delay`. Returns the indexes of the jobs that did not make it.
    pub async fn send_all<T: Serialize>(&self, jobs: &[T], delay: Duration) -> Vec<usize> {
        let bodies: Vec<Option<String>> =
            jobs.iter().map(|j| serde_json::to_string(j).ok()).collect();
        let delay = delay_secs(delay);
        // Each call owns its entries, so the calls can run concurrently.
        let calls: Vec<_> = bodies
            .chunks(BATCH)
            .enumerate()
            .map(|(n, chunk)| {
                let first = n * BATCH;
                let entries: Option<Vec<SendMessageBatchRequestEntry>> = chunk
                    .iter()
                    .enumerate()
                    .map(|(i, body)| {
                        SendMessageBatchRequestEntry::builder()
                            .id(i.to_string())
                            .message_body(body.clone()?)
                            .delay_seconds(delay)
                            .build()
                            .ok()
                    })
                    .collect();
                send_batch(
                    self.sqs.clone(),
                    self.url.clone(),
                    first,
                    chunk.len(),
                    entries,
                )
            })
            .collect();
        stream::iter(calls)
            .buffer_unordered(CONCURRENCY)
            .flat_map(stream::iter)
            .collect()
            .await
    }

    /// Long-polls for up to 10 messages, waiting at most `wait`.
    pub async fn receive(&self, wait: Duration) -> Result<Vec<Received>, QueueError> {
        let out = self
            .sqs
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(10)
            .wait_time_seconds(i32::try_from(wait.as_secs()).unwrap_or(20))
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .send()
            .await
            .map_err(|e| QueueError(anyhow::anyhow!("ReceiveMessage: {e}")))?;
        Ok(out
            .messages
            .unwrap_or_default()
            .into_iter()
            .map(|m| Received {
                message_id: m.message_id,
                receipt_handle: m.receipt_handle,
                body: m.body,
                md5_of_body: m.md5_of_body,
                attributes: m
                    .attributes
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(k, v)| (k.as_str().to_owned(), v))
                    .collect(),
            })
            .collect())
    }

    /// Deletes received messages by their receipt handles.
    pub async fn delete(&self, receipts: &[String]) -> Result<(), QueueError> {
        for chunk in receipts.chunks(BATCH) {
            let entries: Vec<_> = chunk
                .iter()
                .enumerate()
                .filter_map(|(i, receipt)| {
                    DeleteMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .receipt_handle(receipt)
                        .build()
                        .ok()
                })
                .collect();
            self.sqs
                .delete_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| QueueError(anyhow::anyhow!("DeleteMessageBatch: {e}")))?;
        }
        Ok(())
    }
}

/// One SendMessageBatch call for the jobs `first..first + len`; returns the indexes of those
/// it did not queue (all of them when `entries` could not be built).
async fn send_batch(
    sqs: aws_sdk_sqs::Client,
    url: String,
    first: usize,
    len: usize,
    entries: Option<Vec<SendMessageBatchRequestEntry>>,
) -> Vec<usize> {
    let all = || (first..first + len).collect::<Vec<_>>();
    let Some(entries) = entries else {
        return all();
    };
    match sqs
        .send_message_batch()
        .queue_url(&url)
        .set_entries(Some(entries))
        .send()
        .await
    {
        Ok(out) => out
            .failed
            .iter()
            .filter_map(|f| f.id.parse::<usize>().ok())
            .map(|i| first + i)
            .collect(),
        Err(err) => {
            tracing::warn!(error = %format!("{:#}", anyhow::Error::from(err)), "SendMessageBatch failed");
            all()
        }
    }
}

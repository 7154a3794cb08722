//! Adapters: one per trigger. Each turns its event into typed input for a handler and the
//! handler's result (or error) into the answer the trigger expects. Errors are logged here, once.

pub mod http;
pub mod sqs;
pub mod ws;

use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt as _;

/// Runs a handler, turning a panic into the error `panicked` makes, so one bad event never
/// takes the process (a warm Lambda, or the whole local gateway) down with it.
pub(crate) async fn catch_panic<T, E>(
    handler: impl Future<Output = Result<T, E>>,
    panicked: impl FnOnce() -> E,
) -> Result<T, E> {
    AssertUnwindSafe(handler)
        .catch_unwind()
        .await
        .unwrap_or_else(|_| Err(panicked()))
}

fn handler_panicked() -> crate::ApiError {
    crate::ApiError::Internal(anyhow::anyhow!("handler panicked"))
}

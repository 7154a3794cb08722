//! E-mail notifications for offline members (docs/EMAIL.md).
//!
//! - [`jobs`]: when a message is stored, a delayed job for each member who is due one (SQS).
//! - [`batching`]: the worker's handling of a job: re-check, at most one mail per user and chat
//!   per window, claim, send, record.
//! - [`render`]: the mail itself (text and HTML).
//! - [`events`]: SES's `Send` events, which settle what a worker sent but did not record.

pub mod batching;
pub mod events;
pub mod jobs;
pub mod render;

pub use batching::{Delivery, deliver};
pub use jobs::{Job, queue_jobs};

//! Attachments: files uploaded straight to S3 with presigned URLs, checked by the media worker
//! and shown in messages. Objects live at `attachments/{chat_id}/{attachment_id}` and
//! thumbnails at `thumbnails/{chat_id}/{attachment_id}`, so one chat's files never mix with
//! another's.
//!
//! - [`uploads`]: presigned uploads, completion (which queues the media job), downloads.
//! - [`sending`]: the checks a message's `attachment_ids` must pass.
//! - [`worker`]: the media worker's job (type sniffing, thumbnails, the verdict) and the sweep
//!   of uploads never completed.
//! - [`thumbnail`]: bounded image decoding and metadata-free thumbnails.

pub mod sending;
pub mod thumbnail;
pub mod uploads;
pub mod worker;

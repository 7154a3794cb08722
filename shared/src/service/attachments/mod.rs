//! Attachments: files uploaded straight to S3 with presigned URLs (to `uploads/{chat_id}/{id}`,
//! never served), checked by the media worker, which writes what it accepted to the served
//! key, and shown in messages. Served objects live at `attachments/{chat_id}/{attachment_id}` and
//! thumbnails at `thumbnails/{chat_id}/{attachment_id}`, so one chat's files never mix with
//! another's.
//!
//! - [`uploads`]: presigned uploads, completion (which queues the media job), downloads.
//! - [`sending`]: the checks a message's `attachment_ids` must pass.
//! - [`worker`]: the media worker's job (type sniffing, thumbnails, the verdict).
//! - [`cleanup`]: removing deleted messages' files, uploads never sent, requeueing lost jobs.
//! - [`thumbnail`]: bounded image decoding and metadata-free thumbnails.

pub mod cleanup;
pub mod sending;
pub mod thumbnail;
pub mod uploads;
pub mod worker;

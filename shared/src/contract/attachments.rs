//! Attachments: what a chat's members see of a file, and the requests of `/api/attachments`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::ids::{AttachmentId, ChatId, MessageId};

/// Where an attachment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentStatus {
    /// Presigned; the upload is not completed yet.
    Pending,
    /// Uploaded; the media worker is checking it.
    Processing,
    /// Checked (and, for images, a thumbnail made).
    Ready,
    /// Refused by the media worker (its bytes are not what was declared, or an image cannot
    /// be decoded within limits); the file is deleted.
    Rejected,
}

impl AttachmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Ready => "ready",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        match raw {
            "pending" => Some(Self::Pending),
            "processing" => Some(Self::Processing),
            "ready" => Some(Self::Ready),
            "rejected" => Some(Self::Rejected),
            _ => None,
        }
    }
}

/// An attachment as its chat's members see it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Attachment {
    pub id: AttachmentId,
    pub chat_id: ChatId,
    /// The message carrying it; null until it is sent.
    pub message_id: Option<MessageId>,
    pub filename: String,
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    pub status: AttachmentStatus,
    /// Pixels, for images the worker has checked.
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub has_thumbnail: bool,
    pub created_at: DateTime<Utc>,
}

/// An attachment inside a message.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct MessageAttachment {
    pub id: AttachmentId,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    pub status: AttachmentStatus,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub has_thumbnail: bool,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateAttachment {
    pub chat_id: ChatId,
    /// Path parts and control characters are removed; at most 200 characters.
    pub filename: String,
    /// One of the allowed types: image/jpeg, image/png, image/gif, image/webp,
    /// application/pdf, text/plain, application/zip, and Word, Excel and PowerPoint documents.
    pub content_type: String,
    /// Bytes, 1..=26214400 (25 MB).
    pub size: i64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttachmentUpload {
    pub attachment: Attachment,
    /// PUT the file's bytes here, with `upload_headers`.
    pub upload_url: String,
    pub upload_headers: BTreeMap<String, String>,
    /// Seconds the URL works.
    pub expires_in: u64,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct AttachmentDownload {
    pub attachment: Attachment,
    /// A presigned GET of the file (15 minutes); non-images download as files.
    pub download_url: String,
    /// A presigned GET of the thumbnail (at most 320 pixels a side), for images.
    pub thumbnail_url: Option<String>,
}

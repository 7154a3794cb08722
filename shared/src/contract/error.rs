//! Errors on the wire: every answer that is not a success carries `{"error": <code>,
//! "message": "..."}`, REST and WebSocket alike. The codes are a closed set, and each knows its
//! HTTP status, so a code can never come with two statuses and clients can match on them.

use http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $status:ident;)*) => {
        /// Stable, machine-readable reason of a refused or failed request.
        // The wire names are the snake_case of the variants; a test checks they equal `as_str`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
        }

        impl ErrorCode {
            /// Every code, in the order declared.
            pub const ALL: &[ErrorCode] = &[$(Self::$variant),*];

            /// The snake_case code as it appears on the wire.
            pub const fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code,)* }
            }

            /// The HTTP status every answer with this code has.
            pub const fn status(self) -> StatusCode {
                match self { $(Self::$variant => StatusCode::$status,)* }
            }

            /// The code named `code`, if there is one.
            pub fn parse(code: &str) -> Option<Self> {
                match code { $($code => Some(Self::$variant),)* _ => None }
            }
        }
    };
}

error_codes! {
    // 400: the input does not parse or validate.
    /// Malformed input: a missing or mistyped field, an unknown parameter.
    InvalidRequest = "invalid_request", BAD_REQUEST;
    /// A body or frame that is not JSON at all.
    InvalidJson = "invalid_json", BAD_REQUEST;
    InvalidEmail = "invalid_email", BAD_REQUEST;
    InvalidPassword = "invalid_password", BAD_REQUEST;
    InvalidDisplayName = "invalid_display_name", BAD_REQUEST;
    InvalidTitle = "invalid_title", BAD_REQUEST;
    InvalidBody = "invalid_body", BAD_REQUEST;
    InvalidSeq = "invalid_seq", BAD_REQUEST;
    InvalidLimit = "invalid_limit", BAD_REQUEST;
    InvalidCursor = "invalid_cursor", BAD_REQUEST;
    InvalidFilename = "invalid_filename", BAD_REQUEST;
    InvalidUnsubscribeToken = "invalid_unsubscribe_token", BAD_REQUEST;
    /// An e-mail verification link that is unknown, used, expired, or for an old address.
    InvalidVerificationToken = "invalid_verification_token", BAD_REQUEST;
    /// A password reset link that is unknown, used or expired.
    InvalidResetToken = "invalid_reset_token", BAD_REQUEST;
    ContentTypeNotAllowed = "content_type_not_allowed", BAD_REQUEST;
    AttachmentTooLarge = "attachment_too_large", BAD_REQUEST;
    TooManyAttachments = "too_many_attachments", BAD_REQUEST;
    TooManyMembers = "too_many_members", BAD_REQUEST;
    CannotChatWithSelf = "cannot_chat_with_self", BAD_REQUEST;
    CannotBlockSelf = "cannot_block_self", BAD_REQUEST;
    UnknownUser = "unknown_user", BAD_REQUEST;
    UnknownAttachment = "unknown_attachment", BAD_REQUEST;
    /// A WebSocket frame without a known `action`.
    UnknownAction = "unknown_action", BAD_REQUEST;
    // 401: who is calling is not established.
    /// No, a malformed, an expired or a tampered access token (or WebSocket ticket).
    Unauthorized = "unauthorized", UNAUTHORIZED;
    InvalidCredentials = "invalid_credentials", UNAUTHORIZED;
    InvalidRefreshToken = "invalid_refresh_token", UNAUTHORIZED;
    // 403: established, but not allowed.
    NotChatOwner = "not_chat_owner", FORBIDDEN;
    NotMessageSender = "not_message_sender", FORBIDDEN;
    /// The current password given to confirm a change is not the account's.
    WrongPassword = "wrong_password", FORBIDDEN;
    /// The other user cannot be reached by the caller (a block, either way): no new direct
    /// chat, no message in the direct chat, no adding them to a chat. It never says who
    /// blocked whom.
    UserUnavailable = "user_unavailable", FORBIDDEN;
    /// The chat is a request to the caller that they have not accepted: nothing of it can be
    /// read or written until they do (`POST /api/chats/{id}/request`).
    ChatRequestPending = "chat_request_pending", FORBIDDEN;
    // 404: it does not exist, or the caller may not know that it does.
    /// No such route.
    NotFound = "not_found", NOT_FOUND;
    ChatNotFound = "chat_not_found", NOT_FOUND;
    UserNotFound = "user_not_found", NOT_FOUND;
    MessageNotFound = "message_not_found", NOT_FOUND;
    MemberNotFound = "member_not_found", NOT_FOUND;
    AttachmentNotFound = "attachment_not_found", NOT_FOUND;
    /// There is no request to the caller in this chat to answer (they are a member already).
    ChatRequestNotFound = "chat_request_not_found", NOT_FOUND;
    // 409: the request conflicts with what is stored.
    EmailTaken = "email_taken", CONFLICT;
    EmailAlreadyVerified = "email_already_verified", CONFLICT;
    ClientMessageIdReused = "client_message_id_reused", CONFLICT;
    MessageDeleted = "message_deleted", CONFLICT;
    ChatFull = "chat_full", CONFLICT;
    DirectChatMembersFixed = "direct_chat_members_fixed", CONFLICT;
    UploadIncomplete = "upload_incomplete", CONFLICT;
    /// The attachment's upload was never completed.
    AttachmentNotUploaded = "attachment_not_uploaded", CONFLICT;
    /// The media worker refused the file.
    AttachmentRejected = "attachment_rejected", CONFLICT;
    AttachmentAlreadySent = "attachment_already_sent", CONFLICT;
    /// The media worker has not accepted the file yet (`processing`): it can be neither
    /// downloaded nor sent until it is `ready`.
    AttachmentNotReady = "attachment_not_ready", CONFLICT;
    // 413
    PayloadTooLarge = "payload_too_large", PAYLOAD_TOO_LARGE;
    // 429
    /// Over a rate limit (docs/SECURITY.md): try again after `retry_after` seconds (REST
    /// also sends `Retry-After`). Nothing of the refused request was stored.
    RateLimited = "rate_limited", TOO_MANY_REQUESTS;
    // 5xx: the server's side; the message never says more than this.
    InternalError = "internal_error", INTERNAL_SERVER_ERROR;
    /// A dependency (the database) cannot be reached; try again later.
    ServiceUnavailable = "service_unavailable", SERVICE_UNAVAILABLE;
    /// This deployment has no bucket or media queue for attachments.
    AttachmentsUnavailable = "attachments_unavailable", SERVICE_UNAVAILABLE;
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The JSON body of every error answer.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct ErrorBody {
    /// Stable, machine-readable code, e.g. `email_taken`; it fixes the HTTP status.
    pub error: ErrorCode,
    /// Human-readable explanation.
    pub message: String,
    /// With `rate_limited`: seconds until the request may be tried again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_is_snake_case_unique_and_round_trips() {
        let mut seen = std::collections::HashSet::new();
        for code in ErrorCode::ALL {
            let s = code.as_str();
            assert!(s.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{s}");
            assert!(seen.insert(s), "{s} twice");
            assert_eq!(ErrorCode::parse(s), Some(*code));
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert!(code.status().is_client_error() || code.status().is_server_error());
        }
    }
}

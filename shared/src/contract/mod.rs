//! The wire contract, at the bottom of the crate: every type that crosses the API (REST
//! requests and responses, WebSocket actions and server events, the message and attachment
//! shapes, ids) and the closed set of error codes. It depends on nothing else in the crate, so
//! every layer above (repositories, services, handlers, adapters) may use it and nothing here
//! can import upwards. `docs/openapi.json` and `docs/websocket.json` are generated from these
//! types (`crate::openapi`), and the SPA's TypeScript types from those files.

pub mod attachments;
pub mod auth;
pub mod chats;
pub mod error;
pub mod health;
pub mod ids;
pub mod messages;
pub mod notifications;
pub mod realtime;
pub mod users;

pub use attachments::{Attachment, AttachmentStatus, MessageAttachment};
pub use chats::{Chat, ChatKind, ChatMember, MemberRole};
pub use error::{ErrorBody, ErrorCode};
pub use ids::{AttachmentId, ChatId, MessageId, UserId};
pub use messages::Message;
pub use realtime::ServerEvent;
pub use users::{Me, PublicUser};

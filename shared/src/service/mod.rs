//! Services: business rules and transactions, between handlers and repositories.

pub mod accounts;
pub mod attachments;
pub mod chats;
pub mod messages;
pub mod notifications;
pub mod realtime;

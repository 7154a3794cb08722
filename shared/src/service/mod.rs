//! Services: business rules and transactions, between handlers and repositories, and what
//! follows a write (`announce`: who is told of each stored change, and how).

pub mod access;
pub mod accounts;
pub mod announce;
pub mod attachments;
pub mod chats;
pub mod health;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod realtime;
pub mod sending;
pub mod users;

//! Services: business rules and transactions, between handlers and repositories, and what
//! follows a write (`announce`: who is told of each stored change, and how).

pub mod access;
pub mod account_mail;
pub mod accounts;
pub mod announce;
pub mod attachments;
pub mod audit;
pub mod blocks;
pub mod chats;
pub mod cursor;
pub mod deletion;
pub mod health;
pub mod limits;
pub mod members;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod password;
pub mod realtime;
pub mod request_events;
pub mod requests;
pub mod sending;
pub mod sessions;
pub mod users;
pub mod verification;

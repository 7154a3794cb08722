//! Handlers, one module per group of routes. Each route has a plain async handler (typed
//! input in, typed output out, no transport code) that validates and calls services, and a
//! small endpoint that the HTTP adapter calls: parse, authenticate, call the handler, pick
//! the status. The wire types they speak are in `crate::contract`.

pub mod attachments;
pub mod auth;
pub mod blocks;
pub mod chats;
pub mod fallback;
pub mod health;
pub mod messages;
pub mod notifications;
pub mod outbox;
pub mod users;
pub mod ws;
pub mod ws_ticket;

//! Handlers, one module per group of routes, each with its wire types. Each route has a plain
//! async handler (typed input in, typed output out, no transport code) and a small endpoint
//! that the HTTP adapter calls: parse, authenticate, call the handler, pick the status.

pub mod attachments;
pub mod auth;
pub mod chats;
pub mod events;
pub mod fallback;
pub mod health;
pub mod messages;
pub mod notifications;
pub mod users;
pub mod ws;
pub mod ws_ticket;

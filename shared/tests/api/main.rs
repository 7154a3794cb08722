//! Integration tests of the REST API against a real PostgreSQL database per test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access_tokens;
mod accounts;
mod adapter;
mod attachments;
mod auth;
mod blocks;
mod chats;
mod contract;
mod events;
mod health;
mod layers;
mod limits;
mod members;
mod messages;
mod notifications;
mod requests;
mod sessions;
mod tickets;
mod users;

//! The load generator's parts, shared by the `loadgen` command (run on purpose against
//! `make dev`, docs/PERFORMANCE.md) and by the short exactly-once run `make test` makes against a
//! test stack (tests/exactly_once.rs): seeding users and rooms, connecting them through real
//! tickets and `$connect`, and the send-and-receive phase with its checks.

pub mod checks;
pub mod client;
pub mod history;
pub mod run;
pub mod seed;
pub mod stats;

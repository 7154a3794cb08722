//! The library every function of the messenger uses. A request travels one way:
//! adapter (event -> typed input, auth) -> handler (`api`) -> service (rules, transactions,
//! and what follows a write) -> repository (SQL) -> PostgreSQL, with side effects through the
//! small clients in `clients`. The wire contract (`contract`) sits at the bottom, so nothing
//! imports upwards.

pub mod adapter;
pub mod api;
pub mod auth;
pub mod clients;
pub mod config;
pub mod contract;
pub mod ctx;
pub mod custom_resource;
pub mod db;
pub mod domain;
pub mod error;
pub mod openapi;
pub mod ordering;
pub mod repo;
pub mod routes;
pub mod runtime;
pub mod secrets;
pub mod service;
pub mod telemetry;

pub use ctx::Ctx;
pub use error::ApiError;

//! The library every function of the messenger uses. A request travels one way:
//! adapter (event -> typed input, auth) -> handler (`api`) -> service (rules, transactions)
//! -> repository (SQL) -> PostgreSQL.

pub mod adapter;
pub mod api;
pub mod auth;
pub mod aws;
pub mod config;
pub mod ctx;
pub mod db;
pub mod domain;
pub mod error;
pub mod media;
pub mod openapi;
pub mod push;
pub mod repo;
pub mod routes;
pub mod runtime;
pub mod service;
pub mod telemetry;

pub use ctx::Ctx;
pub use error::ApiError;

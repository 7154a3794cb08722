//! Services: business rules and transactions, between handlers and repositories.

pub mod accounts;

//! Adapters: one per trigger. Each turns its event into typed input for a handler and the
//! handler's result (or error) into the answer the trigger expects. Errors are logged here, once.

pub mod http;
pub mod sqs;
pub mod ws;

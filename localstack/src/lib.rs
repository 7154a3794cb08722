//! The local gateway: plays API Gateway on one machine. The HTTP half turns each request into
//! the payload-2.0 event API Gateway would send and hands it to the same dispatch the Lambda
//! runtime calls, picking the function from the shared route table.

pub mod http_api;
pub mod server;

//! The local gateway: plays API Gateway on one machine. The HTTP half turns each request into
//! the payload-2.0 event API Gateway would send and hands it to the same dispatch the Lambda
//! runtime calls, picking the function from the shared route table. The WebSocket half holds
//! the sockets, runs the WebSocket functions and serves the management API they push through.
//! The poller stands in for Lambda's SQS event source mappings. `functions` decides whether the
//! handlers run in this process or as the real function binaries (`runtime_api`).

pub mod functions;
pub mod http_api;
pub mod mail_page;
pub mod management;
pub mod runtime_api;
pub mod server;
pub mod spa_headers;
pub mod sqs_poller;
pub mod ws_api;

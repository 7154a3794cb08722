//! Lambda function for the WebSocket API's `mark_read` route.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_ws(shared::routes::WS_MARK_READ)
}

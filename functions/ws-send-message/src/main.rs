//! Lambda function for the WebSocket API's `send_message` route.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_ws(shared::routes::WS_SEND_MESSAGE)
}

//! Lambda function for the WebSocket API's `ping` route.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_ws(shared::routes::WS_PING)
}

//! Lambda function for the WebSocket API's `typing` route.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_ws(shared::routes::WS_TYPING)
}

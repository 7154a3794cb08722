//! Lambda function for the WebSocket API's `$default` route.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_ws(shared::routes::WS_DEFAULT)
}

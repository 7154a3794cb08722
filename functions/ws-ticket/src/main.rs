//! Lambda function for `POST /api/ws/ticket`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::WS_TICKET)
}

//! Lambda function for `POST /api/chats/{id}/request`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::CHATS_REQUEST)
}

//! Lambda function for `GET /api/chats/{id}/messages`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::MESSAGES_LIST)
}

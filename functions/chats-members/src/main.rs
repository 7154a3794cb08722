//! Lambda function for `GET /api/chats/{id}/members`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::CHATS_MEMBERS)
}

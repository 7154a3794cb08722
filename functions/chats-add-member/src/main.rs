//! Lambda function for `POST /api/chats/{id}/members`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::CHATS_ADD_MEMBER)
}

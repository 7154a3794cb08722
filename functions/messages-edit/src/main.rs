//! Lambda function for `PATCH /api/chats/{id}/messages/{message_id}`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::MESSAGES_EDIT)
}

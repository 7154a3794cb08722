//! Lambda function for `DELETE /api/chats/{id}/messages/{message_id}`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::MESSAGES_DELETE)
}

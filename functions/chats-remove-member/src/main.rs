//! Lambda function for `DELETE /api/chats/{id}/members/{user_id}`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::CHATS_REMOVE_MEMBER)
}

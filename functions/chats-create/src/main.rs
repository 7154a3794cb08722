//! Lambda function for `POST /api/chats`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::CHATS_CREATE)
}

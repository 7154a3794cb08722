//! Lambda function for `GET /api/users/me/blocks`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::USERS_BLOCKS)
}

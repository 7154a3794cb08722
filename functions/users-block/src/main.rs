//! Lambda function for `POST /api/users/{id}/block`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::USERS_BLOCK)
}

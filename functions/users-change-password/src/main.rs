//! Lambda function for `POST /api/users/me/password`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::USERS_CHANGE_PASSWORD)
}

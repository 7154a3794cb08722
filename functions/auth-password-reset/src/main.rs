//! Lambda function for `POST /api/auth/password-reset`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::AUTH_PASSWORD_RESET)
}

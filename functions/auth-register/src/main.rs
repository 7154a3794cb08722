//! Lambda function for `POST /api/auth/register`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::AUTH_REGISTER)
}

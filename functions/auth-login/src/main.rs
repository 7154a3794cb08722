//! Lambda function for `POST /api/auth/login`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::AUTH_LOGIN)
}

//! Lambda function for `POST /api/auth/refresh`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::AUTH_REFRESH)
}

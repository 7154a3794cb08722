//! Lambda function for the HTTP API's `$default` route.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::NOT_FOUND)
}

//! Lambda function for `POST /api/attachments`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::ATTACHMENTS_CREATE)
}

//! Lambda function for `GET /api/attachments/{id}`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::ATTACHMENTS_GET)
}

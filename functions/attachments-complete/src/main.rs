//! Lambda function for `POST /api/attachments/{id}/complete`.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_http(shared::routes::ATTACHMENTS_COMPLETE)
}

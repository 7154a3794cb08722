//! SQS-triggered function: checks each completed upload against its declared type, makes
//! thumbnails of images and records the verdict (partial batch failures reported).

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_sqs(shared::routes::MEDIA_WORKER)
}

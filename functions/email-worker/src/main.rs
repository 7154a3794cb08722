//! SQS-triggered function: delivers e-mail notification jobs (re-check, batch, send through
//! SESv2, record), reporting the records that should come back.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_sqs(shared::routes::EMAIL_WORKER)
}

//! SQS-triggered function: SES's `Send` events (configuration set -> SNS -> SQS) settle the
//! e-mail notifications SES accepted but their worker did not record.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_sqs(shared::routes::EMAIL_EVENTS)
}

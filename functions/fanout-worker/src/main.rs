//! SQS-triggered function: announces the changes of chats too large to push to from the
//! writer's request (pushes to every member's connections, e-mail jobs), reporting the
//! records that should come back.

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_sqs(shared::routes::FANOUT_WORKER)
}

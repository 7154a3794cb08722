//! Scheduled function: removes attachments whose upload was not completed within 24 hours
//! (rows and objects).

fn main() -> Result<(), shared::runtime::Error> {
    shared::runtime::run_job("attachments-sweeper", shared::api::attachments::sweep)
}

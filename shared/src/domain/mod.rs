//! Domain types: ids and validated inputs. A value of one of these types has passed its rules.

pub mod attachment;
pub mod chat;
pub mod ids;
pub mod user;

pub use attachment::{AttachmentId, AttachmentStatus};
pub use chat::*;
pub use ids::*;
pub use user::*;

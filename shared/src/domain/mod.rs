//! Validated inputs: a value of one of these types has passed its rules (`Email::parse`,
//! `MessageBody::parse`, ...). Ids and the enums of the wire live in `crate::contract`.

pub mod attachment;
pub mod chat;
pub mod text;
pub mod user;

pub use chat::{ChatTitle, MessageBody};
pub use user::{DisplayName, Email, Password};

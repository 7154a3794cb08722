//! Domain types: ids and validated inputs. A value of one of these types has passed its rules.

pub mod ids;
pub mod user;

pub use ids::*;
pub use user::*;

//! Profiles: one's own, and what others may see; the requests of `/api/users`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::ids::UserId;

/// The caller's own profile.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct Me {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub email_notifications: bool,
    /// Whether the address was proven (a verification or reset link was followed). Until it
    /// is, the account is not found by e-mail and is sent no notification mail.
    pub email_verified: bool,
    pub created_at: DateTime<Utc>,
}

/// What anyone signed in may see of another user: never the e-mail.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct PublicUser {
    pub id: UserId,
    pub display_name: String,
    pub last_seen_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    pub display_name: Option<String>,
    pub email_notifications: Option<bool>,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    pub current_password: String,
    /// 8 to 128 characters.
    pub new_password: String,
}

/// Deleting one's account takes the password, so an unattended signed-in tab cannot.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMe {
    pub password: String,
}

#[derive(Debug, Serialize, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// A display-name prefix (case-insensitive) or an exact e-mail address.
    pub query: String,
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct UserList {
    pub users: Vec<PublicUser>,
}

/// Someone the caller blocked.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq)]
pub struct BlockedUser {
    pub id: UserId,
    pub display_name: String,
    pub blocked_at: DateTime<Utc>,
}

/// The users the caller blocked, most recent first.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct BlockedList {
    pub users: Vec<BlockedUser>,
}

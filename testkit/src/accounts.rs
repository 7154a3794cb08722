//! Helpers for the account routes: verification, reset, password change, sign-out everywhere,
//! deletion, and reading the links the account mails carry.

use serde_json::{Value, json};

use crate::{TestApp, TestResponse, TestUser};

/// The token of an account link (`/verify-email#token=...`, `/reset-password#token=...`).
pub fn link_token(body: &str, path: &str) -> Option<String> {
    let start = body.find(&format!("{path}#token="))? + path.len() + "#token=".len();
    let token: String = body[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    (!token.is_empty()).then_some(token)
}

impl TestApp {
    pub async fn logout_all(&self, token: &str) -> TestResponse {
        self.send("POST", "/api/auth/logout-all", None, Some(token))
            .await
    }

    pub async fn verify_email(&self, token: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/auth/verify-email",
            Some(json!({ "token": token })),
            None,
        )
        .await
    }

    pub async fn resend_verification(&self, token: &str) -> TestResponse {
        self.send("POST", "/api/auth/verify-email/resend", None, Some(token))
            .await
    }

    pub async fn password_reset(&self, email: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/auth/password-reset",
            Some(json!({ "email": email })),
            None,
        )
        .await
    }

    pub async fn password_reset_confirm(&self, token: &str, password: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/auth/password-reset/confirm",
            Some(json!({ "token": token, "password": password })),
            None,
        )
        .await
    }

    pub async fn change_password(&self, token: &str, current: &str, new: &str) -> TestResponse {
        self.send(
            "POST",
            "/api/users/me/password",
            Some(json!({ "current_password": current, "new_password": new })),
            Some(token),
        )
        .await
    }

    pub async fn delete_me(&self, token: &str, password: &str) -> TestResponse {
        self.send(
            "DELETE",
            "/api/users/me",
            Some(json!({ "password": password })),
            Some(token),
        )
        .await
    }

    /// The mail this app's sender sent to `to`, oldest first (`spawn_with_aws`).
    pub async fn mail_to(&self, to: &str) -> Vec<crate::aws::SentMail> {
        let aws = self.aws.as_ref().expect("spawn_with_aws");
        crate::aws::sent_mail(&aws.endpoint, &aws.sender)
            .await
            .into_iter()
            .filter(|m| m.to.iter().any(|t| t == to))
            .collect()
    }

    /// The token of the newest account link to `path` mailed to `to`.
    pub async fn mailed_token(&self, to: &str, path: &str) -> Option<String> {
        self.mail_to(to)
            .await
            .iter()
            .rev()
            .find_map(|m| link_token(&m.body, path))
    }

    /// Marks `user`'s address verified in the database, as following the mailed link would
    /// (for tests about something else that need a verified account).
    pub async fn mark_verified(&self, user: &TestUser) {
        self.db()
            .await
            .execute(
                "UPDATE users SET email_verified_at = now() WHERE id = $1::text::uuid",
                &[&user.id],
            )
            .await
            .expect("mark verified");
    }

    /// A registered user whose address is verified.
    pub async fn verified_user(&self, name: &str) -> TestUser {
        let user = self.user(name).await;
        self.mark_verified(&user).await;
        user
    }
}

/// The `email_verified` of a `/api/users/me` answer.
pub fn email_verified(me: &Value) -> bool {
    me["email_verified"].as_bool().expect("email_verified")
}

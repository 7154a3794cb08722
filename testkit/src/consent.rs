//! Helpers for blocking and for reading the audit log.

use crate::{TestApp, TestResponse};

impl TestApp {
    pub async fn block(&self, token: &str, user: &str) -> TestResponse {
        self.send(
            "POST",
            &format!("/api/users/{user}/block"),
            None,
            Some(token),
        )
        .await
    }

    pub async fn unblock(&self, token: &str, user: &str) -> TestResponse {
        self.send(
            "DELETE",
            &format!("/api/users/{user}/block"),
            None,
            Some(token),
        )
        .await
    }

    pub async fn blocks(&self, token: &str) -> TestResponse {
        self.send("GET", "/api/users/me/blocks", None, Some(token))
            .await
    }

    /// The audit events named `event`, as `(actor, target, chat)` ids (empty when none).
    pub async fn audit_events(&self, event: &str) -> Vec<(String, String, String)> {
        let rows = self
            .db()
            .await
            .query(
                "SELECT coalesce(actor_id::text, ''), coalesce(target_id::text, ''), \
                        coalesce(chat_id::text, '') \
                 FROM audit_events WHERE event = $1 ORDER BY id",
                &[&event],
            )
            .await
            .unwrap();
        rows.iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    }
}

//! Helpers for chat requests, blocking and for reading the audit log.

use serde_json::{Value, json};

use crate::{TestApp, TestResponse};

impl TestApp {
    /// A direct chat between the two, ready to talk in: a request to a stranger is accepted
    /// for them, as they would in the app (see `ask_direct` for the request alone). The answer
    /// is the chat as the caller then sees it, with the status of the create.
    pub async fn create_direct(&self, token: &str, other: &str) -> TestResponse {
        let r = self.ask_direct(token, other).await;
        self.accept_for_asked(token, r).await
    }

    /// A group with these members, strangers' requests accepted for them (`ask_group`).
    pub async fn create_group(&self, token: &str, title: &str, members: &[&str]) -> TestResponse {
        let r = self.ask_group(token, title, members).await;
        self.accept_for_asked(token, r).await
    }

    /// Adds a member, a stranger's request accepted for them (`ask_member`).
    pub async fn add_member(&self, token: &str, chat: &str, user: &str) -> TestResponse {
        let r = self.ask_member(token, chat, user).await;
        self.accept_for_asked(token, r).await
    }

    /// `POST /api/chats/{id}/request`.
    pub async fn answer_request(&self, token: &str, chat: &str, accept: bool) -> TestResponse {
        self.send(
            "POST",
            &format!("/api/chats/{chat}/request"),
            Some(json!({ "accept": accept })),
            Some(token),
        )
        .await
    }

    /// Each member of the answered chat still pending accepts, with the token `user` kept
    /// for them; then the chat is read again as the caller.
    async fn accept_for_asked(&self, token: &str, r: TestResponse) -> TestResponse {
        let (Some(chat), Some(members)) = (r.body["id"].as_str(), r.body["members"].as_array())
        else {
            return r;
        };
        let asked: Vec<String> = members
            .iter()
            .filter(|m| m["pending"] == true)
            .filter_map(|m| m["id"].as_str().map(str::to_owned))
            .collect();
        if asked.is_empty() {
            return r;
        }
        for user in asked {
            let theirs = self.tokens.lock().unwrap().get(&user).cloned();
            let theirs = theirs.unwrap_or_else(|| panic!("no token kept for {user}"));
            self.answer_request(&theirs, chat, true)
                .await
                .assert_status(200);
        }
        TestResponse {
            status: r.status,
            ..self.get_chat(token, chat).await
        }
    }

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

/// The display names of the members a chat or member page holds, each with whether they are
/// only asked in (`pending`), in the order given.
pub fn member_names(chat: &Value) -> Vec<(String, bool)> {
    chat["members"]
        .as_array()
        .expect("members")
        .iter()
        .map(|m| {
            (
                m["display_name"].as_str().expect("display_name").to_owned(),
                m["pending"].as_bool().expect("pending"),
            )
        })
        .collect()
}

//! The media worker behind the gateway's SQS poller, as in `make dev`: an image sent over a
//! real socket becomes `ready`, the uploader hears of it, and only then can it be sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use testkit::attachments::png;
use testkit::stack::TestStack;

#[tokio::test]
async fn the_poller_runs_the_media_worker_and_members_hear_the_verdict() {
    let stack = TestStack::spawn_with_aws(&[]).await;
    let alice = stack.user("Alice").await;
    let bob = stack.user("Bob").await;
    let chat = stack.create_direct(&alice.access_token, &bob.id).await;
    let chat = chat.body["id"].as_str().unwrap().to_owned();
    let mut alice_ws = stack.connect(&alice.access_token).await;
    let mut bob_ws = stack.connect(&bob.access_token).await;

    // The upload is completed; the poller may run the worker at once, before the message.
    let id = stack
        .upload(
            &alice.access_token,
            &chat,
            "sun.png",
            "image/png",
            &png(640, 480),
        )
        .await;
    let early = alice_ws.recv_type("attachment_updated").await;
    assert_eq!(early["attachment"]["id"], id.as_str());
    assert_eq!(early["attachment"]["status"], "ready");
    assert!(early["attachment"]["message_id"].is_null());

    alice_ws
        .send_json(json!({"action": "send_message", "chat_id": chat,
            "client_message_id": uuid::Uuid::new_v4(), "body": "", "attachment_ids": [id]}))
        .await;
    let sent = alice_ws.recv_type("message_sent").await;
    assert_eq!(sent["message"]["attachments"][0]["status"], "ready");
    let got = bob_ws.recv_type("new_message").await;
    let a = &got["message"]["attachments"][0];
    assert_eq!(a["id"], id.as_str());
    assert_eq!(
        (a["width"].as_i64(), a["height"].as_i64()),
        (Some(640), Some(480))
    );
    assert_eq!(a["has_thumbnail"], true);

    // A second image cannot be sent while it is still being checked; once the uploader hears
    // it is ready, it can.
    let created = stack
        .create_attachment(
            &alice.access_token,
            &chat,
            "moon.png",
            "image/png",
            png(50, 50).len(),
        )
        .await;
    testkit::attachments::put_upload(&created.body, png(50, 50)).await;
    let second = created.body["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let done = stack
        .complete_attachment(&alice.access_token, &second)
        .await;
    done.assert_status(202);
    if done.body["status"] == "processing" {
        let refused = stack
            .send_with_attachments(&alice.access_token, &chat, "too early", &[&second])
            .await;
        // The poller may have run the worker in the meantime.
        if refused.status != 201 {
            refused.assert_error(409, "attachment_not_ready");
            let update = alice_ws.recv_type("attachment_updated").await;
            assert_eq!(update["attachment"]["id"], second.as_str());
            assert_eq!(update["attachment"]["status"], "ready");
        }
    }
    let sent = stack
        .send_with_attachments(&alice.access_token, &chat, "and this", &[&second])
        .await;
    if sent.status == 201 {
        assert_eq!(sent.body["attachments"][0]["status"], "ready");
    } else {
        // Sent already by the "too early" call, which the worker overtook.
        sent.assert_error(409, "attachment_already_sent");
    }
}

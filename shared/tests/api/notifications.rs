//! E-mail notifications for offline members, against real PostgreSQL and the emulator's SQS
//! and SESv2. Every test has its own queue and sender, and counts the mail sent from its
//! sender to its own (unique) users. The worker runs through the gateway's poller
//! (`testkit::aws::drain`) or by calling its handler with a record built here.

use aws_lambda_events::sqs::SqsMessage;
use serde_json::json;
use shared::clients::mailer::OutgoingMail;
use shared::routes::{EMAIL_EVENTS, EMAIL_WORKER};
use shared::service::notifications::{self, Delivery, Job};
use testkit::aws::SentMail;
use testkit::stack::TestStack;
use testkit::{TestApp, TestUser};

fn no_delay() -> Vec<(&'static str, String)> {
    vec![("EMAIL_DELAY_SECS", "0".into())]
}

async fn app() -> TestApp {
    TestApp::spawn_with_aws(&no_delay()).await
}

fn queue(app: &TestApp) -> String {
    app.aws.as_ref().unwrap().email_queue.clone()
}

/// Runs the e-mail worker until its queue is empty.
async fn run_worker(app: &TestApp) -> usize {
    testkit::aws::drain(&app.ctx, app.aws_clients(), &EMAIL_WORKER).await
}

/// The notification mail this test's sender sent to `user` (not the verification mail every
/// registration sends, nor the one mail of the chat request that started their chat).
async fn mail_to(app: &TestApp, user: &TestUser) -> Vec<SentMail> {
    app.mail_to(&user.email)
        .await
        .into_iter()
        .filter(|m| !m.body.contains("/verify-email#token="))
        .filter(|m| !m.subject.contains(" wants to "))
        .collect()
}

async fn direct_chat(app: &TestApp, a: &TestUser, b: &TestUser) -> String {
    let r = app.create_direct(&a.access_token, &b.id).await;
    r.assert_status(201);
    r.body["id"].as_str().unwrap().to_owned()
}

/// Alice and Bob, both with verified addresses (only those are mailed), and their direct chat.
async fn alice_and_bob(app: &TestApp) -> (TestUser, TestUser, String) {
    let alice = app.verified_user("Alice").await;
    let bob = app.verified_user("Bob").await;
    let chat = direct_chat(app, &alice, &bob).await;
    (alice, bob, chat)
}

/// Takes the jobs off the queue without running them.
async fn take_jobs(app: &TestApp) -> Vec<SqsMessage> {
    let aws = app.aws_clients();
    let out = aws
        .sqs
        .receive_message()
        .queue_url(queue(app))
        .max_number_of_messages(10)
        .wait_time_seconds(1)
        .send()
        .await
        .unwrap();
    let mut records = Vec::new();
    for m in out.messages.unwrap_or_default() {
        aws.sqs
            .delete_message()
            .queue_url(queue(app))
            .receipt_handle(m.receipt_handle.clone().unwrap())
            .send()
            .await
            .unwrap();
        let mut record = SqsMessage::default();
        record.message_id = m.message_id;
        record.body = m.body;
        records.push(record);
    }
    records
}

async fn state(app: &TestApp, user: &TestUser, chat: &str) -> tokio_postgres::Row {
    app.db()
        .await
        .query_one(
            "SELECT notified_seq, last_sent_at, failure, sending_id IS NOT NULL AS sending \
             FROM email_notifications WHERE user_id = $1::text::uuid AND chat_id = $2::text::uuid",
            &[&user.id, &chat],
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn an_offline_member_gets_one_email_for_a_burst_of_ten_messages() {
    let app = app().await;
    let (alice, bob, chat) = alice_and_bob(&app).await;
    for i in 1..=10 {
        app.send_message(&alice.access_token, &chat, &format!("message {i}"))
            .await
            .assert_status(201);
    }
    assert!(run_worker(&app).await >= 1);

    let mail = mail_to(&app, &bob).await;
    assert_eq!(mail.len(), 1, "{mail:#?}");
    assert_eq!(mail[0].subject, "10 new messages from Alice");
    assert!(mail[0].body.contains("message 1"), "{}", mail[0].body);
    assert!(mail[0].body.contains("...and 7 more."), "{}", mail[0].body);
    assert!(
        mail[0].body.contains(&format!("/chats/{chat}")),
        "links to the chat: {}",
        mail[0].body
    );
    assert!(
        mail_to(&app, &alice).await.is_empty(),
        "the sender gets none"
    );
    assert_eq!(
        state(&app, &bob, &chat).await.get::<_, i64>("notified_seq"),
        10
    );
}

#[tokio::test]
async fn an_online_member_gets_no_email_while_an_offline_one_does() {
    // A gateway with real sockets, but no pollers: the test runs the worker itself.
    let stack = TestStack::around(app().await, Default::default()).await;
    let (alice, bob, carol) = (
        stack.verified_user("Alice").await,
        stack.verified_user("Bob").await,
        stack.verified_user("Carol").await,
    );
    let r = stack
        .create_group(&alice.access_token, "Team", &[&bob.id, &carol.id])
        .await;
    let chat = r.body["id"].as_str().unwrap().to_owned();
    let mut bob_socket = stack.connect(&bob.access_token).await;
    bob_socket.barrier().await;

    stack
        .send_message(&alice.access_token, &chat, "are you there?")
        .await
        .assert_status(201);
    bob_socket.recv_type("new_message").await;
    run_worker(&stack).await;

    assert!(mail_to(&stack, &bob).await.is_empty());
    let mail = mail_to(&stack, &carol).await;
    assert_eq!(mail.len(), 1);
    assert_eq!(mail[0].subject, "1 new message from Alice in Team");
}

#[tokio::test]
async fn a_member_who_reads_within_the_delay_gets_none() {
    let app = app().await;
    let (alice, bob, chat) = alice_and_bob(&app).await;
    app.send_message(&alice.access_token, &chat, "one").await;
    app.send_message(&alice.access_token, &chat, "two").await;
    app.mark_read(&bob.access_token, &chat, 2)
        .await
        .assert_status(200);
    assert_eq!(run_worker(&app).await, 2, "both jobs ran");
    assert!(mail_to(&app, &bob).await.is_empty());
}

#[tokio::test]
async fn a_member_whose_address_is_unverified_gets_none() {
    let app = app().await;
    let alice = app.verified_user("Alice").await;
    // Anyone can register any address: until its owner follows the link, it gets no mail
    // with text someone else wrote.
    let squatter = app.user("Bob").await;
    let chat = direct_chat(&app, &alice, &squatter).await;
    app.send_message(&alice.access_token, &chat, "Password expires today")
        .await
        .assert_status(201);
    let aws = app.aws_clients();
    assert_eq!(testkit::aws::queue_depth(aws, &queue(&app)).await, 0);
    assert!(mail_to(&app, &squatter).await.is_empty());

    // Verified later: the next message is mailed about.
    app.mark_verified(&squatter).await;
    app.send_message(&alice.access_token, &chat, "hello")
        .await
        .assert_status(201);
    assert!(run_worker(&app).await >= 1);
    assert_eq!(mail_to(&app, &squatter).await.len(), 1);
}

#[tokio::test]
async fn an_opted_out_member_gets_none() {
    let app = app().await;
    let (alice, bob, chat) = alice_and_bob(&app).await;

    // Opting out after the job was queued: the worker checks again.
    app.send_message(&alice.access_token, &chat, "one").await;
    let r = app
        .update_me(&bob.access_token, json!({"email_notifications": false}))
        .await;
    r.assert_status(200);
    assert_eq!(r.body["email_notifications"], false);
    assert_eq!(
        app.me(&bob.access_token).await.body["email_notifications"],
        false
    );
    assert_eq!(run_worker(&app).await, 1);

    // Opted out before: no job at all.
    app.send_message(&alice.access_token, &chat, "two").await;
    let aws = app.aws_clients();
    assert_eq!(testkit::aws::queue_depth(aws, &queue(&app)).await, 0);
    assert!(mail_to(&app, &bob).await.is_empty());
}

#[tokio::test]
async fn the_same_job_delivered_twice_sends_one_email() {
    let app = app().await;
    let (alice, bob, chat) = alice_and_bob(&app).await;
    app.send_message(&alice.access_token, &chat, "hello").await;
    let jobs = take_jobs(&app).await;
    assert_eq!(jobs.len(), 1);

    // One after the other: the second finds the message mailed about.
    let handler = EMAIL_WORKER.handler;
    handler(app.ctx.clone(), jobs[0].clone()).await.unwrap();
    handler(app.ctx.clone(), jobs[0].clone()).await.unwrap();
    assert_eq!(mail_to(&app, &bob).await.len(), 1);

    // At the same time, for a new message (after the window): one claims, the others back
    // off (an error means SQS brings the record back later), and none sends twice.
    app.db()
        .await
        .execute(
            "UPDATE email_notifications SET last_sent_at = now() - interval '1 day'",
            &[],
        )
        .await
        .unwrap();
    app.send_message(&alice.access_token, &chat, "again").await;
    let job = take_jobs(&app).await.remove(0);
    let runs: Vec<_> = (0..5)
        .map(|_| tokio::spawn(handler(app.ctx.clone(), job.clone())))
        .collect();
    let mut ok = 0;
    for run in runs {
        ok += usize::from(run.await.unwrap().is_ok());
    }
    assert!(ok >= 1);
    handler(app.ctx.clone(), job.clone()).await.unwrap();
    assert_eq!(mail_to(&app, &bob).await.len(), 2);
    assert!(!state(&app, &bob, &chat).await.get::<_, bool>("sending"));
}

/// Leaves `user`'s notification of message 1 in `chat` claimed, as by a worker that died
/// holding the claim; returns the claim's id (the notification's key).
async fn claimed_by_a_dead_worker(app: &TestApp, user: &TestUser, chat: &str) -> uuid::Uuid {
    let key = uuid::Uuid::new_v4();
    app.db()
        .await
        .execute(
            "UPDATE email_notifications SET sending_id = $3, sending_since = now(), sending_upto = 1 \
             WHERE user_id = $1::text::uuid AND chat_id = $2::text::uuid",
            &[&user.id, &chat, &key],
        )
        .await
        .unwrap();
    key
}

#[tokio::test]
async fn a_claim_whose_worker_died_is_mailed_after_its_lease_not_dropped() {
    let app = app().await;
    let (alice, bob, chat) = alice_and_bob(&app).await;
    app.send_message(&alice.access_token, &chat, "hello").await;
    let job = take_jobs(&app).await.remove(0);

    // A worker claimed the notification and died before SES took the mail.
    claimed_by_a_dead_worker(&app, &bob, &chat).await;
    let handler = EMAIL_WORKER.handler;
    assert!(
        handler(app.ctx.clone(), job.clone()).await.is_err(),
        "within the lease the claim holds: the record comes back later"
    );
    assert!(mail_to(&app, &bob).await.is_empty());

    // Its lease runs out: the redelivered job sends the mail (before, it was settled as sent
    // and never went out) and records it.
    app.db()
        .await
        .execute(
            "UPDATE email_notifications SET sending_since = now() - interval '10 minutes'",
            &[],
        )
        .await
        .unwrap();
    handler(app.ctx.clone(), job.clone()).await.unwrap();
    let mails = mail_to(&app, &bob).await;
    assert_eq!(mails.len(), 1);
    let row = state(&app, &bob, &chat).await;
    assert_eq!(row.get::<_, i64>("notified_seq"), 1);
    assert!(!row.get::<_, bool>("sending"));
    // The job delivered once more finds it mailed.
    handler(app.ctx.clone(), job).await.unwrap();
    assert_eq!(mail_to(&app, &bob).await.len(), 1);
}

#[tokio::test]
async fn a_worker_that_died_after_ses_accepted_is_settled_by_the_send_event_not_mailed_twice() {
    let app = app().await;
    let (alice, bob, chat) = alice_and_bob(&app).await;
    app.send_message(&alice.access_token, &chat, "hello").await;
    let job = take_jobs(&app).await.remove(0);

    // A worker claimed the notification, SES accepted its mail (sent with the configuration
    // set and the key, as the worker sends), and it died before recording that.
    let key = claimed_by_a_dead_worker(&app, &bob, &chat).await;
    let mail = OutgoingMail {
        to: bob.email.clone(),
        subject: "1 new message from Alice".into(),
        text: "hello".into(),
        html: "<p>hello</p>".into(),
        headers: vec![],
        key: Some(key.to_string()),
    };
    app.ctx.mailer.as_ref().unwrap().send(&mail).await.unwrap();
    assert!(state(&app, &bob, &chat).await.get::<_, bool>("sending"));

    // SES's Send event reaches the events worker, which settles the claim.
    let events = testkit::aws::drain(&app.ctx, app.aws_clients(), &EMAIL_EVENTS).await;
    assert!(events >= 1, "the Send event of the accepted mail");
    let row = state(&app, &bob, &chat).await;
    assert!(!row.get::<_, bool>("sending"));
    assert_eq!(row.get::<_, i64>("notified_seq"), 1);

    // The job comes back (after its lease it would have been sent again): nothing to send.
    let handler = EMAIL_WORKER.handler;
    handler(app.ctx.clone(), job.clone()).await.unwrap();
    assert_eq!(mail_to(&app, &bob).await.len(), 1);

    // A mail the worker recorded itself: its Send event finds nothing to settle.
    let carol = app.verified_user("Carol").await;
    let chat2 = direct_chat(&app, &alice, &carol).await;
    app.send_message(&alice.access_token, &chat2, "hi Carol")
        .await;
    run_worker(&app).await;
    assert_eq!(mail_to(&app, &carol).await.len(), 1);
    let before = state(&app, &carol, &chat2).await;
    testkit::aws::drain(&app.ctx, app.aws_clients(), &EMAIL_EVENTS).await;
    let after = state(&app, &carol, &chat2).await;
    assert_eq!(
        before.get::<_, chrono::DateTime<chrono::Utc>>("last_sent_at"),
        after.get::<_, chrono::DateTime<chrono::Utc>>("last_sent_at")
    );
    assert_eq!(after.get::<_, i64>("notified_seq"), 1);
}

#[tokio::test]
async fn ses_events_that_are_not_send_events_or_not_json_are_told_apart() {
    use shared::service::notifications::events::{self, Seen};
    let app = app().await;
    let delivery = json!({"eventType": "Delivery", "mail": {"tags": {}}}).to_string();
    assert_eq!(
        events::handle(&app.ctx, &delivery).await.unwrap(),
        Seen::Ignored
    );
    let untagged = json!({"eventType": "Send", "mail": {"tags": {"ses:configuration-set": ["x"]}}});
    let wrapped = json!({"Type": "Notification", "Message": untagged.to_string()}).to_string();
    assert_eq!(
        events::handle(&app.ctx, &wrapped).await.unwrap(),
        Seen::Nothing
    );
    assert!(events::handle(&app.ctx, "not json").await.is_err());
}

#[tokio::test]
async fn the_html_part_escapes_what_users_wrote() {
    let app = app().await;
    let (alice, bob) = (
        app.verified_user("Alice").await,
        app.verified_user("Bob").await,
    );
    app.update_me(&alice.access_token, json!({"display_name": "Alice <b>"}))
        .await
        .assert_status(200);
    let chat = direct_chat(&app, &alice, &bob).await;
    app.send_message(
        &alice.access_token,
        &chat,
        "<script>alert('x')</script> & more",
    )
    .await
    .assert_status(201);
    run_worker(&app).await;
    let mail = mail_to(&app, &bob).await;
    assert_eq!(mail.len(), 1);
    let html = &mail[0].body;
    assert!(
        html.starts_with("<!DOCTYPE html>"),
        "the emulator keeps the HTML part"
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(!html.contains("<b>"), "{html}");
    assert!(
        html.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62; &#38; more"),
        "{html}"
    );
}

/// The POST of a mail client's one-click unsubscribe (RFC 8058), or of the link page's button.
async fn one_click(app: &TestApp, path: &str) -> testkit::TestResponse {
    app.send_raw(
        "POST",
        path,
        Some(b"List-Unsubscribe=One-Click".to_vec()),
        &[("content-type", "application/x-www-form-urlencoded")],
    )
    .await
}

/// The unsubscribe link of a mail, as a path the test app can request.
fn unsubscribe_path(html: &str) -> String {
    let start = html.find("/api/notifications/unsubscribe?token=").unwrap();
    let end = start + html[start..].find('"').unwrap();
    html[start..end].to_owned()
}

#[tokio::test]
async fn the_unsubscribe_link_turns_notifications_off_and_a_forged_token_is_refused() {
    let app = app().await;
    let (alice, bob, chat) = alice_and_bob(&app).await;
    app.send_message(&alice.access_token, &chat, "hello").await;
    run_worker(&app).await;
    let mail = mail_to(&app, &bob).await;
    let path = unsubscribe_path(&mail[0].body);

    // Forged: a signature that does not match, and an access token in its place.
    let mut forged = path.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    for bad in [
        forged,
        format!("/api/notifications/unsubscribe?token={}", bob.access_token),
        "/api/notifications/unsubscribe".to_owned(),
    ] {
        let r = app.send("GET", &bad, None, None).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.text);
        assert!(r.text.contains("invalid_unsubscribe_token"), "{}", r.text);
        assert_eq!(
            app.me(&bob.access_token).await.body["email_notifications"],
            true
        );
    }

    // Following the link (as a mail scanner does) only asks: nothing changes until the
    // page's button posts.
    let r = app.send("GET", &path, None, None).await;
    r.assert_status(200);
    assert!(
        r.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(r.text.contains("<form method=\"post\""), "{}", r.text);
    assert_eq!(
        app.me(&bob.access_token).await.body["email_notifications"],
        true
    );
    let action = &r.text[r.text.find("action=\"").unwrap() + 8..];
    let action = action[..action.find('"').unwrap()].replace("&#38;", "&");
    assert_eq!(action, path, "the button posts to the link itself");
    let r = one_click(&app, &action).await;
    r.assert_status(200);
    assert!(
        r.text.contains("E-mail notifications are off"),
        "{}",
        r.text
    );
    assert_eq!(
        app.me(&bob.access_token).await.body["email_notifications"],
        false
    );

    // The one-click POST (RFC 8058) does the same, confirming twice is fine, and the link's
    // GET afterwards still only asks.
    app.update_me(&bob.access_token, json!({"email_notifications": true}))
        .await
        .assert_status(200);
    let r = one_click(&app, &path).await;
    r.assert_status(200);
    app.send("GET", &path, None, None).await.assert_status(200);
    assert_eq!(
        app.me(&bob.access_token).await.body["email_notifications"],
        false
    );
}

#[tokio::test]
async fn a_permanent_ses_failure_is_recorded_and_not_retried() {
    // The emulator refuses a sender identity it does not know: MessageRejected.
    let mut env = no_delay();
    env.push(("EMAIL_FROM", "unverified-sender@messenger.test".into()));
    let app = TestApp::spawn_with_aws(&env).await;
    let (alice, bob, chat) = alice_and_bob(&app).await;
    app.send_message(&alice.access_token, &chat, "hello").await;

    assert_eq!(run_worker(&app).await, 1, "handled once, not redelivered");
    let aws = app.aws_clients();
    let dlq = app.aws.as_ref().unwrap().email_dlq.clone();
    assert_eq!(testkit::aws::queue_depth(aws, &dlq).await, 0);
    let row = state(&app, &bob, &chat).await;
    assert_eq!(
        row.get::<_, Option<String>>("failure").as_deref(),
        Some("MessageRejected")
    );
    assert_eq!(row.get::<_, i64>("notified_seq"), 1);

    // Delivered again, the job has nothing left to do.
    let job = Job {
        user_id: shared::contract::UserId(bob.id.parse().unwrap()),
        chat_id: shared::contract::ChatId(chat.parse().unwrap()),
        seq: 1,
        deferred_until: None,
    };
    assert_eq!(
        notifications::deliver(&app.ctx, &job).await.unwrap(),
        Delivery::Skipped("nothing_new")
    );
}

#[tokio::test]
async fn a_second_burst_within_the_window_is_mailed_when_the_window_ends() {
    let app = app().await;
    let (alice, bob, chat) = alice_and_bob(&app).await;
    app.send_message(&alice.access_token, &chat, "first").await;
    run_worker(&app).await;
    assert_eq!(mail_to(&app, &bob).await.len(), 1);

    // Within the window: the jobs defer to its end (one job, queued with a delay).
    app.send_message(&alice.access_token, &chat, "second").await;
    app.send_message(&alice.access_token, &chat, "third").await;
    let jobs = take_jobs(&app).await;
    assert_eq!(jobs.len(), 2);
    for job in jobs {
        (EMAIL_WORKER.handler)(app.ctx.clone(), job).await.unwrap();
    }
    assert_eq!(mail_to(&app, &bob).await.len(), 1);
    let aws = app.aws_clients();
    assert_eq!(testkit::aws::queue_depth(aws, &queue(&app)).await, 1);
    assert!(take_jobs(&app).await.is_empty(), "the deferred job waits");
    // While it waits, a new message queues no job of its own: the deferred one covers it.
    app.send_message(&alice.access_token, &chat, "fourth").await;
    assert!(
        take_jobs(&app).await.is_empty(),
        "no job while one for the window's end waits"
    );

    // The window passes; the deferred job mails about all three.
    let deferred_until: chrono::DateTime<chrono::Utc> = app
        .db()
        .await
        .query_one(
            "UPDATE email_notifications SET last_sent_at = last_sent_at - interval '1 hour' \
             RETURNING deferred_until",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    let job = Job {
        user_id: shared::contract::UserId(bob.id.parse().unwrap()),
        chat_id: shared::contract::ChatId(chat.parse().unwrap()),
        seq: 4,
        deferred_until: Some(deferred_until),
    };
    assert_eq!(
        notifications::deliver(&app.ctx, &job).await.unwrap(),
        Delivery::Sent
    );
    let mail = mail_to(&app, &bob).await;
    assert_eq!(mail.len(), 2);
    assert!(
        mail.iter()
            .any(|m| m.subject == "3 new messages from Alice"),
        "{mail:#?}"
    );
}

#[tokio::test]
async fn notification_jobs_wait_out_the_configured_delay() {
    let app = TestApp::spawn_with_aws(&[("EMAIL_DELAY_SECS", "120".into())]).await;
    let (alice, _bob, chat) = alice_and_bob(&app).await;
    app.send_message(&alice.access_token, &chat, "hello").await;
    // A second message while that job waits needs no job of its own.
    app.send_message(&alice.access_token, &chat, "again").await;

    let aws = app.aws_clients();
    assert_eq!(testkit::aws::queue_depth(aws, &queue(&app)).await, 1);
    assert!(
        take_jobs(&app).await.is_empty(),
        "the job is not visible yet"
    );
}

//! Attachments against real PostgreSQL and the emulator's S3 and SQS: presigned uploads with
//! real HTTP PUTs, the media worker driven from the test's own queue, presigned downloads.

use testkit::attachments::{fetch, png, put_upload};
use testkit::{TestApp, TestUser};

async fn app_with_chat() -> (TestApp, TestUser, TestUser, String) {
    let app = TestApp::spawn_with_aws(&[]).await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let chat = app.create_direct(&alice.access_token, &bob.id).await;
    let chat = chat.body["id"].as_str().unwrap().to_owned();
    (app, alice, bob, chat)
}

fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn an_image_is_uploaded_checked_and_gets_a_thumbnail() {
    let (app, alice, bob, chat) = app_with_chat().await;
    let bytes = png(1200, 800);
    let created = app
        .create_attachment(
            &alice.access_token,
            &chat,
            "holiday.png",
            "image/png",
            bytes.len(),
        )
        .await;
    created.assert_status(201);
    assert_eq!(created.body["attachment"]["status"], "pending");
    assert_eq!(created.body["expires_in"], 900);
    let url = created.body["upload_url"].as_str().unwrap();
    // The PUT is signed for this type and this length only.
    let signed = query_param(url, "X-Amz-SignedHeaders").unwrap();
    assert!(signed.contains("content-length"), "{signed}");
    assert!(signed.contains("content-type"), "{signed}");
    let id = created.body["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    // The browser uploads to a staging key that is never served.
    let staged = format!("uploads/{chat}/{id}");
    let key = format!("attachments/{chat}/{id}");
    assert!(url.contains(&staged), "{url}");

    assert_eq!(put_upload(&created.body, bytes.clone()).await, 200);
    let done = app.complete_attachment(&alice.access_token, &id).await;
    done.assert_status(202);
    assert_eq!(done.body["status"], "processing");

    let tags = |app: &TestApp, key: String| {
        let s3 = app.aws_clients().s3.clone();
        let bucket = app.aws.as_ref().unwrap().bucket.clone();
        async move {
            let out = s3
                .get_object_tagging()
                .bucket(bucket)
                .key(key)
                .send()
                .await
                .unwrap();
            out.tag_set()
                .iter()
                .map(|t| format!("{}={}", t.key(), t.value()))
                .collect::<Vec<_>>()
        }
    };
    // Until the worker accepts it, the bucket's lifecycle rule would expire it.
    assert_eq!(
        tags(&app, staged.clone()).await,
        vec!["pending=true".to_owned()]
    );
    // Nothing is served before the worker accepts it.
    assert!(app.bucket_keys("attachments/").await.is_empty());
    app.get_attachment(&alice.access_token, &id)
        .await
        .assert_error(409, "attachment_not_ready");
    app.send_with_attachments(&alice.access_token, &chat, "", &[&id])
        .await
        .assert_error(409, "attachment_not_ready");
    assert_eq!(app.run_media_worker().await, 1);
    // The served copy carries no tag (the lifecycle rule keeps it); the staged upload is gone.
    assert!(tags(&app, key.clone()).await.is_empty());
    assert!(app.bucket_keys("uploads/").await.is_empty());
    let sent = app
        .send_with_attachments(&alice.access_token, &chat, "", &[&id])
        .await;
    sent.assert_status(201);
    let a = &sent.body["attachments"][0];
    assert_eq!(a["status"], "ready");
    assert_eq!(
        (a["width"].as_i64(), a["height"].as_i64()),
        (Some(1200), Some(800))
    );
    assert_eq!(a["has_thumbnail"], true);
    assert_eq!(sent.body["body"], "");

    let got = app.get_attachment(&bob.access_token, &id).await;
    got.assert_status(200);
    let (status, _, full) = fetch(got.body["download_url"].as_str().unwrap()).await;
    assert_eq!((status, full.len()), (200, bytes.len()));
    let (status, ct, thumb) = fetch(got.body["thumbnail_url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(ct, "image/jpeg");
    let thumb = image::load_from_memory(&thumb).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (320, 213));
}

#[tokio::test]
async fn a_message_with_attachments_round_trips_through_history_in_order() {
    let (app, alice, bob, chat) = app_with_chat().await;
    let note = app
        .upload_ready(
            &alice.access_token,
            &chat,
            "notes.txt",
            "text/plain",
            b"hello\n",
        )
        .await;
    let pic = app
        .upload_ready(
            &alice.access_token,
            &chat,
            "pic.png",
            "image/png",
            &png(10, 10),
        )
        .await;
    let sent = app
        .send_with_attachments(&alice.access_token, &chat, "two files", &[&pic, &note])
        .await;
    sent.assert_status(201);

    let page = app.history(&bob.access_token, &chat, "").await;
    page.assert_status(200);
    let m = &page.body["messages"][0];
    assert_eq!(m["body"], "two files");
    let ids: Vec<_> = m["attachments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, vec![pic.clone(), note.clone()]);
    assert_eq!(m["attachments"][1]["filename"], "notes.txt");
    assert_eq!(m["attachments"][1]["size"], 6);

    // A plain file downloads as a file, never rendered inline.
    let got = app.get_attachment(&bob.access_token, &note).await;
    got.assert_status(200);
    let url = got.body["download_url"].as_str().unwrap();
    let disposition = query_param(url, "response-content-disposition").unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert!(got.body["thumbnail_url"].is_null());

    // The chat list's preview carries them too.
    let chats = app.list_chats(&bob.access_token).await;
    assert_eq!(
        chats.body["chats"][0]["last_message"]["attachments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    // Deleting the message deletes its files: the originals and the thumbnail.
    assert_eq!(app.bucket_keys("attachments/").await.len(), 2);
    assert_eq!(app.bucket_keys("thumbnails/").await.len(), 1);
    app.delete_message(&alice.access_token, &chat, m["id"].as_str().unwrap())
        .await
        .assert_status(200);
    app.get_attachment(&bob.access_token, &note)
        .await
        .assert_error(404, "attachment_not_found");
    assert!(app.bucket_keys("attachments/").await.is_empty());
    assert!(app.bucket_keys("thumbnails/").await.is_empty());
}

#[tokio::test]
async fn an_image_that_is_really_text_is_rejected_and_its_file_deleted() {
    let (app, alice, _bob, chat) = app_with_chat().await;
    let id = app
        .upload(
            &alice.access_token,
            &chat,
            "cat.png",
            "image/png",
            b"this is not a png at all",
        )
        .await;
    assert_eq!(app.bucket_keys("uploads/").await.len(), 1);
    assert_eq!(app.run_media_worker().await, 1);
    assert!(app.bucket_keys("uploads/").await.is_empty());
    assert!(app.bucket_keys("attachments/").await.is_empty());
    assert!(app.bucket_keys("thumbnails/").await.is_empty());
    app.get_attachment(&alice.access_token, &id)
        .await
        .assert_error(409, "attachment_rejected");
    app.send_with_attachments(&alice.access_token, &chat, "look", &[&id])
        .await
        .assert_error(409, "attachment_rejected");
}

/// A PNG whose header claims `side` x `side` pixels, with almost no data behind it.
fn bomb_png(side: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        out.extend_from_slice(&crc32(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = side.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&side.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit greyscale
    chunk(&mut out, b"IHDR", &ihdr);
    // zlib: a stored empty block is enough to look like data.
    chunk(
        &mut out,
        b"IDAT",
        &[
            0x78, 0x01, 0x01, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
        ],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

fn peak_rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).map(str::to_owned))
        })
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_decompression_bomb_is_rejected_without_exhausting_memory() {
    let (app, alice, _bob, chat) = app_with_chat().await;
    // 15,000 x 15,000 pixels (225 MB greyscale, 675 MB as RGB) from a file of 70 bytes;
    // and 8,000 x 8,000 (64 megapixels), within the side limit but over the pixel limit.
    let big = app
        .upload(
            &alice.access_token,
            &chat,
            "big.png",
            "image/png",
            &bomb_png(15_000),
        )
        .await;
    let wide = app
        .upload(
            &alice.access_token,
            &chat,
            "wide.png",
            "image/png",
            &bomb_png(8_000),
        )
        .await;
    while app.run_media_worker().await > 0 {}
    for id in [big, wide] {
        app.get_attachment(&alice.access_token, &id)
            .await
            .assert_error(409, "attachment_rejected");
    }
    // Each test runs in its own process: its peak memory shows nothing was decoded.
    let peak = peak_rss_kib();
    assert!(peak < 200 * 1024, "peak RSS {peak} KiB");
}

#[tokio::test]
async fn the_same_job_delivered_twice_makes_one_thumbnail_and_no_error() {
    let (app, alice, _bob, chat) = app_with_chat().await;
    let id = app
        .upload(
            &alice.access_token,
            &chat,
            "p.png",
            "image/png",
            &png(400, 400),
        )
        .await;
    // The uploader completes ten times: one job on the queue.
    for _ in 0..9 {
        let again = app.complete_attachment(&alice.access_token, &id).await;
        again.assert_status(202);
        assert_eq!(again.body["status"], "processing");
    }
    let mut ran = 0;
    loop {
        let n = app.run_media_worker().await;
        if n == 0 {
            break;
        }
        ran += n;
    }
    assert_eq!(ran, 1);
    // And a job replayed by hand after the verdict.
    let job = shared::service::attachments::uploads::MediaJob {
        attachment_id: id.parse().unwrap(),
    };
    let mut record = aws_lambda_events::sqs::SqsMessage::default();
    record.message_id = Some("replayed".to_owned());
    record.body = Some(serde_json::to_string(&job).unwrap());
    let mut event = aws_lambda_events::sqs::SqsEvent::default();
    event.records = vec![record];
    let response = shared::adapter::sqs::dispatch(
        &app.ctx,
        "media-worker",
        shared::api::attachments::media_worker,
        event,
    )
    .await;
    assert!(response.batch_item_failures.is_empty());
    assert_eq!(app.bucket_keys("thumbnails/").await.len(), 1);
    let got = app.get_attachment(&alice.access_token, &id).await;
    assert_eq!(got.body["attachment"]["status"], "ready");
    // Completing a finished attachment answers it as it is and queues nothing.
    app.complete_attachment(&alice.access_token, &id)
        .await
        .assert_status(202);
    assert_eq!(app.run_media_worker().await, 0);
}

#[tokio::test]
async fn bad_uploads_get_clear_errors() {
    let (app, alice, _bob, chat) = app_with_chat().await;
    let t = &alice.access_token;
    app.create_attachment(t, &chat, "big.zip", "application/zip", 25 * 1024 * 1024 + 1)
        .await
        .assert_error(400, "attachment_too_large");
    app.create_attachment(t, &chat, "empty.txt", "text/plain", 0)
        .await
        .assert_error(400, "attachment_too_large");
    app.create_attachment(t, &chat, "page.html", "text/html", 10)
        .await
        .assert_error(400, "content_type_not_allowed");
    app.create_attachment(t, &chat, "x.svg", "image/svg+xml", 10)
        .await
        .assert_error(400, "content_type_not_allowed");
    app.create_attachment(t, &chat, "../", "text/plain", 10)
        .await
        .assert_error(400, "invalid_filename");
    app.create_attachment(t, &chat, &"a".repeat(201), "text/plain", 10)
        .await
        .assert_error(400, "invalid_filename");
    let r = app
        .create_attachment(t, &chat, "../../etc/pass\u{0}wd", "text/plain", 10)
        .await;
    r.assert_status(201);
    assert_eq!(r.body["attachment"]["filename"], "passwd");
    app.send(
        "POST",
        "/api/attachments",
        Some(testkit::json!({"chat_id": chat})),
        Some(t),
    )
    .await
    .assert_error(400, "invalid_request");

    // Completing before uploading, or after uploading other bytes than declared.
    let id = r.body["attachment"]["id"].as_str().unwrap();
    app.complete_attachment(t, id)
        .await
        .assert_error(409, "upload_incomplete");
    let created = app
        .create_attachment(t, &chat, "short.txt", "text/plain", 100)
        .await;
    put_upload(&created.body, b"only eleven".to_vec()).await;
    app.complete_attachment(t, created.body["attachment"]["id"].as_str().unwrap())
        .await
        .assert_error(409, "upload_incomplete");
    app.complete_attachment(t, "not-a-uuid")
        .await
        .assert_error(404, "attachment_not_found");
}

#[tokio::test]
async fn only_members_presign_and_download() {
    let (app, alice, bob, chat) = app_with_chat().await;
    let eve = app.user("eve").await;
    app.create_attachment(&eve.access_token, &chat, "x.txt", "text/plain", 5)
        .await
        .assert_error(404, "chat_not_found");
    let id = app
        .upload_ready(&alice.access_token, &chat, "x.txt", "text/plain", b"hello")
        .await;
    // Not yet sent: only the uploader sees it.
    app.get_attachment(&bob.access_token, &id)
        .await
        .assert_error(404, "attachment_not_found");
    app.complete_attachment(&bob.access_token, &id)
        .await
        .assert_error(404, "attachment_not_found");
    app.send_with_attachments(&alice.access_token, &chat, "", &[&id])
        .await
        .assert_status(201);
    app.get_attachment(&bob.access_token, &id)
        .await
        .assert_status(200);
    app.get_attachment(&eve.access_token, &id)
        .await
        .assert_error(404, "attachment_not_found");
}

#[tokio::test]
async fn sends_refuse_attachments_that_are_not_theirs_to_send() {
    let (app, alice, bob, chat) = app_with_chat().await;
    let t = &alice.access_token;
    let bobs = app
        .upload_ready(&bob.access_token, &chat, "b.txt", "text/plain", b"bob")
        .await;
    app.send_with_attachments(t, &chat, "", &[&bobs])
        .await
        .assert_error(400, "unknown_attachment");
    let unknown = uuid::Uuid::new_v4().to_string();
    app.send_with_attachments(t, &chat, "x", &[&unknown])
        .await
        .assert_error(400, "unknown_attachment");
    let pending = app
        .create_attachment(t, &chat, "p.txt", "text/plain", 3)
        .await;
    let pending = pending.body["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.send_with_attachments(t, &chat, "x", &[&pending])
        .await
        .assert_error(409, "attachment_not_uploaded");
    let mine = app.upload(t, &chat, "a.txt", "text/plain", b"abc").await;
    app.send_with_attachments(t, &chat, "x", &[&mine])
        .await
        .assert_error(409, "attachment_not_ready");
    app.run_media_worker().await;
    app.send_with_attachments(t, &chat, "x", &[&mine, &mine])
        .await
        .assert_error(400, "invalid_request");
    let eleven: Vec<String> = (0..11).map(|_| uuid::Uuid::new_v4().to_string()).collect();
    let refs: Vec<&str> = eleven.iter().map(String::as_str).collect();
    app.send_with_attachments(t, &chat, "x", &refs)
        .await
        .assert_error(400, "too_many_attachments");
    app.send_with_attachments(t, &chat, "   ", &[])
        .await
        .assert_error(400, "invalid_body");
    app.send_with_attachments(t, &chat, "first", &[&mine])
        .await
        .assert_status(201);
    app.send_with_attachments(t, &chat, "again", &[&mine])
        .await
        .assert_error(409, "attachment_already_sent");
    // Nothing of the refused sends was stored.
    let page = app.history(t, &chat, "").await;
    assert_eq!(page.body["messages"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn uploads_no_message_carries_are_swept_after_a_day() {
    let (app, alice, _bob, chat) = app_with_chat().await;
    let t = &alice.access_token;
    let stale = app
        .create_attachment(t, &chat, "s.txt", "text/plain", 5)
        .await;
    put_upload(&stale.body, b"stale".to_vec()).await;
    let fresh = app
        .create_attachment(t, &chat, "f.txt", "text/plain", 5)
        .await;
    // Completed and checked, never sent; and one that was sent.
    let unsent = app
        .upload_ready(t, &chat, "u.png", "image/png", &png(20, 20))
        .await;
    let sent = app
        .upload_ready(t, &chat, "k.txt", "text/plain", b"kept")
        .await;
    app.send_with_attachments(t, &chat, "", &[&sent])
        .await
        .assert_status(201);
    let stale_id: uuid::Uuid = stale.body["attachment"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let old: Vec<uuid::Uuid> = [stale_id.to_string(), unsent.clone(), sent.clone()]
        .iter()
        .map(|id| id.parse().unwrap())
        .collect();
    app.db()
        .await
        .execute(
            "UPDATE attachments SET created_at = now() - interval '25 hours' WHERE id = ANY($1)",
            &[&old],
        )
        .await
        .unwrap();
    let swept = shared::service::attachments::cleanup::sweep(&app.ctx)
        .await
        .unwrap();
    assert_eq!(swept.removed, 2);
    assert_eq!(
        app.bucket_keys("attachments/").await,
        vec![format!("attachments/{chat}/{sent}")]
    );
    assert!(app.bucket_keys("thumbnails/").await.is_empty());
    assert_eq!(
        app.bucket_keys("uploads/").await,
        Vec::<String>::new(),
        "the staged uploads are gone too"
    );
    app.complete_attachment(t, &stale_id.to_string())
        .await
        .assert_error(404, "attachment_not_found");
    app.get_attachment(t, &unsent)
        .await
        .assert_error(404, "attachment_not_found");
    app.get_attachment(t, &sent).await.assert_status(200);
    assert_eq!(fresh.status, 201);
    let fresh_id = fresh.body["attachment"]["id"].as_str().unwrap();
    app.complete_attachment(t, fresh_id)
        .await
        .assert_error(409, "upload_incomplete");
}

#[tokio::test]
async fn a_presigned_url_used_again_after_the_check_changes_nothing_served() {
    let (app, alice, bob, chat) = app_with_chat().await;
    let t = &alice.access_token;
    let picture = png(30, 30);
    let created = app
        .create_attachment(t, &chat, "cat.png", "image/png", picture.len())
        .await;
    put_upload(&created.body, picture.clone()).await;
    let id = created.body["attachment"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    app.complete_attachment(t, &id).await.assert_status(202);
    assert_eq!(app.run_media_worker().await, 1);
    app.send_with_attachments(t, &chat, "", &[&id])
        .await
        .assert_status(201);
    // The same URL again, with HTML of the same length.
    let mut html = b"<html><script>alert(1)</script>".to_vec();
    html.resize(picture.len(), b' ');
    assert_eq!(put_upload(&created.body, html).await, 200);
    app.complete_attachment(t, &id).await.assert_status(202);
    assert_eq!(app.run_media_worker().await, 0, "no job is queued again");
    let got = app.get_attachment(&bob.access_token, &id).await;
    got.assert_status(200);
    assert_eq!(got.body["attachment"]["status"], "ready");
    let (status, ct, bytes) = fetch(got.body["download_url"].as_str().unwrap()).await;
    assert_eq!((status, ct.as_str()), (200, "image/png"));
    assert_eq!(bytes, picture, "the checked bytes are what is served");
}

#[tokio::test]
async fn the_sweeper_finishes_the_removal_of_a_deleted_messages_files() {
    let (app, alice, _bob, chat) = app_with_chat().await;
    let t = &alice.access_token;
    let id = app
        .upload_ready(t, &chat, "n.txt", "text/plain", b"note")
        .await;
    let sent = app.send_with_attachments(t, &chat, "", &[&id]).await;
    sent.assert_status(201);
    // As if the removal right after the delete had failed: the row is marked, the file stays.
    let message: uuid::Uuid = sent.body["id"].as_str().unwrap().parse().unwrap();
    let db = app.db().await;
    db.execute(
        "UPDATE messages SET deleted_at = now(), body = '' WHERE id = $1",
        &[&message],
    )
    .await
    .unwrap();
    db.execute(
        "UPDATE attachments SET discarded_at = now() WHERE message_id = $1",
        &[&message],
    )
    .await
    .unwrap();
    assert_eq!(app.bucket_keys("attachments/").await.len(), 1);
    let swept = shared::service::attachments::cleanup::sweep(&app.ctx)
        .await
        .unwrap();
    assert_eq!((swept.purged, swept.removed), (1, 0));
    assert!(app.bucket_keys("attachments/").await.is_empty());
    let rows = db
        .query(
            "SELECT 1 FROM attachments WHERE message_id = $1",
            &[&message],
        )
        .await
        .unwrap();
    assert!(rows.is_empty());
}

#[tokio::test]
async fn a_lost_media_job_is_queued_again_by_the_sweeper() {
    let (app, alice, _bob, chat) = app_with_chat().await;
    let t = &alice.access_token;
    let id = app.upload(t, &chat, "l.txt", "text/plain", b"lost").await;
    // The job is lost: drained without running the worker.
    let queue = app.aws.as_ref().unwrap().media_queue.clone();
    let sqs = &app.aws_clients().sqs;
    sqs.purge_queue().queue_url(&queue).send().await.unwrap();
    let uuid: uuid::Uuid = id.parse().unwrap();
    app.db()
        .await
        .execute(
            "UPDATE attachments SET completed_at = now() - interval '20 minutes' WHERE id = $1",
            &[&uuid],
        )
        .await
        .unwrap();
    let swept = shared::service::attachments::cleanup::sweep(&app.ctx)
        .await
        .unwrap();
    assert_eq!(swept.requeued, 1);
    assert_eq!(app.run_media_worker().await, 1);
    let got = app.get_attachment(t, &id).await;
    assert_eq!(got.body["attachment"]["status"], "ready");
}

#[tokio::test]
async fn without_a_bucket_attachments_are_unavailable() {
    let app = TestApp::spawn().await;
    let alice = app.user("alice").await;
    let bob = app.user("bob").await;
    let chat = app.create_direct(&alice.access_token, &bob.id).await;
    let chat = chat.body["id"].as_str().unwrap();
    app.create_attachment(&alice.access_token, chat, "a.txt", "text/plain", 3)
        .await
        .assert_error(503, "attachments_unavailable");
}

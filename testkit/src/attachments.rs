//! Attachment helpers: one per route, the upload to the presigned URL, and the media worker
//! driven from the test (one receive of the test's media queue), so no test waits on a timer.

use serde_json::Value;

use crate::{TestApp, TestResponse, json};

/// A PNG of `width` x `height` with a gradient (so its thumbnail is not trivially empty).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 128])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png)
        .expect("png");
    out.into_inner()
}

impl TestApp {
    pub async fn create_attachment(
        &self,
        token: &str,
        chat: &str,
        filename: &str,
        content_type: &str,
        size: usize,
    ) -> TestResponse {
        self.send(
            "POST",
            "/api/attachments",
            Some(json!({"chat_id": chat, "filename": filename, "content_type": content_type, "size": size})),
            Some(token),
        )
        .await
    }

    pub async fn complete_attachment(&self, token: &str, id: &str) -> TestResponse {
        self.send(
            "POST",
            &format!("/api/attachments/{id}/complete"),
            None,
            Some(token),
        )
        .await
    }

    pub async fn get_attachment(&self, token: &str, id: &str) -> TestResponse {
        self.send("GET", &format!("/api/attachments/{id}"), None, Some(token))
            .await
    }

    /// Presign, PUT the bytes as a browser would, complete. Returns the attachment's id.
    pub async fn upload(
        &self,
        token: &str,
        chat: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> String {
        let created = self
            .create_attachment(token, chat, filename, content_type, bytes.len())
            .await;
        created.assert_status(201);
        put_upload(&created.body, bytes.to_vec()).await;
        let id = created.body["attachment"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        self.complete_attachment(token, &id)
            .await
            .assert_status(202);
        id
    }

    /// `upload`, then the media worker until the attachment is `ready` (only ready files can
    /// be sent or downloaded). Returns the attachment's id.
    pub async fn upload_ready(
        &self,
        token: &str,
        chat: &str,
        filename: &str,
        content_type: &str,
        bytes: &[u8],
    ) -> String {
        let id = self
            .upload(token, chat, filename, content_type, bytes)
            .await;
        for _ in 0..20 {
            let got = self.get_attachment(token, &id).await;
            if got.body["attachment"]["status"] == "ready" {
                return id;
            }
            self.run_media_worker().await;
        }
        panic!("attachment {id} never became ready");
    }

    /// Receives from the test's media queue once and runs the media worker on what came, as
    /// Lambda's event source mapping would; returns how many jobs ran.
    pub async fn run_media_worker(&self) -> usize {
        local_gateway::sqs_poller::poll_once(
            &self.ctx,
            &shared::routes::MEDIA_WORKER,
            crate::aws::POLL_WAIT,
        )
        .await
        .expect("poll the media queue")
    }

    /// Sends a message with attachments over REST.
    pub async fn send_with_attachments(
        &self,
        token: &str,
        chat: &str,
        body: &str,
        attachment_ids: &[&str],
    ) -> TestResponse {
        self.send(
            "POST",
            &format!("/api/chats/{chat}/messages"),
            Some(json!({
                "client_message_id": uuid::Uuid::new_v4(),
                "body": body,
                "attachment_ids": attachment_ids,
            })),
            Some(token),
        )
        .await
    }

    /// The keys under `prefix` in the test's bucket.
    pub async fn bucket_keys(&self, prefix: &str) -> Vec<String> {
        let bucket = &self.aws.as_ref().expect("spawn_with_aws").bucket;
        self.aws_clients()
            .s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .send()
            .await
            .expect("list objects")
            .contents
            .unwrap_or_default()
            .into_iter()
            .filter_map(|o| o.key)
            .collect()
    }
}

/// PUTs `bytes` to a presigned upload (`POST /api/attachments`' answer) with its headers.
pub async fn put_upload(created: &Value, bytes: Vec<u8>) -> u16 {
    let url = created["upload_url"].as_str().expect("upload_url");
    let mut req = reqwest::Client::new().put(url).body(bytes);
    if let Some(headers) = created["upload_headers"].as_object() {
        for (k, v) in headers {
            req = req.header(k, v.as_str().unwrap_or(""));
        }
    }
    req.send().await.expect("PUT the upload").status().as_u16()
}

/// GETs a presigned URL: status, content type and bytes.
pub async fn fetch(url: &str) -> (u16, String, Vec<u8>) {
    let r = reqwest::get(url).await.expect("GET");
    let status = r.status().as_u16();
    let ct = r
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    (status, ct, r.bytes().await.expect("body").to_vec())
}

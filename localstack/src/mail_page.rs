//! `GET /_dev/mail`: the mail the AWS API emulator's SES accepted, newest first, as MailHog
//! showed it in the original design. Only when the gateway talks to an emulator
//! (`AWS_ENDPOINT_URL`); moto lists sent mail at `/moto-api/data.json` (it keeps the HTML
//! part when there is one, and no send time).

use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use shared::Ctx;

/// One message the emulator's SES accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SentMail {
    pub id: String,
    pub from: String,
    pub to: Vec<String>,
    pub subject: String,
    /// The HTML part when the mail had one, else the text part.
    pub body: String,
}

/// Every message the emulator at `endpoint` accepted, oldest first.
pub async fn fetch(endpoint: &str) -> anyhow::Result<Vec<SentMail>> {
    let url = format!("{}/moto-api/data.json", endpoint.trim_end_matches('/'));
    // The emulator serialises its whole state for this and now and then fails with a 500
    // when a request changes that state at the same moment: ask again, a few times.
    let mut attempt = 0;
    let data: Value = loop {
        let resp = reqwest::get(&url).await?;
        if resp.status().is_server_error() && attempt < 5 {
            attempt += 1;
            tokio::time::sleep(std::time::Duration::from_millis(100 * attempt)).await;
            continue;
        }
        break resp.error_for_status()?.json().await?;
    };
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    Ok(["ses", "sesv2"]
        .iter()
        .filter_map(|service| data[service]["Message"].as_array())
        .flatten()
        .map(|m| SentMail {
            id: text(m, "id"),
            from: text(m, "source"),
            to: m["destinations"]["ToAddresses"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            subject: text(m, "subject"),
            body: text(m, "body"),
        })
        .collect())
}

pub async fn page(State(ctx): State<Ctx>) -> Response {
    let Some(endpoint) = ctx.config.aws_endpoint_url.as_deref() else {
        return (
            StatusCode::NOT_FOUND,
            "No AWS API emulator is configured (AWS_ENDPOINT_URL), so there is no mail to show.\n",
        )
            .into_response();
    };
    let mail = match fetch(endpoint).await {
        Ok(mail) => mail,
        Err(err) => {
            return (
                StatusCode::BAD_GATEWAY,
                format!("Could not read the emulator's sent mail at {endpoint}: {err:#}\n"),
            )
                .into_response();
        }
    };
    let mut html = String::from(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Sent mail</title>\
         <style>body{font-family:system-ui,sans-serif;margin:24px;color:#18181b}\
         article{border:1px solid #e4e4e7;border-radius:10px;margin:0 0 20px;padding:12px 16px}\
         h2{font-size:16px;margin:0 0 4px}p{margin:0 0 8px;color:#52525b;font-size:13px}\
         iframe{width:100%;height:420px;border:1px solid #e4e4e7;border-radius:8px}</style>\
         </head><body>",
    );
    html.push_str(&format!(
        "<h1>Sent mail ({})</h1><p>What the AWS API emulator's SES accepted, newest first. \
         Reload to see new mail.</p>",
        mail.len()
    ));
    for m in mail.iter().rev() {
        // The mail's own HTML, sandboxed: no scripts; its links open in a new tab.
        let doc = format!("<base target=\"_blank\">{}", m.body);
        html.push_str(&format!(
            "<article><h2>{}</h2><p>To {} &middot; from {} &middot; id {}</p>\
             <iframe sandbox=\"allow-popups allow-popups-to-escape-sandbox\" srcdoc=\"{}\"></iframe></article>",
            escape(&m.subject),
            escape(&m.to.join(", ")),
            escape(&m.from),
            escape(&m.id),
            escape(&doc),
        ));
    }
    html.push_str("</body></html>");
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response()
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn mail_page_escapes_what_it_embeds() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}

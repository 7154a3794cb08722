//! The notification mail: a summary of what a member missed in one chat (how many messages,
//! from whom, the first few quoted unless previews are off), in text and HTML (askama, user
//! content escaped), with an unsubscribe link and RFC 8058 one-click headers.

use askama::Template;

use crate::clients::mailer::OutgoingMail;
use crate::config::Config;
use crate::contract::{ChatId, ChatKind};
use crate::repo::notifications::{Missed, Preview, Recipient};
use crate::repo::requests::RequestMail;

/// How much of each quoted message a mail shows.
pub const PREVIEW_CHARS: usize = 280;

/// What both parts of a notification mail say.
struct Parts<'a> {
    to: String,
    name: &'a str,
    headline: String,
    previews: &'a [Preview],
    more: i64,
    chat_url: String,
    unsubscribe_url: String,
    /// "... while you were away" (a summary of missed messages; a request is news now).
    away: bool,
}

#[derive(Template)]
#[template(path = "notification.txt")]
struct TextMail<'a> {
    m: &'a Parts<'a>,
}

#[derive(Template)]
#[template(path = "notification.html")]
struct HtmlMail<'a> {
    m: &'a Parts<'a>,
}

/// Both parts rendered, with the unsubscribe headers.
fn render(m: Parts<'_>) -> anyhow::Result<OutgoingMail> {
    let text = TextMail { m: &m }.render()?;
    let html = HtmlMail { m: &m }.render()?;
    Ok(OutgoingMail {
        to: m.to.clone(),
        subject: m.headline.clone(),
        text,
        html,
        headers: vec![
            // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
            (
                "List-Unsubscribe".to_owned(),
                format!("<{}>", m.unsubscribe_url),
            ),
            (
                "List-Unsubscribe-Post".to_owned(),
                "List-Unsubscribe=One-Click".to_owned(),
            ),
        ],
        key: None,
    })
}

/// Renders the mail about `missed`. Without previews (`EMAIL_PREVIEWS=false`) it says only
/// how many messages came from whom.
pub fn compose(
    config: &Config,
    r: &Recipient,
    chat: ChatId,
    missed: &Missed,
    token: &str,
) -> anyhow::Result<OutgoingMail> {
    let previews: Vec<Preview> = if config.email_previews {
        missed
            .previews
            .iter()
            .map(|p| Preview {
                sender: p.sender.clone(),
                body: shorten(&p.body, PREVIEW_CHARS),
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut headline = format!(
        "{} from {}",
        plural(missed.count, "new message", "new messages"),
        names(&missed.senders)
    );
    if let (true, ChatKind::Group, Some(title)) =
        (config.email_previews, r.chat_kind, r.chat_title.as_deref())
    {
        headline.push_str(&format!(" in {title}"));
    }
    let chat_url = format!("{}/chats/{}", config.app_url, chat.0);
    let unsubscribe_url = unsubscribe_url(config, token);
    // Without previews, "N new messages" already says it all.
    let more = if previews.is_empty() {
        0
    } else {
        missed.count - i64::try_from(previews.len()).unwrap_or(0)
    };
    render(Parts {
        to: r.email.clone(),
        name: &r.display_name,
        headline,
        previews: &previews,
        more,
        chat_url,
        unsubscribe_url,
        away: true,
    })
}

fn unsubscribe_url(config: &Config, token: &str) -> String {
    format!(
        "{}/api/notifications/unsubscribe?token={}",
        config.api_url,
        form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
    )
}

/// The one mail of a chat request: "Alice wants to chat with you" (or "... added you to a
/// group"), the link to the app, and nothing the asker wrote beyond their name: no message
/// text, and no group title (a stranger could put anything there).
pub fn compose_request(
    config: &Config,
    m: &RequestMail,
    chat: ChatId,
    token: &str,
) -> anyhow::Result<OutgoingMail> {
    let headline = match m.group_title {
        Some(_) => format!("{} wants to add you to a group", m.from_name),
        None => format!("{} wants to chat with you", m.from_name),
    };
    render(Parts {
        to: m.email.clone(),
        name: &m.display_name,
        headline,
        previews: &[],
        more: 0,
        chat_url: format!("{}/chats/{}", config.app_url, chat.0),
        unsubscribe_url: unsubscribe_url(config, token),
        away: false,
    })
}

fn plural(n: i64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "Alice", "Alice and Bob", "Alice, Bob and Carol", "Alice, Bob and 3 others".
fn names(senders: &[String]) -> String {
    match senders {
        [] => "someone".to_owned(),
        [one] => one.clone(),
        [a, b] => format!("{a} and {b}"),
        [a, b, c] => format!("{a}, {b} and {c}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} others", rest.len()),
    }
}

/// At most `max` characters, with an ellipsis when cut.
fn shorten(text: &str, max: usize) -> String {
    let text = text.trim();
    match text.char_indices().nth(max) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}…", text[..cut].trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use uuid::Uuid;

    fn config(previews: bool) -> Config {
        let env = std::collections::HashMap::from([
            ("DATABASE_URL", "postgres://localhost/x".to_owned()),
            ("JWT_SECRET", "x".repeat(32)),
            ("APP_URL", "https://chat.example.com/".to_owned()),
            ("API_URL", "https://api.example.com".to_owned()),
            ("EMAIL_PREVIEWS", previews.to_string()),
        ]);
        Config::from_source(&env).unwrap()
    }

    fn recipient() -> Recipient {
        Recipient {
            email: "bob@example.com".to_owned(),
            display_name: "Bob".to_owned(),
            opted_in: true,
            online: false,
            last_read_seq: 0,
            chat_kind: ChatKind::Group,
            chat_title: Some("Team <b>".to_owned()),
            last_seq: 5,
            notified_seq: 0,
            last_sent_at: None,
            sending: false,
            deferred_until: None,
            now: Utc::now(),
        }
    }

    fn missed() -> Missed {
        Missed {
            count: 5,
            senders: vec!["Alice".to_owned(), "Eve & Co".to_owned()],
            previews: vec![
                Preview {
                    sender: "Alice".to_owned(),
                    body: "<script>alert(1)</script>".to_owned(),
                },
                Preview {
                    sender: "Eve & Co".to_owned(),
                    body: "second\nline".to_owned(),
                },
            ],
        }
    }

    #[test]
    fn a_mail_summarises_escapes_and_links() {
        let chat = ChatId(Uuid::nil());
        let mail = compose(&config(true), &recipient(), chat, &missed(), "a.b.c").unwrap();
        assert_eq!(mail.to, "bob@example.com");
        assert_eq!(
            mail.subject,
            "5 new messages from Alice and Eve & Co in Team <b>"
        );
        assert!(
            mail.text.contains("<script>alert(1)</script>"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains("...and 3 more."), "{}", mail.text);
        assert!(!mail.html.contains("<script>"), "{}", mail.html);
        assert!(
            mail.html
                .contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
            "{}",
            mail.html
        );
        assert!(mail.html.contains("Eve &#38; Co"), "{}", mail.html);
        let link = format!("https://chat.example.com/chats/{}", Uuid::nil());
        assert!(mail.text.contains(&link) && mail.html.contains(&link));
        assert_eq!(
            mail.headers[0],
            (
                "List-Unsubscribe".to_owned(),
                "<https://api.example.com/api/notifications/unsubscribe?token=a.b.c>".to_owned()
            )
        );
    }

    #[test]
    fn without_previews_a_mail_says_only_how_many_from_whom() {
        let mail = compose(
            &config(false),
            &recipient(),
            ChatId(Uuid::nil()),
            &missed(),
            "t",
        )
        .unwrap();
        assert_eq!(mail.subject, "5 new messages from Alice and Eve & Co");
        assert!(!mail.text.contains("alert") && !mail.html.contains("alert"));
        assert!(!mail.text.contains("Team"));
        assert!(!mail.text.contains("more") && !mail.html.contains("more"));
    }

    #[test]
    fn sender_lists_read_naturally() {
        let n = |v: &[&str]| names(&v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(n(&["A"]), "A");
        assert_eq!(n(&["A", "B", "C"]), "A, B and C");
        assert_eq!(n(&["A", "B", "C", "D", "E"]), "A, B and 3 others");
        assert_eq!(shorten("héllo wörld", 5), "héllo…");
        assert_eq!(shorten(" short ", 10), "short");
    }
}

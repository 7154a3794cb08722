//! E-mail notifications for offline members (docs/EMAIL.md): a job per member who is due one
//! when a message is stored (SQS, delayed), and the worker's delivery of a job: re-check,
//! batch into one mail per user and chat per window, claim, render, send through SESv2,
//! record. Also the signed unsubscribe tokens that the mails link to.

use std::time::Duration;

use anyhow::Context as _;
use askama::Template;
use aws_sdk_sesv2::error::{ProvideErrorMetadata as _, SdkError};
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, MessageHeader};
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use chrono::{DateTime, Utc};
use futures::stream::{self, StreamExt as _};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use secrecy::ExposeSecret as _;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

use crate::config::Config;
use crate::ctx::Ctx;
use crate::domain::{ChatId, ChatKind, UserId};
use crate::error::ApiError;
use crate::repo::notifications::{self as repo, Missed, Outcome, Preview, Recipient};
use crate::repo::users;

/// How many messages a mail quotes.
pub const PREVIEWS: i64 = 3;
/// How much of each quoted message a mail shows.
pub const PREVIEW_CHARS: usize = 280;
/// A claim older than this lost its worker (Lambda's timeout is far shorter) and is settled
/// as sent.
pub const CLAIM_LEASE: Duration = Duration::from_secs(300);
/// A message gets no job of its own when an earlier job for the same member and chat fires
/// at least this much later (the margin covers clocks that disagree a little).
const PENDING_MARGIN_SECS: f64 = 5.0;
/// SQS delays a message by at most this much.
const MAX_SQS_DELAY_SECS: i64 = 900;
/// SendMessageBatch takes at most 10 entries.
const SQS_BATCH: usize = 10;
/// SendMessageBatch calls in flight per stored message.
const SQS_CONCURRENCY: usize = 4;
/// How long an unsubscribe link works.
const UNSUBSCRIBE_TTL_DAYS: i64 = 365;
/// The `purpose` claim of unsubscribe tokens.
const UNSUBSCRIBE_PURPOSE: &str = "email_unsubscribe";

/// One job on the e-mail queue: "look at `user_id`'s unread messages in `chat_id`". `seq`
/// is the message that caused it (for logs); `deferred_until` marks the job a worker queued
/// for the end of a window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    pub user_id: UserId,
    pub chat_id: ChatId,
    pub seq: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferred_until: Option<DateTime<Utc>>,
}

/// What a job came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// SES accepted a mail.
    Sent,
    /// SES refused the mail for good; recorded, not retried.
    Rejected,
    /// A mail went out within the window: a job for its end is queued (or already was).
    Deferred,
    /// Nothing to send, and why.
    Skipped(&'static str),
}

// ---- enqueue ------------------------------------------------------------------------------

/// Runs after every newly stored message: queues a delayed job for each member (not the
/// sender) who has no live connection, has notifications on and has not read it. Never
/// fails the send: problems are logged (ids only) and the message stays stored.
pub async fn message_stored(ctx: &Ctx, chat: ChatId, sender: UserId, seq: i64) {
    if let Err(err) = enqueue(ctx, chat, sender, seq).await {
        tracing::warn!(chat_id = %chat.0, seq, error = %format!("{err:#}"), "e-mail notification jobs were not queued");
    }
}

async fn enqueue(ctx: &Ctx, chat: ChatId, sender: UserId, seq: i64) -> anyhow::Result<()> {
    let (Some(aws), Some(queue)) = (ctx.aws.as_ref(), ctx.config.email_queue_url.as_deref()) else {
        return Ok(());
    };
    let delay = ctx.config.email_delay.as_secs_f64();
    let pending = (delay - PENDING_MARGIN_SECS).max(0.0);
    let users = {
        let db = ctx.db.get().await?;
        repo::mark_queued(&db, chat, sender, seq, pending).await?
    };
    if users.is_empty() {
        return Ok(());
    }
    let jobs: Vec<Job> = users
        .iter()
        .map(|&user_id| Job {
            user_id,
            chat_id: chat,
            seq,
            deferred_until: None,
        })
        .collect();
    let delay = i32::try_from(ctx.config.email_delay.as_secs()).unwrap_or(0);
    let failed = send_jobs(&aws.sqs, queue, &jobs, delay).await;
    if failed.is_empty() {
        return Ok(());
    }
    let db = ctx.db.get().await?;
    repo::unmark_queued(&db, chat, &failed).await?;
    anyhow::bail!(
        "{} of {} jobs could not be queued",
        failed.len(),
        jobs.len()
    )
}

/// Sends jobs with SendMessageBatch (10 per call, a few calls at once); returns the users
/// whose jobs did not make it.
async fn send_jobs(
    sqs: &aws_sdk_sqs::Client,
    queue: &str,
    jobs: &[Job],
    delay_secs: i32,
) -> Vec<UserId> {
    let calls: Vec<_> = jobs
        .chunks(SQS_BATCH)
        .map(|chunk| send_batch(sqs.clone(), queue.to_owned(), chunk.to_vec(), delay_secs))
        .collect();
    stream::iter(calls)
        .buffer_unordered(SQS_CONCURRENCY)
        .flat_map(stream::iter)
        .collect()
        .await
}

/// One SendMessageBatch call; returns the users whose jobs it did not queue.
async fn send_batch(
    sqs: aws_sdk_sqs::Client,
    queue: String,
    chunk: Vec<Job>,
    delay_secs: i32,
) -> Vec<UserId> {
    let entries: Vec<SendMessageBatchRequestEntry> = chunk
        .iter()
        .enumerate()
        .filter_map(|(i, job)| {
            SendMessageBatchRequestEntry::builder()
                .id(i.to_string())
                .message_body(serde_json::to_string(job).ok()?)
                .delay_seconds(delay_secs)
                .build()
                .ok()
        })
        .collect();
    let all = || chunk.iter().map(|j| j.user_id).collect::<Vec<_>>();
    if entries.len() != chunk.len() {
        return all();
    }
    match sqs
        .send_message_batch()
        .queue_url(&queue)
        .set_entries(Some(entries))
        .send()
        .await
    {
        Ok(out) => out
            .failed
            .iter()
            .filter_map(|f| f.id.parse::<usize>().ok())
            .filter_map(|i| chunk.get(i).map(|j| j.user_id))
            .collect(),
        Err(err) => {
            tracing::warn!(error = %format!("{:#}", anyhow::Error::from(err)), "SendMessageBatch failed");
            all()
        }
    }
}

// ---- delivery -----------------------------------------------------------------------------

/// Delivers one job. `Err` means "try again later" (SQS redelivers it, and after the queue's
/// `maxReceiveCount` moves it to the dead-letter queue).
pub async fn deliver(ctx: &Ctx, job: &Job) -> anyhow::Result<Delivery> {
    let (user, chat) = (job.user_id, job.chat_id);
    let db = ctx.db.get().await?;
    if repo::settle_stale_claim(&db, user, chat, CLAIM_LEASE.as_secs_f64()).await? {
        tracing::warn!(user_id = %user.0, chat_id = %chat.0, "a notification claim outlived its lease; settled as sent");
    }
    let Some(r) = repo::recipient(&db, user, chat).await? else {
        return Ok(Delivery::Skipped("not_a_member"));
    };
    if !r.opted_in {
        return Ok(Delivery::Skipped("opted_out"));
    }
    if r.online {
        return Ok(Delivery::Skipped("online"));
    }
    if r.last_read_seq.max(r.notified_seq) >= r.last_seq {
        return Ok(Delivery::Skipped("nothing_new"));
    }
    if r.sending {
        anyhow::bail!("another job is sending this notification");
    }
    let window = chrono::Duration::from_std(ctx.config.email_window)?;
    if let Some(ends) = r.last_sent_at.map(|t| t + window).filter(|&e| e > r.now) {
        return defer(ctx, &db, job, &r, ends).await;
    }
    let Some(aws) = ctx.aws.as_ref() else {
        anyhow::bail!("no AWS clients to send e-mail with");
    };
    let from = ctx
        .config
        .email_from
        .as_deref()
        .context("EMAIL_FROM is not set")?;
    let claim_id = Uuid::new_v4();
    let window_secs = ctx.config.email_window.as_secs_f64();
    let Some(notified) = repo::claim(&db, user, chat, claim_id, r.last_seq, window_secs).await?
    else {
        anyhow::bail!("another job claimed this notification first");
    };
    let after = r.last_read_seq.max(notified);
    let sent = async {
        let missed = repo::missed(&db, user, chat, after, r.last_seq, PREVIEWS).await?;
        if missed.count == 0 {
            repo::finish(&db, user, chat, claim_id, Outcome::Nothing).await?;
            return Ok(Delivery::Skipped("nothing_new"));
        }
        let token = unsubscribe_token(&ctx.config, user)?;
        let mail = compose(&ctx.config, &r, chat, &missed, &token)?;
        match send_mail(&aws.ses, from, &mail).await {
            Ok(()) => {
                if let Err(err) = repo::finish(&db, user, chat, claim_id, Outcome::Sent).await {
                    // The mail is out: retrying would send it again. The claim stays and
                    // is settled as sent once its lease runs out.
                    tracing::error!(user_id = %user.0, chat_id = %chat.0, error = %err.detail(), "sent, but not recorded");
                }
                Ok(Delivery::Sent)
            }
            Err(SendFailure::Permanent(code)) => {
                tracing::warn!(user_id = %user.0, chat_id = %chat.0, code = %code, "SES refused the notification for good");
                repo::finish(&db, user, chat, claim_id, Outcome::Rejected(&code)).await?;
                Ok(Delivery::Rejected)
            }
            Err(SendFailure::Transient(err)) => Err(err),
        }
    }
    .await;
    if sent.is_err() {
        // Best effort: otherwise the claim blocks retries until its lease runs out.
        let _ = repo::release(&db, user, chat, claim_id).await;
    }
    sent
}

/// A mail went out less than a window ago: queue one job for the window's end, unless one
/// is already on its way.
async fn defer(
    ctx: &Ctx,
    db: &impl crate::repo::GenericClient,
    job: &Job,
    r: &Recipient,
    ends: DateTime<Utc>,
) -> anyhow::Result<Delivery> {
    let (user, chat) = (job.user_id, job.chat_id);
    let pending = r
        .deferred_until
        .is_some_and(|d| d >= ends && job.deferred_until != Some(d));
    if pending || !repo::defer(db, user, chat, r.deferred_until, ends).await? {
        return Ok(Delivery::Skipped("already_deferred"));
    }
    let (Some(aws), Some(queue)) = (ctx.aws.as_ref(), ctx.config.email_queue_url.as_deref()) else {
        anyhow::bail!("no e-mail queue to defer the notification to");
    };
    let delay = ((ends - r.now).num_seconds() + 1).clamp(1, MAX_SQS_DELAY_SECS);
    let next = Job {
        user_id: user,
        chat_id: chat,
        seq: r.last_seq,
        deferred_until: Some(ends),
    };
    let failed = send_jobs(&aws.sqs, queue, &[next], i32::try_from(delay).unwrap_or(1)).await;
    if !failed.is_empty() {
        repo::undefer(db, user, chat, ends).await?;
        anyhow::bail!("the deferred notification job could not be queued");
    }
    Ok(Delivery::Deferred)
}

// ---- the mail -----------------------------------------------------------------------------

/// A rendered notification.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub unsubscribe_url: String,
}

#[derive(Template)]
#[template(path = "notification.txt")]
struct TextMail<'a> {
    name: &'a str,
    headline: &'a str,
    previews: &'a [Preview],
    more: i64,
    chat_url: &'a str,
    unsubscribe_url: &'a str,
}

#[derive(Template)]
#[template(path = "notification.html")]
struct HtmlMail<'a> {
    name: &'a str,
    headline: &'a str,
    previews: &'a [Preview],
    more: i64,
    chat_url: &'a str,
    unsubscribe_url: &'a str,
}

/// Renders the mail about `missed`. Without previews (`EMAIL_PREVIEWS=false`) it says only
/// how many messages came from whom.
pub fn compose(
    config: &Config,
    r: &Recipient,
    chat: ChatId,
    missed: &Missed,
    token: &str,
) -> anyhow::Result<Mail> {
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
    let unsubscribe_url = format!(
        "{}/api/notifications/unsubscribe?token={}",
        config.api_url,
        form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
    );
    // Without previews, "N new messages" already says it all.
    let more = if previews.is_empty() {
        0
    } else {
        missed.count - i64::try_from(previews.len()).unwrap_or(0)
    };
    let text = TextMail {
        name: &r.display_name,
        headline: &headline,
        previews: &previews,
        more,
        chat_url: &chat_url,
        unsubscribe_url: &unsubscribe_url,
    }
    .render()?;
    let html = HtmlMail {
        name: &r.display_name,
        headline: &headline,
        previews: &previews,
        more,
        chat_url: &chat_url,
        unsubscribe_url: &unsubscribe_url,
    }
    .render()?;
    Ok(Mail {
        to: r.email.clone(),
        subject: headline,
        text,
        html,
        unsubscribe_url,
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

/// Why SES did not take a mail.
#[derive(Debug)]
enum SendFailure {
    /// Refused for good (bad address, unverified sender, malformed request): its code.
    Permanent(String),
    /// Throttling, quotas, a paused account, the network: worth retrying.
    Transient(anyhow::Error),
}

async fn send_mail(
    ses: &aws_sdk_sesv2::Client,
    from: &str,
    mail: &Mail,
) -> Result<(), SendFailure> {
    let content = |data: &str| {
        Content::builder()
            .data(data)
            .charset("UTF-8")
            .build()
            .map_err(|e| SendFailure::Transient(e.into()))
    };
    let header = |name: &str, value: &str| {
        MessageHeader::builder()
            .name(name)
            .value(value)
            .build()
            .map_err(|e| SendFailure::Transient(e.into()))
    };
    let message = Message::builder()
        .subject(content(&mail.subject)?)
        .body(
            Body::builder()
                .text(content(&mail.text)?)
                .html(content(&mail.html)?)
                .build(),
        )
        // RFC 2369 and RFC 8058: mail clients show an unsubscribe button that POSTs here.
        .headers(header(
            "List-Unsubscribe",
            &format!("<{}>", mail.unsubscribe_url),
        )?)
        .headers(header(
            "List-Unsubscribe-Post",
            "List-Unsubscribe=One-Click",
        )?)
        .build();
    ses.send_email()
        .from_email_address(from)
        .destination(Destination::builder().to_addresses(&mail.to).build())
        .content(EmailContent::builder().simple(message).build())
        .send()
        .await
        .map(|_| ())
        .map_err(classify)
}

fn classify(
    err: SdkError<SendEmailError, aws_sdk_sesv2::config::http::HttpResponse>,
) -> SendFailure {
    let SdkError::ServiceError(service) = &err else {
        // Timeouts, connection and response errors: SES may be fine a moment later.
        return SendFailure::Transient(err.into());
    };
    let code = service.err().code().unwrap_or("unknown").to_owned();
    let status = service.raw().status().as_u16();
    match service.err() {
        SendEmailError::MessageRejected(_)
        | SendEmailError::MailFromDomainNotVerifiedException(_)
        | SendEmailError::BadRequestException(_)
        | SendEmailError::NotFoundException(_) => SendFailure::Permanent(code),
        SendEmailError::TooManyRequestsException(_)
        | SendEmailError::LimitExceededException(_)
        | SendEmailError::AccountSuspendedException(_)
        | SendEmailError::SendingPausedException(_) => SendFailure::Transient(err.into()),
        // Errors this SDK version does not model: a 4xx other than 429 is about the request.
        _ if (400..500).contains(&status) && status != 429 => SendFailure::Permanent(code),
        _ => SendFailure::Transient(err.into()),
    }
}

// ---- unsubscribe --------------------------------------------------------------------------

#[derive(Debug, Serialize, Deserialize)]
struct UnsubscribeClaims {
    sub: Uuid,
    purpose: String,
    iss: String,
    iat: i64,
    exp: i64,
}

/// The HMAC key of unsubscribe tokens: derived from the JWT secret with a label of its own,
/// so an access token never verifies as an unsubscribe token, nor the other way round.
fn unsubscribe_key(config: &Config) -> Vec<u8> {
    let mut hash = Sha256::new();
    hash.update(b"messenger/email-unsubscribe/v1\0");
    hash.update(config.jwt_secret.expose_secret().as_bytes());
    hash.finalize().to_vec()
}

/// A signed token that turns `user`'s e-mail notifications off, valid for a year.
pub fn unsubscribe_token(config: &Config, user: UserId) -> Result<String, ApiError> {
    let now = Utc::now().timestamp();
    let claims = UnsubscribeClaims {
        sub: user.0,
        purpose: UNSUBSCRIBE_PURPOSE.to_owned(),
        iss: config.jwt_issuer.clone(),
        iat: now,
        exp: now + UNSUBSCRIBE_TTL_DAYS * 24 * 3600,
    };
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(&unsubscribe_key(config)),
    )
    .map_err(|e| ApiError::Internal(e.into()))
}

/// The user an unsubscribe token names; 400 `invalid_unsubscribe_token` for anything forged,
/// expired or meant for something else.
pub fn verify_unsubscribe_token(config: &Config, token: &str) -> Result<UserId, ApiError> {
    let mut validation = Validation::new(Algorithm::HS256);
    validation.set_issuer(&[config.jwt_issuer.as_str()]);
    validation.set_required_spec_claims(&["sub", "exp", "iat", "iss"]);
    jsonwebtoken::decode::<UnsubscribeClaims>(
        token,
        &DecodingKey::from_secret(&unsubscribe_key(config)),
        &validation,
    )
    .ok()
    .filter(|data| data.claims.purpose == UNSUBSCRIBE_PURPOSE)
    .map(|data| UserId(data.claims.sub))
    .ok_or_else(|| {
        ApiError::bad_request(
            "invalid_unsubscribe_token",
            "this unsubscribe link is invalid or has expired",
        )
    })
}

/// Turns e-mail notifications off for the user a token names. An account deleted since is
/// fine: it gets no mail either.
pub async fn unsubscribe(ctx: &Ctx, token: &str) -> Result<UserId, ApiError> {
    let user = verify_unsubscribe_token(&ctx.config, token)?;
    let db = ctx.db.get().await?;
    users::update_profile(&db, user, None, Some(false)).await?;
    Ok(user)
}

#[cfg(test)]
mod tests {
    use super::*;

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
            mail.unsubscribe_url,
            "https://api.example.com/api/notifications/unsubscribe?token=a.b.c"
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

    #[test]
    fn unsubscribe_tokens_verify_only_as_unsubscribe_tokens() {
        let cfg = config(true);
        let user = UserId(Uuid::new_v4());
        let token = unsubscribe_token(&cfg, user).unwrap();
        assert_eq!(verify_unsubscribe_token(&cfg, &token).unwrap(), user);
        // An access token (same secret, other key and no purpose) is refused...
        let access = crate::auth::jwt::TokenKeys::new(&cfg).issue(user).unwrap();
        let err = verify_unsubscribe_token(&cfg, &access).unwrap_err();
        assert_eq!(err.code(), "invalid_unsubscribe_token");
        // ...and an unsubscribe token is no access token.
        assert!(
            crate::auth::jwt::TokenKeys::new(&cfg)
                .verify(&token)
                .is_err()
        );
        let mut forged = token.clone();
        forged.pop();
        assert!(verify_unsubscribe_token(&cfg, &forged).is_err());
    }
}

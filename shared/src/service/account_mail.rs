//! The account mails: "verify your e-mail" and "reset your password", in text and HTML
//! (askama; everything interpolated is escaped in the HTML part). They carry nothing anyone
//! else typed (not even the account's display name: whoever registered an address chose it,
//! and the mail goes to the address's owner), the product's name, a link to the SPA with the
//! token in the fragment (never sent to a server, so never in an access log or a Referer),
//! and no tracking: no images, no pixels, no redirecting links.

use askama::Template;

use crate::clients::mailer::OutgoingMail;
use crate::config::Config;
use crate::ctx::Ctx;

/// What both parts of a mail say.
struct Fields<'a> {
    w: &'a Wording,
    url: &'a str,
}

#[derive(Template)]
#[template(path = "account.txt")]
struct TextMail<'a> {
    m: &'a Fields<'a>,
}

#[derive(Template)]
#[template(path = "account.html")]
struct HtmlMail<'a> {
    m: &'a Fields<'a>,
}

/// Which account mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    VerifyEmail,
    PasswordReset,
}

struct Wording {
    subject: &'static str,
    intro: &'static str,
    action: &'static str,
    path: &'static str,
    lifetime: &'static str,
    ignore: &'static str,
}

fn wording(kind: Kind) -> Wording {
    match kind {
        Kind::VerifyEmail => Wording {
            subject: "Confirm your e-mail address for Messenger",
            intro: "Someone created a Messenger account with this e-mail address. If it was you, \
                    confirm the address so that colleagues can find you by it and you get \
                    notifications.",
            action: "Confirm my e-mail address",
            path: "/verify-email",
            lifetime: "24 hours",
            ignore: "If you did not create this account, ignore this mail, or take the address \
                     back with \"Forgot password\" on the sign-in page.",
        },
        Kind::PasswordReset => Wording {
            subject: "Reset your Messenger password",
            intro: "Someone asked to reset the password of the Messenger account of this e-mail \
                    address. If it was you, choose a new password; every device signed in to \
                    the account is then signed out.",
            action: "Choose a new password",
            path: "/reset-password",
            lifetime: "1 hour",
            ignore: "If you did not ask for this, ignore this mail: your password stays as it is.",
        },
    }
}

/// The mail of `kind` with `token`, to `to`.
pub fn compose(config: &Config, kind: Kind, to: &str, token: &str) -> anyhow::Result<OutgoingMail> {
    let w = wording(kind);
    let url = format!("{}{}#token={}", config.app_url, w.path, token);
    let fields = Fields { w: &w, url: &url };
    let text = TextMail { m: &fields }.render()?;
    let html = HtmlMail { m: &fields }.render()?;
    Ok(OutgoingMail {
        to: to.to_owned(),
        subject: w.subject.to_owned(),
        text,
        html,
        headers: Vec::new(),
        // A link mail is asked for again by the person, not retried by a worker.
        key: None,
    })
}

/// Sends an account mail through SES. Failures are logged (without the token) and swallowed:
/// the account change stands, and the person can ask for another mail.
pub async fn send(ctx: &Ctx, kind: Kind, to: &str, token: &str) {
    let Some(mailer) = &ctx.mailer else {
        tracing::warn!(
            ?kind,
            "no mailer configured (EMAIL_FROM); account mail not sent"
        );
        return;
    };
    let mail = match compose(&ctx.config, kind, to, token) {
        Ok(mail) => mail,
        Err(e) => {
            tracing::error!(error = %e, ?kind, "rendering an account mail");
            return;
        }
    };
    match tokio::time::timeout(ctx.config.push_timeout, mailer.send(&mail)).await {
        Ok(Ok(())) => tracing::info!(?kind, "account mail sent"),
        Ok(Err(e)) => tracing::warn!(error = %e, ?kind, "account mail not sent"),
        Err(_) => tracing::warn!(?kind, "account mail timed out"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_mails_link_to_the_app_with_the_token_in_the_fragment() {
        let env = std::collections::HashMap::from([
            ("DATABASE_URL", "postgres://localhost/x".to_owned()),
            ("JWT_SECRET", "x".repeat(32)),
            ("APP_URL", "https://chat.example.com/".to_owned()),
        ]);
        let config = Config::from_source(&env).unwrap();
        let mail = compose(&config, Kind::PasswordReset, "a@example.com", "tok-en_1").unwrap();
        let url = "https://chat.example.com/reset-password#token=tok-en_1";
        assert!(mail.text.contains(url), "{}", mail.text);
        assert!(
            mail.html.contains(&format!("href=\"{url}\"")),
            "{}",
            mail.html
        );
        assert!(mail.subject.contains("Messenger"));
        assert!(!mail.html.contains("<img"), "no tracking pixels");
        let verify = compose(&config, Kind::VerifyEmail, "a@example.com", "t").unwrap();
        assert!(verify.text.contains("/verify-email#token=t"));
        assert!(verify.text.contains("24 hours") && mail.text.contains("1 hour"));
    }
}

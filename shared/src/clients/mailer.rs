//! Mail (SESv2): sends a rendered mail from the configured sender identity and tells a
//! refusal for good from a failure worth retrying.

use aws_sdk_sesv2::error::{ProvideErrorMetadata as _, SdkError};
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::types::{
    Body, Content, Destination, EmailContent, Message, MessageHeader, MessageTag,
};

/// The message tag that carries a notification's idempotency key (its claim's id), in SES's
/// sending events too (`service::notifications::events`).
pub const KEY_TAG: &str = "notification_id";

/// A mail ready to go: plain text and HTML, and headers of its own (e.g. List-Unsubscribe).
#[derive(Debug, Clone)]
pub struct OutgoingMail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    pub headers: Vec<(String, String)>,
    /// Idempotency key: the same for every attempt at one notification, sent as the SES
    /// message tag `notification_id` (it shows in SES's sending events and logs, so the copies
    /// of a re-sent mail can be told apart from two mails).
    pub key: Option<String>,
}

/// Why SES did not take a mail.
#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// Refused for good (bad address, unverified sender, malformed request): SES's code.
    #[error("SES refused the mail: {0}")]
    Permanent(String),
    /// SES answered with an error worth retrying (throttling, quotas, a paused account, its
    /// own 5xx), or the request never left: the mail was not accepted.
    #[error("SES: {0:#}")]
    Transient(anyhow::Error),
    /// No answer (a timeout, the connection lost mid-request, an answer that did not parse):
    /// SES may have accepted the mail. Its `Send` event or the claim's lease decides.
    #[error("SES, outcome unknown: {0:#}")]
    Unknown(anyhow::Error),
}

#[derive(Clone, Debug)]
pub struct Mailer {
    ses: aws_sdk_sesv2::Client,
    from: String,
    configuration_set: Option<String>,
}

impl Mailer {
    pub fn new(ses: aws_sdk_sesv2::Client, from: String) -> Self {
        Self {
            ses,
            from,
            configuration_set: None,
        }
    }

    /// Sends with this SES configuration set: its event destination publishes a `Send`
    /// event, with the mail's tags, for every mail SES accepts (docs/EMAIL.md).
    pub fn with_configuration_set(mut self, name: Option<String>) -> Self {
        self.configuration_set = name;
        self
    }

    pub async fn send(&self, mail: &OutgoingMail) -> Result<(), MailError> {
        let content = |data: &str| {
            Content::builder()
                .data(data)
                .charset("UTF-8")
                .build()
                .map_err(|e| MailError::Transient(e.into()))
        };
        let mut message = Message::builder().subject(content(&mail.subject)?).body(
            Body::builder()
                .text(content(&mail.text)?)
                .html(content(&mail.html)?)
                .build(),
        );
        for (name, value) in &mail.headers {
            message = message.headers(
                MessageHeader::builder()
                    .name(name)
                    .value(value)
                    .build()
                    .map_err(|e| MailError::Transient(e.into()))?,
            );
        }
        let mut send = self.ses.send_email();
        if let Some(key) = &mail.key {
            send = send.email_tags(
                MessageTag::builder()
                    .name(KEY_TAG)
                    .value(key)
                    .build()
                    .map_err(|e| MailError::Transient(e.into()))?,
            );
        }
        send.set_configuration_set_name(self.configuration_set.clone())
            .from_email_address(&self.from)
            .destination(Destination::builder().to_addresses(&mail.to).build())
            .content(EmailContent::builder().simple(message.build()).build())
            .send()
            .await
            .map(|_| ())
            .map_err(classify)
    }
}

fn classify(err: SdkError<SendEmailError, aws_sdk_sesv2::config::http::HttpResponse>) -> MailError {
    let service = match &err {
        SdkError::ServiceError(service) => service,
        // The request was never sent.
        SdkError::ConstructionFailure(_) => return MailError::Transient(err.into()),
        // Timeouts, connection and response errors: SES may have taken the mail.
        _ => return MailError::Unknown(err.into()),
    };
    let code = service.err().code().unwrap_or("unknown").to_owned();
    let status = service.raw().status().as_u16();
    match service.err() {
        SendEmailError::MessageRejected(_)
        | SendEmailError::MailFromDomainNotVerifiedException(_)
        | SendEmailError::BadRequestException(_)
        | SendEmailError::NotFoundException(_) => MailError::Permanent(code),
        SendEmailError::TooManyRequestsException(_)
        | SendEmailError::LimitExceededException(_)
        | SendEmailError::AccountSuspendedException(_)
        | SendEmailError::SendingPausedException(_) => MailError::Transient(err.into()),
        // Errors this SDK version does not model: a 4xx other than 429 is about the request.
        _ if (400..500).contains(&status) && status != 429 => MailError::Permanent(code),
        _ => MailError::Transient(err.into()),
    }
}

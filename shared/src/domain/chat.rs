//! Validated chat and message inputs.

use crate::contract::ErrorCode;
use crate::error::ApiError;

/// A group chat's title: 1..=100 characters, as `text::name` makes it (NFKC, trimmed, one
/// line, no bidi controls, something visible).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatTitle(String);

impl ChatTitle {
    pub const MAX_CHARS: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        super::text::parse(raw, Self::MAX_CHARS, ErrorCode::InvalidTitle, "title").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A message text: 1..=4000 characters after trimming; newlines and tabs are the only control
/// characters allowed (CRLF is normalised to LF first, as browsers on any platform send).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageBody(String);

impl MessageBody {
    pub const MAX_CHARS: usize = 4000;

    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let normalised = raw.replace("\r\n", "\n");
        let body = normalised.trim();
        let n = body.chars().count();
        if n == 0 {
            return Err(ApiError::new(
                ErrorCode::InvalidBody,
                "body must not be empty",
            ));
        }
        if n > Self::MAX_CHARS {
            return Err(ApiError::new(
                ErrorCode::InvalidBody,
                format!("body must be at most {} characters", Self::MAX_CHARS),
            ));
        }
        if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            return Err(ApiError::new(
                ErrorCode::InvalidBody,
                "body must not contain control characters other than newline and tab",
            ));
        }
        Ok(Self(body.to_owned()))
    }

    /// As `parse`, but an empty (or blank) body is allowed: a message of attachments only.
    pub fn parse_or_empty(raw: &str) -> Result<Self, ApiError> {
        if raw.trim().is_empty() {
            return Ok(Self(String::new()));
        }
        Self::parse(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_bodies_are_trimmed_and_bounded() {
        assert_eq!(
            MessageBody::parse("  hi\r\nthere\t ").ok().map(|b| b.0),
            Some("hi\nthere".to_owned())
        );
        assert!(MessageBody::parse(" \n\t ").is_err());
        assert!(MessageBody::parse(&"é".repeat(4000)).is_ok());
        assert!(MessageBody::parse(&"x".repeat(4001)).is_err());
        assert!(MessageBody::parse("bell\u{7}").is_err());
        assert!(MessageBody::parse("nul\u{0}").is_err());
        assert!(MessageBody::parse("esc\u{1b}[31m").is_err());
    }

    #[test]
    fn titles_are_trimmed_and_bounded() {
        assert_eq!(
            ChatTitle::parse(" Team ").ok().map(|t| t.0),
            Some("Team".to_owned())
        );
        assert!(ChatTitle::parse("").is_err());
        assert!(ChatTitle::parse(&"x".repeat(101)).is_err());
        assert!(ChatTitle::parse("a\nb").is_err());
    }

    #[test]
    fn titles_are_normalised_and_must_show_something() {
        assert_eq!(
            ChatTitle::parse("Ｔｅａｍ ① ").ok().map(|t| t.0),
            Some("Team 1".to_owned())
        );
        assert!(ChatTitle::parse("\u{FEFF}\u{2060}").is_err());
        assert!(ChatTitle::parse("Team\u{2067}").is_err());
        assert!(ChatTitle::parse("Team\u{2029}B").is_err());
        assert!(ChatTitle::parse("\u{1F3B8}\u{200D}\u{1F525}").is_ok());
    }
}

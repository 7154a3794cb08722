//! Attachments' validated inputs: the allowed content types, the size bound and a safe
//! filename, and how the bytes of a file must look for its declared type.

use crate::contract::ErrorCode;
use crate::error::ApiError;

/// 25 MB: the largest attachment.
pub const MAX_SIZE: i64 = 25 * 1024 * 1024;
/// The most attachments one message carries.
pub const MAX_PER_MESSAGE: usize = 10;

/// The content types an attachment may declare: common images, PDF, plain text, ZIP and
/// office documents. Nothing a browser would run (no HTML, SVG, JavaScript).
pub const ALLOWED_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "application/pdf",
    "text/plain",
    "application/zip",
    "application/msword",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
];

/// An allowed content type, lower-cased, without parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContentType(&'static str);

impl ContentType {
    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        let essence = raw
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        ALLOWED_TYPES
            .iter()
            .find(|t| **t == essence)
            .map(|t| Self(t))
            .ok_or_else(|| {
                ApiError::new(ErrorCode::ContentTypeNotAllowed,
                    "this type of file cannot be attached (images, PDF, text, ZIP and office documents can)",
                )
            })
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    pub fn is_image(&self) -> bool {
        is_image(self.0)
    }
}

pub fn is_image(content_type: &str) -> bool {
    content_type.starts_with("image/")
}

/// A declared size within 1 byte..25 MB.
pub fn parse_size(size: i64) -> Result<i64, ApiError> {
    if (1..=MAX_SIZE).contains(&size) {
        Ok(size)
    } else {
        Err(ApiError::new(
            ErrorCode::AttachmentTooLarge,
            format!("an attachment must be between 1 byte and {MAX_SIZE} bytes (25 MB)"),
        ))
    }
}

/// A filename safe to store and to put in a Content-Disposition header: the last path part
/// only, no control characters, at most 200 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filename(String);

impl Filename {
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<Self, ApiError> {
        // Browsers on Windows may send `C:\fakepath\x.png`; keep what follows the last separator.
        let base = raw.rsplit(['/', '\\']).next().unwrap_or("");
        let cleaned: String = base.chars().filter(|c| !c.is_control()).collect();
        let name = cleaned.trim().trim_start_matches('.').trim();
        let invalid = |why: &str| ApiError::new(ErrorCode::InvalidFilename, why.to_owned());
        if name.is_empty() {
            return Err(invalid("filename must name a file"));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(invalid("filename must be at most 200 characters"));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether a file's leading bytes fit its declared type. Images must be exactly the declared
/// format; office documents may be detected as their container (ZIP or OLE); plain text must be
/// UTF-8 and nothing binary.
pub fn bytes_match_type(declared: &str, bytes: &[u8]) -> Result<(), String> {
    let sniffed = infer::get(bytes).map(|t| t.mime_type());
    const OOXML: &[&str] = &[
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ];
    const OLE: &[&str] = &[
        "application/msword",
        "application/vnd.ms-excel",
        "application/vnd.ms-powerpoint",
        "application/x-ole-storage",
    ];
    let ok = match declared {
        "text/plain" => sniffed.is_none() && std::str::from_utf8(bytes).is_ok(),
        t if OOXML.contains(&t) => sniffed.is_some_and(|s| s == t || s == "application/zip"),
        t if OLE.contains(&t) => sniffed.is_some_and(|s| OLE.contains(&s)),
        t => sniffed == Some(t),
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "declared {declared}, content looks like {}",
            sniffed.unwrap_or("text or unknown data")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_paths_and_control_characters() {
        let name = |raw: &str| Filename::parse(raw).ok().map(|f| f.0);
        assert_eq!(name("../../etc/passwd"), Some("passwd".to_owned()));
        assert_eq!(
            name("C:\\fakepath\\photo.png"),
            Some("photo.png".to_owned())
        );
        assert_eq!(name("a\u{0}b\r\n.txt"), Some("ab.txt".to_owned()));
        assert_eq!(name("..hidden"), Some("hidden".to_owned()));
        assert_eq!(
            name("report 2026 (final).pdf"),
            Some("report 2026 (final).pdf".to_owned())
        );
        assert_eq!(name("dir/"), None);
        assert_eq!(name("   "), None);
        assert!(Filename::parse(&"é".repeat(200)).is_ok());
        assert!(Filename::parse(&"é".repeat(201)).is_err());
    }

    #[test]
    fn content_types_come_from_the_allow_list() {
        assert_eq!(
            ContentType::parse("Image/PNG").ok().map(|t| t.as_str()),
            Some("image/png")
        );
        assert_eq!(
            ContentType::parse("text/plain; charset=utf-8")
                .ok()
                .map(|t| t.as_str()),
            Some("text/plain")
        );
        for refused in ["text/html", "image/svg+xml", "application/javascript", ""] {
            assert!(ContentType::parse(refused).is_err(), "{refused}");
        }
    }

    #[test]
    fn sizes_are_bounded() {
        assert!(parse_size(0).is_err());
        assert!(parse_size(1).is_ok());
        assert!(parse_size(MAX_SIZE).is_ok());
        assert!(parse_size(MAX_SIZE + 1).is_err());
    }

    #[test]
    fn bytes_must_fit_the_declared_type() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert!(bytes_match_type("image/png", png).is_ok());
        assert!(bytes_match_type("image/jpeg", png).is_err());
        assert!(bytes_match_type("image/png", b"just some text").is_err());
        assert!(bytes_match_type("text/plain", b"hello\n").is_ok());
        assert!(bytes_match_type("text/plain", png).is_err());
        assert!(bytes_match_type("text/plain", b"\xff\xfe\xfd").is_err());
        assert!(bytes_match_type("application/pdf", b"%PDF-1.7\n").is_ok());
    }
}

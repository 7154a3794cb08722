//! The rule display names and group titles share: a name is shown to other people in lists,
//! headers and e-mail, so what one person sees must be what the next one sees
//! (docs/SECURITY.md, "Input").

use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategoryGroup, UnicodeGeneralCategory};

use crate::contract::ErrorCode;
use crate::error::ApiError;

/// Why a name was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Empty after trimming, or longer than the most (counted after normalising).
    Length,
    /// A control character (C0, DEL, C1).
    Control,
    /// A bidirectional control: it reorders what follows, so "Bob\u{202E}nimda" reads
    /// "Bobadmin" and a name can bleed into the text beside it.
    Bidi,
    /// A line or paragraph separator: a name is one line.
    Separator,
    /// Nothing visible: only spaces, zero-width characters, combining marks or fillers.
    Invisible,
}

impl Refusal {
    /// The message of the 400 for the field `field`.
    pub fn message(self, field: &str, max_chars: usize) -> String {
        match self {
            Self::Length => {
                format!("{field} must be 1 to {max_chars} characters after trimming")
            }
            Self::Control => format!("{field} must not contain control characters"),
            Self::Bidi => format!(
                "{field} must not contain bidirectional controls \
                 (U+202A-202E, U+2066-2069, U+200E, U+200F, U+061C)"
            ),
            Self::Separator => {
                format!("{field} must not contain line or paragraph separators")
            }
            Self::Invisible => format!("{field} must contain at least one visible character"),
        }
    }
}

/// Input many times longer than any name is refused before it is normalised, which bounds
/// the work (NFKC can make a character up to 18): bytes per character allowed.
const MAX_RAW_BYTES_PER_CHAR: usize = 16;

/// Letters and symbols that render as nothing: the Hangul fillers (NFKC keeps U+1160 of
/// them) and the blank Braille pattern, the usual stand-ins for an empty name.
const BLANK: [char; 5] = ['\u{115F}', '\u{1160}', '\u{3164}', '\u{FFA0}', '\u{2800}'];

/// A name as stored: NFKC-normalised (so "ｆｕｌｌｗｉｄｔｈ" is "fullwidth" and look-alike
/// compatibility forms collapse), trimmed, one line, without control characters or bidi
/// controls, with at least one visible character, and at most `max_chars` characters.
/// Zero-width joiners and other format characters between visible ones stay (emoji
/// sequences, Indic scripts).
pub fn name(raw: &str, max_chars: usize) -> Result<String, Refusal> {
    if raw.len() > max_chars.saturating_mul(MAX_RAW_BYTES_PER_CHAR) {
        return Err(Refusal::Length);
    }
    let normalised: String = raw.nfkc().collect();
    let name = normalised.trim();
    if name.is_empty() {
        return Err(Refusal::Length);
    }
    if let Some(refusal) = name.chars().find_map(refused) {
        return Err(refusal);
    }
    if !name.chars().any(is_visible) {
        return Err(Refusal::Invisible);
    }
    if name.chars().count() > max_chars {
        return Err(Refusal::Length);
    }
    Ok(name.to_owned())
}

/// `name`, refused as a 400 with `code`, the message naming `field`.
pub fn parse(
    raw: &str,
    max_chars: usize,
    code: ErrorCode,
    field: &str,
) -> Result<String, ApiError> {
    name(raw, max_chars).map_err(|refusal| ApiError::new(code, refusal.message(field, max_chars)))
}

/// Why `c` may not stand anywhere in a name.
fn refused(c: char) -> Option<Refusal> {
    match c {
        _ if c.is_control() => Some(Refusal::Control),
        '\u{202A}'..='\u{202E}'
        | '\u{2066}'..='\u{2069}'
        | '\u{200E}'
        | '\u{200F}'
        | '\u{061C}' => Some(Refusal::Bidi),
        '\u{2028}' | '\u{2029}' => Some(Refusal::Separator),
        _ => None,
    }
}

/// A letter, digit, punctuation mark or symbol that shows: not a space, a format character
/// (zero-width space, joiners, U+FEFF, U+180E), a combining mark (variation selectors are
/// marks too), a private-use or unassigned code point, or a filler.
fn is_visible(c: char) -> bool {
    use GeneralCategoryGroup::{Letter, Number, Punctuation, Symbol};
    matches!(
        c.general_category_group(),
        Letter | Number | Punctuation | Symbol
    ) && !BLANK.contains(&c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> String {
        name(raw, 64).unwrap()
    }

    #[test]
    fn names_are_nfkc_normalised_and_trimmed() {
        assert_eq!(ok("ｆｕｌｌｗｉｄｔｈ"), "fullwidth");
        assert_eq!(
            ok("\u{3000}Ａｌｉｃｅ\u{3000}"),
            "Alice",
            "ideographic spaces trim"
        );
        assert_eq!(ok("ﬁnn"), "finn", "ligatures decompose");
        assert_eq!(ok("e\u{301}mile"), "\u{e9}mile", "marks compose");
        assert_eq!(ok("Ⅻ"), "XII");
    }

    #[test]
    fn bidi_controls_are_refused_anywhere() {
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert_eq!(
                name(&format!("Bob{c}nimda"), 64),
                Err(Refusal::Bidi),
                "{c:?}"
            );
        }
    }

    #[test]
    fn line_and_paragraph_separators_and_controls_are_refused() {
        assert_eq!(name("a\u{2028}b", 64), Err(Refusal::Separator));
        assert_eq!(name("a\u{2029}b", 64), Err(Refusal::Separator));
        assert_eq!(name("a\nb", 64), Err(Refusal::Control));
        assert_eq!(name("a\u{85}b", 64), Err(Refusal::Control));
    }

    #[test]
    fn names_of_only_invisible_characters_are_refused() {
        for raw in [
            "\u{200B}",
            "\u{200B}\u{200C}\u{200D}",
            "\u{2060}",
            "\u{FEFF}",
            "\u{180E}",
            "\u{FE0F}",
            "\u{E0100}",
            "\u{301}\u{302}",
            "\u{3164}",
            "\u{FFA0}\u{115F}",
            "\u{2800}",
            " \u{200B} \u{00A0} ",
            "\u{E000}",
        ] {
            assert_eq!(name(raw, 64), Err(Refusal::Invisible), "{raw:?}");
        }
        assert_eq!(name("   ", 64), Err(Refusal::Length));
    }

    #[test]
    fn joiners_between_visible_characters_stay() {
        let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
        assert_eq!(ok(family), family);
        assert_eq!(ok("\u{2764}\u{FE0F}"), "\u{2764}\u{FE0F}");
        let devanagari = "\u{915}\u{94D}\u{200D}\u{937}";
        assert_eq!(ok(devanagari), devanagari);
        assert_eq!(ok("a\u{200B}b"), "a\u{200B}b");
    }

    #[test]
    fn the_length_is_counted_after_normalising() {
        // U+FDFA is one character that NFKC makes 18.
        assert_eq!(name(&"\u{FDFA}".repeat(4), 64), Err(Refusal::Length));
        assert_eq!(name("\u{FDFA}", 18).map(|n| n.chars().count()), Ok(18));
        // Decomposed input composes first: 64 letters with their accent fit in 64.
        assert!(name(&"e\u{301}".repeat(64), 64).is_ok());
        assert_eq!(name(&"x".repeat(65), 64), Err(Refusal::Length));
        assert_eq!(name(&" ".repeat(64 * 16 + 1), 64), Err(Refusal::Length));
    }
}

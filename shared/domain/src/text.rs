//! The one check every text a person types goes through before it is stored: names of people and
//! organisations, file names, titles and free text alike (the application form, the register
//! import, experts, units, objections, cases).
//!
//! A text is stored NFC-normalised (Unicode Standard Annex #15), so two names that look the same
//! are the same string, and it may hold no control characters (general category Cc; line breaks
//! and tabs where the field is multi-line) and no format characters (general category Cf:
//! bidirectional overrides and isolates such as U+202E, zero-width spaces and joiners, the byte
//! order mark, the soft hyphen). Format characters are invisible: left in a name they make
//! `ACME\u{202E}fdp.exe` read as another name, or two different strings look identical, which is
//! how a spoofed organisation or file would pass the Office's eye (Art. 19).

use std::borrow::Cow;

use icu_normalizer::ComposingNormalizerBorrowed;
use icu_properties::CodePointMapData;
use icu_properties::props::GeneralCategory;

/// Why a text is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TextFault {
    #[error("empty")]
    Empty,
    /// Longer than `max` characters (Unicode scalar values, after normalisation).
    #[error("{count} characters; at most {max}")]
    TooLong { max: usize, count: usize },
    /// A control character (Cc) other than the line breaks and tab a multi-line field allows.
    #[error("a control character U+{code:04X}")]
    Control { code: u32 },
    /// A format character (Cf): a bidirectional control, a zero-width character, a BOM.
    #[error("an invisible format character U+{code:04X}")]
    Format { code: u32 },
}

impl TextFault {
    /// The fault as a person reads it, in Chinese, after the field's label.
    pub fn zh(self) -> String {
        match self {
            Self::Empty => "不能为空".into(),
            Self::TooLong { max, count } => format!("不得超过{max}个字（现为{count}个字）"),
            Self::Control { .. } => "含有不可见的控制字符，请删除".into(),
            Self::Format { .. } => {
                "含有不可见的格式字符（如零宽字符、文字方向控制符），请删除后重新输入".into()
            }
        }
    }
}

/// The first character `text` may not hold, as a fault: a control (Cc) unless `multiline` allows
/// it as `\n`, `\r` or `\t`, a line or paragraph separator (Zl, Zp), or a format character (Cf).
pub fn forbidden_character(text: &str, multiline: bool) -> Option<TextFault> {
    let categories = CodePointMapData::<GeneralCategory>::new();
    text.chars().find_map(|c| {
        let code = u32::from(c);
        match categories.get(c) {
            GeneralCategory::Control if !(multiline && matches!(c, '\n' | '\r' | '\t')) => {
                Some(TextFault::Control { code })
            }
            GeneralCategory::Format => Some(TextFault::Format { code }),
            // U+2028 and U+2029 break a line where a field holds one, and are no line break a
            // multi-line text needs (`\n` is).
            GeneralCategory::LineSeparator | GeneralCategory::ParagraphSeparator => {
                Some(TextFault::Control { code })
            }
            _ => None,
        }
    })
}

/// `text` in Normalization Form C; borrowed when it already is.
pub fn nfc(text: &str) -> Cow<'_, str> {
    ComposingNormalizerBorrowed::new_nfc().normalize(text)
}

/// The text as stored: trimmed, NFC, at most `max` characters, with no forbidden character (see
/// [`forbidden_character`]). An empty text is [`TextFault::Empty`]; a field where empty is allowed
/// checks for that before calling.
pub fn clean(raw: &str, max: usize, multiline: bool) -> Result<String, TextFault> {
    let text = nfc(raw.trim()).into_owned();
    if text.is_empty() {
        return Err(TextFault::Empty);
    }
    if let Some(fault) = forbidden_character(&text, multiline) {
        return Err(fault);
    }
    let count = text.chars().count();
    if count > max {
        return Err(TextFault::TooLong { max, count });
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_composed() {
        // "é" as e + combining acute becomes the one precomposed character.
        assert_eq!(clean(" Caf\u{65}\u{301} ", 10, false).unwrap(), "Caf\u{e9}");
        assert_eq!(clean("武威市凉州区", 6, false).unwrap(), "武威市凉州区");
        assert_eq!(
            clean("武威市凉州区", 5, false),
            Err(TextFault::TooLong { max: 5, count: 6 })
        );
        assert_eq!(clean("  ", 5, false), Err(TextFault::Empty));
    }

    #[test]
    fn format_characters_are_refused_everywhere() {
        for (text, code) in [
            ("ACME\u{202E}fdp.exe", 0x202E),      // right-to-left override
            ("武威\u{2067}公司\u{2069}", 0x2067), // right-to-left isolate
            ("武\u{200B}威", 0x200B),             // zero-width space
            ("武\u{200D}威", 0x200D),             // zero-width joiner
            ("\u{FEFF}武威", 0xFEFF),             // byte order mark, inside after the trim
            ("质\u{AD}量", 0xAD),                 // soft hyphen
            ("a\u{2060}b", 0x2060),               // word joiner
        ] {
            let text = format!("x{text}");
            assert_eq!(
                clean(&text, 100, false),
                Err(TextFault::Format { code }),
                "{text:?}"
            );
            assert_eq!(
                clean(&text, 100, true),
                Err(TextFault::Format { code }),
                "{text:?}"
            );
        }
    }

    #[test]
    fn controls_are_refused_but_line_breaks_in_multiline_text() {
        assert_eq!(
            clean("a\nb", 10, false),
            Err(TextFault::Control { code: 0x0A })
        );
        assert_eq!(clean("a\r\n\tb", 10, true).unwrap(), "a\r\n\tb");
        assert_eq!(
            clean("a\u{7}b", 10, true),
            Err(TextFault::Control { code: 7 })
        );
        assert_eq!(
            clean("a\u{85}b", 10, true),
            Err(TextFault::Control { code: 0x85 })
        );
        assert_eq!(
            clean("武威\u{2028}祁连", 10, false),
            Err(TextFault::Control { code: 0x2028 })
        );
        assert_eq!(
            clean("a\u{2029}b", 10, true),
            Err(TextFault::Control { code: 0x2029 })
        );
        assert!(TextFault::Format { code: 0x202E }.zh().contains("格式字符"));
    }

    #[test]
    fn ordinary_chinese_and_punctuation_pass() {
        let name = "甘肃祁连山水泥集团股份有限公司（武威分公司）·一期";
        assert_eq!(clean(name, 200, false).unwrap(), name);
        assert_eq!(forbidden_character("Ⅳ类 ①②", false), None);
    }
}

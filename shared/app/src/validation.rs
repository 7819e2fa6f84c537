//! Checks on what callers send, each failing with its own [`AppError`].

use award_domain::text::{self, TextFault};
use award_domain::uscc::UsccScreening;
use chrono::NaiveDate;
use email_address::{EmailAddress, Options};

use crate::error::AppError;

/// Longest organisation name or cycle title, in characters.
const MAX_NAME_CHARS: usize = 200;
/// Longest file name kept, in characters.
const MAX_FILE_NAME_CHARS: usize = 200;

/// The refusal of a text that holds a control or an invisible format character (the one check of
/// `award_domain::text`), naming `field`.
fn characters(field: &'static str, fault: TextFault) -> AppError {
    AppError::InvalidCharacters {
        field,
        detail: fault.to_string(),
        detail_zh: fault.zh(),
    }
}

/// A name of a person or an organisation, or a title: one line of at most [`MAX_NAME_CHARS`]
/// characters, trimmed and NFC-normalised, with no control or format character
/// (`award_domain::text::clean`). Errors: `InvalidCharacters` naming `field` for a forbidden
/// character; `otherwise()` when it is empty or too long.
pub fn name(
    field: &'static str,
    raw: &str,
    otherwise: impl FnOnce() -> AppError,
) -> Result<String, AppError> {
    text::clean(raw, MAX_NAME_CHARS, false).map_err(|fault| match fault {
        TextFault::Control { .. } | TextFault::Format { .. } => characters(field, fault),
        TextFault::Empty | TextFault::TooLong { .. } => otherwise(),
    })
}

/// A trimmed, NFC-normalised, non-empty text of at most `max` characters (line breaks and tabs
/// allowed when `multiline`), without any other control or format character. Errors:
/// `InvalidText` naming `field` when empty or too long, `InvalidCharacters` for a forbidden
/// character.
pub fn text(
    field: &'static str,
    raw: &str,
    max: usize,
    multiline: bool,
) -> Result<String, AppError> {
    text::clean(raw, max, multiline).map_err(|fault| match fault {
        TextFault::Control { .. } | TextFault::Format { .. } => characters(field, fault),
        TextFault::Empty | TextFault::TooLong { .. } => AppError::InvalidText { field, max },
    })
}

/// Every string inside `value` in NFC, in place: a whole JSON document (the application form)
/// is stored as a person would compare it, whatever their keyboard composed. Which characters are
/// allowed is the domain's check of each field.
pub fn nfc_strings(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(string) => {
            if let std::borrow::Cow::Owned(composed) = text::nfc(string) {
                *string = composed;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(nfc_strings),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(nfc_strings),
        _ => {}
    }
}

/// A `YYYY-MM-DD` date.
pub fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
}

/// A unified social credit code as stored (trimmed, upper case). A code whose only fault is its
/// check character is accepted: some legacy codes fail it, and screening puts it to the Office
/// (Art. 11(4), `eligibility` condition `uscc_check_character`), never an automatic refusal.
pub fn uscc(text: &str) -> Result<String, AppError> {
    match award_domain::uscc::screen(text) {
        UsccScreening::Valid { uscc } => Ok(uscc.into_string()),
        UsccScreening::CheckCharacterMismatch { text, .. } => Ok(text),
        UsccScreening::Malformed { error } => Err(error.into()),
    }
}

/// An administrative division code (GB/T 2260): six digits.
pub fn division_code(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.len() == 6 && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(AppError::InvalidDivisionCode)
    }
}

/// A deliverable address, as stored and as every mail adapter sends it: `local@domain.tld`, all
/// ASCII, no display name, no domain literal. An internationalised domain (`li@例子.中国`) is
/// converted to punycode (`li@xn--fsqu00a.xn--fiqs8s`, UTS #46, lower case); a
/// non-ASCII local part, or a full-width `＠` in place of `@`, is refused (`InvalidEmail`, 422):
/// delivering those needs SMTPUTF8 (RFC 6531) end to end, which neither SES nor a relay promises.
pub fn email(text: &str) -> Result<String, AppError> {
    let options = Options {
        minimum_sub_domains: 2,
        allow_domain_literal: false,
        allow_display_text: false,
        allow_long_local_parts: false,
    };
    let (local, domain) = text.trim().rsplit_once('@').ok_or(AppError::InvalidEmail)?;
    if local.is_empty() || !local.is_ascii() {
        return Err(AppError::InvalidEmail);
    }
    let domain = idna::domain_to_ascii_strict(domain).map_err(|_| AppError::InvalidEmail)?;
    EmailAddress::parse_with_options(&format!("{local}@{domain}"), options)
        .map(|address| address.email().to_owned())
        .map_err(|_| AppError::InvalidEmail)
}

/// The evidence file types accepted (issue: PDF, JPEG, PNG, DOCX, XLSX) and their extensions.
pub const DOCUMENT_TYPES: &[(&str, &[&str])] = &[
    ("application/pdf", &["pdf"]),
    ("image/jpeg", &["jpg", "jpeg"]),
    ("image/png", &["png"]),
    (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        &["docx"],
    ),
    (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &["xlsx"],
    ),
];

/// The file name as kept: its last path component, with characters that are unsafe in file
/// systems and headers replaced by `_`, trimmed, NFC-normalised; at most [`MAX_FILE_NAME_CHARS`].
/// Errors: `InvalidCharacters` (`file_name`) for a control or format character — a right-to-left
/// override makes `report\u{202E}fdp.exe` read as `reportexe.pdf` — else `InvalidFileName`.
pub fn file_name(raw: &str) -> Result<String, AppError> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .map(|c| match c {
            '"' | '<' | '>' | ':' | '|' | '?' | '*' | ';' => '_',
            other => other,
        })
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.');
    text::clean(cleaned, MAX_FILE_NAME_CHARS, false).map_err(|fault| match fault {
        TextFault::Control { .. } | TextFault::Format { .. } => characters("file_name", fault),
        TextFault::Empty | TextFault::TooLong { .. } => AppError::InvalidFileName,
    })
}

/// The evidence types, as [`AppError::UnsupportedDocumentType`] names them.
pub const DOCUMENT_TYPE_NAMES: &str = "PDF / JPEG / PNG / DOCX / XLSX";

/// The declared content type, checked against the allowlist and the file name's extension.
pub fn document_type(content_type: &str, file_name: &str) -> Result<String, AppError> {
    let content_type = content_type.trim().to_ascii_lowercase();
    let (_, extensions) = DOCUMENT_TYPES
        .iter()
        .find(|(allowed, _)| *allowed == content_type)
        .ok_or_else(|| AppError::UnsupportedDocumentType {
            content_type: content_type.clone(),
            accepted: DOCUMENT_TYPE_NAMES,
        })?;
    let extension = file_name
        .rsplit_once('.')
        .map(|(_, extension)| extension.to_ascii_lowercase());
    match extension {
        Some(extension) if extensions.contains(&extension.as_str()) => Ok(content_type),
        _ => Err(AppError::ExtensionMismatch { content_type }),
    }
}

/// `bytes` as people read a limit: whole MiB or KiB when exact (`50 MiB`), else bytes.
pub fn readable_size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * KIB;
    match bytes {
        0 => "0 B".to_owned(),
        b if b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} B"),
    }
}

pub fn document_size(size: u64, max: u64) -> Result<u64, AppError> {
    match size {
        0 => Err(AppError::EmptyDocument),
        size if size > max => Err(AppError::DocumentTooLarge {
            max,
            readable: readable_size(max),
        }),
        size => Ok(size),
    }
}

/// 64 hex digits, stored lower case (the form the Blobs port binds).
pub fn sha256(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(text.to_ascii_lowercase())
    } else {
        Err(AppError::InvalidSha256)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_lose_paths_and_unsafe_characters() {
        assert_eq!(file_name("../../etc/passwd").unwrap(), "passwd");
        assert_eq!(file_name("C:\\docs\\报告.pdf").unwrap(), "报告.pdf");
        assert_eq!(file_name("a b\"c.pdf").unwrap(), "a b_c.pdf");
        // Controls and invisible format characters are refused, not silently dropped: what the
        // Office reads must be what was sent.
        for bad in ["a\r\nb.pdf", "report\u{202E}fdp.exe", "证\u{200B}明.pdf"] {
            assert!(
                matches!(
                    file_name(bad),
                    Err(AppError::InvalidCharacters {
                        field: "file_name",
                        ..
                    })
                ),
                "{bad:?}"
            );
        }
        // Stored composed: "é" typed as e + U+0301 is the one character.
        assert_eq!(file_name("cafe\u{301}.pdf").unwrap(), "caf\u{e9}.pdf");
        assert_eq!(file_name("..hidden.pdf").unwrap(), "hidden.pdf");
        assert!(file_name("dir/").is_err());
        assert!(file_name("..").is_err());
        assert!(file_name(&"x".repeat(201)).is_err());
    }

    #[test]
    fn document_types_need_a_matching_extension() {
        assert_eq!(
            document_type("Application/PDF", "a.PDF").unwrap(),
            "application/pdf"
        );
        assert!(document_type("image/jpeg", "a.jpeg").is_ok());
        assert!(matches!(
            document_type("image/png", "a.pdf"),
            Err(AppError::ExtensionMismatch { .. })
        ));
        assert!(matches!(
            document_type("application/zip", "a.zip"),
            Err(AppError::UnsupportedDocumentType { .. })
        ));
        assert!(matches!(
            document_type("application/pdf", "noextension"),
            Err(AppError::ExtensionMismatch { .. })
        ));
    }

    #[test]
    fn sizes_and_checksums() {
        assert!(matches!(document_size(0, 10), Err(AppError::EmptyDocument)));
        assert!(matches!(
            document_size(11, 10),
            Err(AppError::DocumentTooLarge { max: 10, .. })
        ));
        assert_eq!(readable_size(50 * 1024 * 1024), "50 MiB");
        assert_eq!(readable_size(10 * 1024), "10 KiB");
        assert_eq!(readable_size(1000), "1000 B");
        let refused = document_size(50 * 1024 * 1024 + 1, 50 * 1024 * 1024).unwrap_err();
        assert_eq!(
            refused.body().message_zh,
            "材料文件过大，不得超过 50 MiB（52428800 字节）。"
        );
        assert_eq!(document_size(10, 10).unwrap(), 10);
        assert_eq!(sha256(&"AB".repeat(32)).unwrap(), "ab".repeat(32));
        assert!(sha256(&"g".repeat(64)).is_err());
        assert!(sha256(&"a".repeat(63)).is_err());
    }

    #[test]
    fn emails_and_division_codes() {
        assert_eq!(email(" a.b@example.cn ").unwrap(), "a.b@example.cn");
        // Internationalised domains travel as punycode, whatever case they were typed in.
        assert_eq!(email("li@例子.中国").unwrap(), "li@xn--fsqu00a.xn--fiqs8s");
        assert_eq!(
            email("li@Bücher.Example").unwrap(),
            "li@xn--bcher-kva.example"
        );
        for bad in [
            "经理@example.cn",
            "li＠example.cn",
            "li＠例子@example.cn",
            "li@exa mple.cn",
            "li@-example.cn",
            "@example.cn",
            "a@b",
            "no-at.example.cn",
            "A <a@example.cn>",
            "a@[127.0.0.1]",
            "a\r\n@x.cn",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert_eq!(division_code("620602").unwrap(), "620602");
        assert!(division_code("62060").is_err());
        assert!(division_code("62060a").is_err());
    }
}

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

/// A notice's document number (文号, e.g. `武质奖办〔2026〕3号`) as the Office gives it: at most 50
/// characters on one line; empty when none is given. Errors: `InvalidText`, `InvalidCharacters`.
pub fn document_number(text: Option<&str>) -> Result<String, AppError> {
    match text.map(str::trim) {
        None | Some("") => Ok(String::new()),
        Some(number) => self::text("document_number", number, 50, false),
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

/// An administrative division code of the list the pages choose from (GB/T 2260, six digits;
/// [`award_domain::codes`]). Errors: `InvalidDivisionCode` for any other text.
pub fn division_code(text: &str) -> Result<String, AppError> {
    let text = text.trim();
    match award_domain::codes::division(text) {
        Some(division) => Ok(division.code.to_owned()),
        None => Err(AppError::InvalidDivisionCode),
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

/// How many leading bytes [`signature_mismatch`] reads of a stored file of `content_type`: a
/// package's (DOCX, XLSX) first entries' names need more than a magic number.
pub fn signature_prefix_bytes(content_type: &str) -> u64 {
    match content_type {
        DOCX | XLSX => 64 * 1024,
        _ => 16,
    }
}

const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Why a stored file's first bytes (`head`, at least [`signature_prefix_bytes`] of them when the
/// file is that long) are not a file of its declared `content_type`: in English and in Chinese.
/// PDF starts `%PDF-`, PNG `89 50 4E 47 0D 0A 1A 0A`, JPEG `FF D8 FF`; DOCX and XLSX are ZIP
/// packages (`50 4B 03 04`, ISO/IEC 29500-2 Open Packaging) holding `[Content_Types].xml` and a
/// `word/` (DOCX) or `xl/` (XLSX) part among their first entries. The same rule as the pages'
/// (`web/src/lib/files.ts`), applied to what was actually stored.
pub fn signature_mismatch(content_type: &str, head: &[u8]) -> Option<(String, String)> {
    let (label, magic, shown): (&str, &[u8], &str) = match content_type {
        "application/pdf" => ("PDF", b"%PDF-", "“%PDF-”"),
        "image/png" => ("PNG", b"\x89PNG\r\n\x1a\n", "89 50 4E 47 0D 0A 1A 0A"),
        "image/jpeg" => ("JPEG", b"\xff\xd8\xff", "FF D8 FF"),
        DOCX => ("DOCX", b"PK\x03\x04", "50 4B 03 04（ZIP）"),
        XLSX => ("XLSX", b"PK\x03\x04", "50 4B 03 04（ZIP）"),
        _ => return None,
    };
    let refused = |why: &str| {
        Some((
            format!("the stored file is not a {label} file: {why}"),
            format!(
                "文件内容与类型不符：不是 {label} 文件（{label} 文件以 {shown} 开头），请上传真正的 {label} 文件，不要只改扩展名"
            ),
        ))
    };
    if !head.starts_with(magic) {
        return refused("its first bytes are not the type's signature");
    }
    let part = match content_type {
        DOCX => "word/",
        XLSX => "xl/",
        _ => return None,
    };
    let names = zip_entry_names(head);
    if !names.iter().any(|name| name == "[Content_Types].xml") {
        return refused("a ZIP without [Content_Types].xml among its first entries");
    }
    if !names.iter().any(|name| name.starts_with(part)) {
        return refused(&format!(
            "a package without a {part} part among its first entries"
        ));
    }
    None
}

/// The names of the ZIP local file headers (`PK\x03\x04`, APPNOTE 4.3.7) found in `bytes`: every
/// occurrence is read, since an entry written with a data descriptor does not say where the next
/// one starts. A name that is not UTF-8 or runs past `bytes` is skipped.
fn zip_entry_names(bytes: &[u8]) -> Vec<String> {
    const HEADER: usize = 30;
    let mut names = Vec::new();
    let mut at = 0;
    while let Some(found) = bytes
        .get(at..)
        .and_then(|rest| rest.windows(4).position(|window| window == b"PK\x03\x04"))
    {
        let start = at + found;
        at = start + 4;
        let field = |offset: usize| {
            bytes
                .get(start + offset..start + offset + 2)
                .map(|pair| usize::from(u16::from_le_bytes([pair[0], pair[1]])))
        };
        let Some(length) = field(26) else { break };
        if let Some(name) = bytes
            .get(start + HEADER..start + HEADER + length)
            .and_then(|name| std::str::from_utf8(name).ok())
        {
            names.push(name.to_owned());
        }
    }
    names
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

/// What a scan may be (a signed and sealed page, an objection's supporting file, the minutes):
/// PDF, JPEG or PNG, as [`AppError::UnsupportedDocumentType`] names them; never an editable
/// office file.
pub const SCAN_TYPE_NAMES: &str = "PDF / JPEG / PNG";

/// [`document_type`] narrowed to a scan (PDF, JPEG, PNG). Errors: `UnsupportedDocumentType`
/// (naming [`SCAN_TYPE_NAMES`]), `ExtensionMismatch`.
pub fn scan_type(content_type: &str, file_name: &str) -> Result<String, AppError> {
    let unsupported = |content_type: String| AppError::UnsupportedDocumentType {
        content_type,
        accepted: SCAN_TYPE_NAMES,
    };
    let content_type = document_type(content_type, file_name).map_err(|error| match error {
        AppError::UnsupportedDocumentType { content_type, .. } => unsupported(content_type),
        other => other,
    })?;
    if matches!(
        content_type.as_str(),
        "application/pdf" | "image/jpeg" | "image/png"
    ) {
        Ok(content_type)
    } else {
        Err(unsupported(content_type))
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

    /// A ZIP's local file header for an entry `name` (stored, empty), as packages start.
    fn zip_entry(name: &str) -> Vec<u8> {
        let mut entry = b"PK\x03\x04".to_vec();
        entry.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        entry.extend([0; 12]);
        entry.extend(u16::try_from(name.len()).unwrap().to_le_bytes());
        entry.extend([0, 0]);
        entry.extend(name.as_bytes());
        entry
    }

    #[test]
    fn stored_files_must_carry_their_types_signature() {
        assert_eq!(
            signature_mismatch("application/pdf", b"%PDF-1.7\n..."),
            None
        );
        let (_, zh) = signature_mismatch("application/pdf", b"<html>not a pdf").unwrap();
        assert!(zh.contains("不是 PDF 文件"), "{zh}");
        assert_eq!(
            signature_mismatch("image/png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            None
        );
        assert!(signature_mismatch("image/png", b"\xff\xd8\xff\xe0").is_some());
        assert_eq!(
            signature_mismatch("image/jpeg", b"\xff\xd8\xff\xe0\0\x10JFIF"),
            None
        );
        assert!(signature_mismatch("image/jpeg", b"%PDF-1.4").is_some());
        assert!(signature_mismatch("image/jpeg", b"").is_some());

        let docx = [
            zip_entry("[Content_Types].xml"),
            zip_entry("_rels/.rels"),
            zip_entry("word/document.xml"),
        ]
        .concat();
        let xlsx = [
            zip_entry("[Content_Types].xml"),
            zip_entry("xl/workbook.xml"),
        ]
        .concat();
        assert_eq!(signature_mismatch(DOCX, &docx), None);
        assert_eq!(signature_mismatch(XLSX, &xlsx), None);
        // A workbook named .docx, a plain ZIP, a text file: refused.
        assert!(signature_mismatch(DOCX, &xlsx).is_some());
        assert!(signature_mismatch(XLSX, &docx).is_some());
        assert!(signature_mismatch(DOCX, &zip_entry("notes.txt")).is_some());
        assert!(signature_mismatch(DOCX, b"plain text").is_some());
        // A header cut short by the prefix read does not panic.
        assert!(signature_mismatch(DOCX, &docx[..docx.len() - 5]).is_some());
        assert_eq!(signature_prefix_bytes(DOCX), 65536);
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
        // Six digits, but no division of the list.
        assert!(division_code("620699").is_err());
    }
}

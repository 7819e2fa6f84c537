//! The award's end-to-end scenario, shared by the two test suites: `tests/local_http.rs` (over HTTP
//! against the local runner) and `tests/aws_moto.rs` (the same handlers over the AWS adapters,
//! against moto's server, invoked with the payloads AWS would send).

use std::path::Path;

use award_domain::china_date;
use award_domain::uscc::Uscc;
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// Wuwei's own administrative division code (武威市凉州区).
pub const DIVISION_CODE: &str = "620602";

/// The subject of the "application received" notice starts with this.
pub const APPLICATION_RECEIVED_SUBJECT: &str = "武威市人民政府质量奖：申报已受理";

/// The subject of the "document received" notice.
pub fn document_received_subject(file_name: &str) -> String {
    format!("武威市人民政府质量奖：材料已接收（{file_name}）")
}

/// A valid USCC registered in Wuwei, from a 9-character organisation code; the check character is
/// computed by the domain's GB 32100 rule.
pub fn uscc(organisation_code: &str) -> String {
    let first_17 = format!("91{DIVISION_CODE}{organisation_code}");
    Uscc::with_check_character(&first_17)
        .expect("a well-formed 17-character prefix")
        .as_str()
        .to_owned()
}

/// The same USCC with a wrong check character.
pub fn uscc_with_wrong_check_character(organisation_code: &str) -> String {
    let mut valid = uscc(organisation_code);
    let check = valid.pop().expect("18 characters");
    valid.push(if check == '0' { '1' } else { '0' });
    valid
}

/// The body of `POST /cycles`: the cycle of `now`'s year, open for applications for a month.
pub fn new_cycle(now: DateTime<Utc>) -> Value {
    let today = china_date(now);
    json!({
        "id": today.year().to_string(),
        "title": format!("{}年度武威市人民政府质量奖", today.year()),
        "application_deadline": (today + Duration::days(30)).to_string(),
        "recommendation_deadline": (today + Duration::days(45)).to_string(),
    })
}

/// The body of `POST /applications`.
pub fn new_application(organisation_name: &str, uscc: &str, contact_email: &str) -> Value {
    json!({
        "organisation_name": organisation_name,
        "uscc": uscc,
        "registration_date": "2015-06-01",
        "division_code": DIVISION_CODE,
        "contact_email": contact_email,
    })
}

/// A small PDF-looking evidence file.
pub fn evidence_pdf() -> Vec<u8> {
    "%PDF-1.4\n% 质量管理体系认证证书（ISO 9001）\n%%EOF\n"
        .as_bytes()
        .to_vec()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The body of `POST /applications/{id}/documents` declaring `bytes` as the management-system
/// certificate.
pub fn declaration(file_name: &str, content_type: &str, bytes: &[u8]) -> Value {
    declaration_of(
        "management_system_certificate",
        file_name,
        content_type,
        bytes,
    )
}

/// The body of `POST /applications/{id}/documents` declaring `bytes` of evidence `category`.
pub fn declaration_of(category: &str, file_name: &str, content_type: &str, bytes: &[u8]) -> Value {
    json!({
        "category": category,
        "file_name": file_name,
        "content_type": content_type,
        "size": bytes.len(),
        "sha256": sha256_hex(bytes),
    })
}

/// One email as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedEmail {
    pub subject: String,
    pub to: Vec<String>,
    pub text: String,
}

/// Every `.eml` file in an outbox folder, parsed, in file-name (send) order.
pub fn outbox_emails(outbox: &Path) -> Vec<ReceivedEmail> {
    let mut files: Vec<_> = std::fs::read_dir(outbox)
        .expect("the outbox folder exists")
        .map(|entry| entry.expect("a readable outbox entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "eml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| {
            let bytes = std::fs::read(path).expect("a readable .eml file");
            let message = mail_parser::MessageParser::default()
                .parse(&bytes)
                .unwrap_or_else(|| panic!("{} is not an RFC 5322 message", path.display()));
            ReceivedEmail {
                subject: message.subject().unwrap_or_default().to_owned(),
                to: message
                    .to()
                    .map(|to| {
                        to.iter()
                            .filter_map(|address| address.address())
                            .map(str::to_owned)
                            .collect()
                    })
                    .unwrap_or_default(),
                text: message
                    .body_text(0)
                    .map(|text| text.into_owned())
                    .unwrap_or_default(),
            }
        })
        .collect()
}

/// A complete application form (申报表) for the organisation `name` / `uscc` in Liangzhou
/// (620602), as a cycle with this application deadline needs it; the contact is `contact_email`.
pub fn complete_form(deadline: NaiveDate, name: &str, uscc: &str, contact_email: &str) -> Value {
    let mut form = award_domain::form::ApplicationForm::sample_complete(deadline);
    form.organisation.name = name.to_owned();
    form.organisation.uscc = uscc.to_owned();
    form.organisation.division_code = DIVISION_CODE.to_owned();
    form.contact.email = contact_email.to_owned();
    serde_json::to_value(form).expect("the form serialises")
}

/// The evidence categories every applicant must upload before submitting (not a construction
/// enterprise), as the API names them.
pub fn required_categories() -> Vec<&'static str> {
    award_domain::form::DocumentCategory::required_for_submission(false)
        .into_iter()
        .map(|category| category.as_str())
        .collect()
}

/// The body of `POST /recommenders`: Liangzhou's county quality office, acting through `account`.
pub fn liangzhou_office(account: &str, mailbox: &str) -> Value {
    json!({
        "name": "凉州区质量发展领导小组办公室",
        "scope": {"kind": "county", "division_code": DIVISION_CODE},
        "mailbox": mailbox,
        "accounts": [account],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scenario_uscc_is_valid_and_its_twin_is_not() {
        let valid = uscc("MA74XY8Q0");
        assert_eq!(valid.len(), 18);
        assert!(Uscc::parse(&valid).is_ok());
        assert!(Uscc::parse(&uscc_with_wrong_check_character("MA74XY8Q0")).is_err());
    }
}

//! The single-table key mapping, written once: every `PK`/`SK`/`GSI*` string of the table is built
//! here and nowhere else (see the table in `docs/ARCHITECTURE.md`).
//!
//! Identifiers that end up inside keys are either ULIDs (generated here) or validated cycle ids
//! ([`is_valid_cycle_id`]), so no key part can contain the `#` separator.

use award_domain::cycle::year_of;
use award_ports::Key;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use ulid::Ulid;

/// The `type` attribute of each item kind.
pub mod item_type {
    pub const CYCLE: &str = "cycle";
    pub const OPEN_CYCLE_GUARD: &str = "open_cycle_guard";
    pub const ORGANISATION_GUARD: &str = "organisation_guard";
    pub const APPLICATION: &str = "application";
    pub const DOCUMENT: &str = "document";
    pub const ACCESS: &str = "access";
    pub const AUDIT: &str = "audit";
    pub const NOTICE: &str = "notice";
    pub const RECOMMENDER: &str = "recommender";
    pub const EMAIL_CONFIRMATION: &str = "email_confirmation";
    pub const BOARD_ENTRY: &str = "board_entry";
    pub const DUE: &str = "due";
    pub const DOCUMENT_SLOT: &str = "document_slot";
    pub const REGISTER_ENTRY: &str = "register_entry";
    pub const EXPERT: &str = "expert";
    pub const EXPERT_ACCOUNT: &str = "expert_account";
    pub const ASSIGNMENT: &str = "assignment";
    pub const QUOTA_COUNTER: &str = "quota_counter";
    pub const HOLIDAY_NOTICE: &str = "holiday_notice";
    pub const OBJECTION: &str = "objection";
    pub const RATE_COUNTER: &str = "rate_counter";
    pub const CERTIFICATE_GUARD: &str = "certificate_guard";
    pub const ATTACHMENT: &str = "attachment";
    pub const AFTERCARE_WATERMARK: &str = "aftercare_watermark";
    pub const AFTERCARE_POLICY: &str = "aftercare_policy";
    pub const OFFICE_CONTACT: &str = "office_contact";
    pub const VISIT: &str = "visit";
    pub const REVOCATION_CASE: &str = "revocation_case";
    pub const ARCHIVE_JOB: &str = "archive_job";
    pub const PUBLIC_ROW: &str = "public_row";
    pub const INBOX_ROW: &str = "inbox_row";
}

/// The `type` attribute name.
pub const TYPE: &str = "type";

/// An item's keys: the primary key and the GSI keys it is indexed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemKeys {
    pub key: Key,
    pub gsi1: Option<(String, String)>,
    pub gsi2: Option<(String, String)>,
}

impl ItemKeys {
    pub fn primary(key: Key) -> Self {
        Self {
            key,
            gsi1: None,
            gsi2: None,
        }
    }

    pub fn with_gsi1(mut self, pk: String, sk: String) -> Self {
        self.gsi1 = Some((pk, sk));
        self
    }

    pub fn with_gsi2(mut self, pk: String, sk: String) -> Self {
        self.gsi2 = Some((pk, sk));
        self
    }
}

/// Instants inside sort keys: fixed-width RFC 3339 in UTC, so that string order is time order.
pub fn instant(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A cycle id is its four-digit year (Art. 4; the rule is the domain's [`year_of`]), so it can
/// never carry the `#` separator.
pub fn is_valid_cycle_id(id: &str) -> bool {
    year_of(id).is_some()
}

// --- cycles -------------------------------------------------------------------------------------

pub fn cycle_partition(cycle: &str) -> String {
    format!("CYCLE#{cycle}")
}

/// The cycle item's sort key; a prefix of its public rows' (see [`public_row`]).
pub const CYCLE_SORT: &str = "CYCLE";

pub fn cycle(cycle: &str) -> Key {
    Key::new(cycle_partition(cycle), CYCLE_SORT)
}

/// A name of the cycle's public list (`crate::projection::PublicRow`): `CYCLE#PUBLIC#<app>`, so
/// `begins_with CYCLE_SORT` on the cycle's partition reads the cycle and its list in one `Query`.
pub fn public_row(cycle: &str, application: Ulid) -> Key {
    Key::new(
        cycle_partition(cycle),
        format!("{CYCLE_SORT}#PUBLIC#{application}"),
    )
}

/// GSI1 partition listing every cycle, sorted by `<status>#<cycle>` (access patterns 1 and 1c).
pub const CYCLES: &str = "CYCLES";

pub fn cycle_item_keys(cycle_id: &str, status: &str) -> ItemKeys {
    ItemKeys::primary(cycle(cycle_id)).with_gsi1(CYCLES.to_owned(), format!("{status}#{cycle_id}"))
}

/// GSI1 sort-key prefix of cycles in a status (access pattern 1: `open#`).
pub fn cycles_in_status_prefix(status: &str) -> String {
    format!("{status}#")
}

/// The singleton that makes "one open cycle at a time" a conditional write.
pub fn open_cycle_guard() -> Key {
    Key::new(CYCLES, "OPEN")
}

/// One application per organisation per cycle.
pub fn organisation_guard(cycle: &str, uscc: &str) -> Key {
    Key::new(cycle_partition(cycle), format!("ORG#{uscc}"))
}

// --- applications -------------------------------------------------------------------------------

pub fn application_partition(application: Ulid) -> String {
    format!("APP#{application}")
}

pub fn application(application: Ulid) -> Key {
    Key::new(application_partition(application), "APP")
}

pub fn owner_partition(sub: &str) -> String {
    format!("OWNER#{sub}")
}

/// GSI1 sort-key prefix of an owner's applications (access pattern 3).
pub const OWNER_APPLICATIONS_PREFIX: &str = "APP#";

pub fn application_item_keys(
    application_id: Ulid,
    owner_sub: &str,
    created_at: DateTime<Utc>,
    cycle_id: &str,
    state: &str,
) -> ItemKeys {
    ItemKeys::primary(application(application_id))
        .with_gsi1(
            owner_partition(owner_sub),
            format!(
                "{OWNER_APPLICATIONS_PREFIX}{}#{application_id}",
                instant(created_at)
            ),
        )
        .with_gsi2(
            format!("{}#APPS", cycle_partition(cycle_id)),
            format!("{state}#{application_id}"),
        )
}

pub const DOCUMENT_PREFIX: &str = "DOC#";

pub fn document(application: Ulid, document: Ulid) -> Key {
    Key::new(
        application_partition(application),
        format!("{DOCUMENT_PREFIX}{document}"),
    )
}

pub const DOCUMENT_SLOT_PREFIX: &str = "DOCSLOT#";

pub fn document_slot(application: Ulid, slot: u32) -> Key {
    Key::new(
        application_partition(application),
        format!("{DOCUMENT_SLOT_PREFIX}{slot:04}"),
    )
}

pub const ACCESS_PREFIX: &str = "ACCESS#";

pub fn access(application: Ulid, at: DateTime<Utc>, id: Ulid) -> Key {
    Key::new(
        application_partition(application),
        format!("{ACCESS_PREFIX}{}#{id}", instant(at)),
    )
}

pub const AUDIT_PREFIX: &str = "AUDIT#";

/// An audit record lives in the partition of the thing it is about (a cycle, an application).
pub fn audit(subject_partition: &str, at: DateTime<Utc>, id: Ulid) -> Key {
    Key::new(
        subject_partition,
        format!("{AUDIT_PREFIX}{}#{id}", instant(at)),
    )
}

// --- the register of awards and debarments (Arts. 5, 17, 18) -----------------------------------

/// The partition of one organisation's register entries: screening reads it with one query.
pub fn register_partition(uscc: &str) -> String {
    format!("REG#{uscc}")
}

/// GSI1 partition listing the whole register (`GET /register`), sorted by `<uscc>#<entry>`.
pub const REGISTER: &str = "REGISTER";

/// An award (`AWARD#<approved_on>`) or a debarment (`BAR#<revoked_on>`) of an organisation: an
/// organisation is awarded at most once and revoked at most once on one day, so the date is the
/// entry's identity and a re-imported row lands on the same item.
pub fn register_entry_item_keys(uscc: &str, entry: &str) -> ItemKeys {
    ItemKeys::primary(Key::new(register_partition(uscc), entry))
        .with_gsi1(REGISTER.to_owned(), format!("{uscc}#{entry}"))
}

// --- aftercare (Arts. 5, 16, 17, 18) ------------------------------------------------------------

/// The `reminders` run's watermark: the last China day whose dated items were all handled.
pub fn aftercare_watermark() -> Key {
    Key::new("SCHEDULE", "AFTERCARE")
}

/// The Office's aftercare policy (reminder offsets, visit interval).
pub fn aftercare_policy() -> Key {
    Key::new("SETTINGS", "AFTERCARE")
}

/// The Office's contact details the public notices print.
pub fn office_contact() -> Key {
    Key::new("SETTINGS", "OFFICE_CONTACT")
}

/// A follow-up visit: `APP#<app>` / `VISIT#<date>#<id>` (the holder's visits in one query).
/// `fingerprint`: the visit's content hashed, so the same record sent twice, even at once, is
/// one item.
pub fn visit(application: Ulid, date: NaiveDate, fingerprint: &str) -> Key {
    Key::new(
        application_partition(application),
        format!("VISIT#{}#{fingerprint}", date.format("%Y-%m-%d")),
    )
}

pub const VISIT_PREFIX: &str = "VISIT#";

/// A revocation case: `CASE#<id>` / `CASE`, listed under GSI1 `CASES` by opening time.
pub fn revocation_case(id: Ulid) -> Key {
    Key::new(format!("CASE#{id}"), "CASE")
}

/// GSI1 partition listing the revocation cases (`GET /revocation-cases`).
pub const CASES: &str = "CASES";

// --- notices and due dates ----------------------------------------------------------------------

pub fn notice(notice: Ulid) -> Key {
    Key::new(format!("NOTICE#{notice}"), "NOTICE")
}

pub fn due_partition(date: NaiveDate) -> String {
    format!("DUE#{}", date.format("%Y-%m-%d"))
}

pub const NOTICE_DUE_PREFIX: &str = "NOTICE#";

pub fn notice_item_keys(notice_id: Ulid, due: Option<NaiveDate>) -> ItemKeys {
    let keys = ItemKeys::primary(notice(notice_id));
    match due {
        Some(date) => keys.with_gsi2(
            due_partition(date),
            format!("{NOTICE_DUE_PREFIX}{notice_id}"),
        ),
        None => keys,
    }
}

/// A dated item of an application: `APP#<app>` / `DUE#<date>#<kind>`, listed under GSI2
/// `DUE#<date>` / `<kind>#APP#<app>` (access pattern 8).
pub fn due_item_keys(application: Ulid, date: NaiveDate, kind: &str) -> ItemKeys {
    let day = date.format("%Y-%m-%d");
    ItemKeys::primary(Key::new(
        application_partition(application),
        format!("DUE#{day}#{kind}"),
    ))
    .with_gsi2(
        due_partition(date),
        format!("{kind}#{}", application_partition(application)),
    )
}

// --- recommending units, confirmations, the public board ---------------------------------------

pub fn recommender_partition(id: Ulid) -> String {
    format!("REC#{id}")
}

pub fn recommender(id: Ulid) -> Key {
    Key::new(recommender_partition(id), "REC")
}

/// Sort-key prefix of a unit's inbox rows (`crate::projection::InboxRow`).
pub const INBOX_PREFIX: &str = "INBOX#";

pub fn inbox_row(unit: Ulid, application: Ulid) -> Key {
    Key::new(
        recommender_partition(unit),
        format!("{INBOX_PREFIX}{application}"),
    )
}

/// GSI1 partition listing every recommending unit (access pattern 10).
pub const RECOMMENDERS: &str = "RECOMMENDERS";

pub fn recommender_item_keys(id: Ulid) -> ItemKeys {
    ItemKeys::primary(recommender(id)).with_gsi1(RECOMMENDERS.to_owned(), id.to_string())
}

pub fn email_confirmation(token_sha256: &str) -> Key {
    Key::new(format!("CONFIRM#{token_sha256}"), "CONFIRM")
}

/// The public notice board's partition (access pattern 11), newest last by publication instant.
pub const BOARD: &str = "BOARD";

pub fn board_entry(published_at: DateTime<Utc>, id: Ulid) -> Key {
    Key::new(BOARD, format!("{}#{id}", instant(published_at)))
}

/// GSI1 partition listing an application's notices, every status, oldest first by
/// `<created_at>#<notice>` (access pattern 7c).
pub fn application_notices_partition(application: Ulid) -> String {
    format!("{}#NOTICES", application_partition(application))
}

/// A notice's sort key in [`application_notices_partition`].
pub fn application_notice_sort(created_at: DateTime<Utc>, notice: Ulid) -> String {
    format!("{}#{notice}", instant(created_at))
}

/// GSI2 partition listing the notices given up (`failed`), sorted by `<created_at>#<notice>`, for
/// the Office to see and resend (access pattern 7b).
pub const FAILED_NOTICES: &str = "NOTICES#failed";

/// The keys of a notice given up: out of the `DUE#` partitions (the redrive no longer reads it),
/// listed under [`FAILED_NOTICES`].
pub fn failed_notice_item_keys(notice_id: Ulid, created_at: DateTime<Utc>) -> ItemKeys {
    ItemKeys::primary(notice(notice_id)).with_gsi2(
        FAILED_NOTICES.to_owned(),
        format!("{}#{notice_id}", instant(created_at)),
    )
}

// --- the expert pool and review panels (Arts. 8, 11(5)–(6), 19) --------------------------------

pub fn expert(id: Ulid) -> Key {
    Key::new(format!("EXPERT#{id}"), "EXPERT")
}

/// GSI1 partition listing the expert pool (a city's pool is tens to a few hundred).
pub const EXPERTS: &str = "EXPERTS";

pub fn expert_item_keys(id: Ulid) -> ItemKeys {
    ItemKeys::primary(expert(id)).with_gsi1(EXPERTS.to_owned(), id.to_string())
}

/// The account → expert item. A subject is whatever the identity provider issued; it is the
/// last part of the key, so a `#` in it cannot be confused with a separator.
pub fn expert_account(account: &str) -> Key {
    Key::new(format!("EXPERTACCOUNT#{account}"), "EXPERTACCOUNT")
}

pub const ASSIGNMENT_PREFIX: &str = "ASSIGN#";

/// One expert on one application's panel: `APP#<app>` / `ASSIGN#<phase>#<expert>` (the panel is
/// one query of the application's partition), listed for the expert under GSI1
/// `EXPERT#<expert>` / `ASSIGN#<cycle>#<phase>#<app>` and for the cycle under GSI2
/// `CYCLE#<cycle>#ASSIGN` / `<phase>#<app>#<expert>`.
pub fn assignment(application: Ulid, phase: &str, expert: Ulid) -> Key {
    Key::new(
        application_partition(application),
        format!("{ASSIGNMENT_PREFIX}{phase}#{expert}"),
    )
}

/// Sort-key prefix of one phase's panel in an application's partition.
pub fn panel_prefix(phase: &str) -> String {
    format!("{ASSIGNMENT_PREFIX}{phase}#")
}

pub fn expert_assignments_partition(expert: Ulid) -> String {
    format!("EXPERT#{expert}")
}

pub fn cycle_assignments_partition(cycle: &str) -> String {
    format!("{}#ASSIGN", cycle_partition(cycle))
}

pub fn assignment_item_keys(application: Ulid, cycle: &str, phase: &str, expert: Ulid) -> ItemKeys {
    ItemKeys::primary(self::assignment(application, phase, expert))
        .with_gsi1(
            expert_assignments_partition(expert),
            format!("{ASSIGNMENT_PREFIX}{cycle}#{phase}#{application}"),
        )
        .with_gsi2(
            cycle_assignments_partition(cycle),
            format!("{phase}#{application}#{expert}"),
        )
}

// --- decision, publicity and award (Arts. 4, 11(8)–(9), 12–14) ---------------------------------

/// Art. 4: the count of a cycle's approvals.
pub fn quota_counter(cycle: &str) -> Key {
    Key::new(cycle_partition(cycle), "QUOTA")
}

/// The partition of the holiday notices the Office loaded, one item per year.
pub const CALENDAR: &str = "CALENDAR";

pub fn holiday_notice(year: i32) -> Key {
    Key::new(CALENDAR, format!("{year:04}"))
}

pub fn objection(id: Ulid) -> Key {
    Key::new(format!("OBJECTION#{id}"), "OBJECTION")
}

/// GSI1 partition of a cycle's objections, by arrival.
pub fn cycle_objections_partition(cycle: &str) -> String {
    format!("{}#OBJECTIONS", cycle_partition(cycle))
}

pub fn objection_item_keys(id: Ulid, cycle: &str, received_at: DateTime<Utc>) -> ItemKeys {
    ItemKeys::primary(objection(id)).with_gsi1(
        cycle_objections_partition(cycle),
        format!("{}#{id}", instant(received_at)),
    )
}

/// One day's objection count of a contact or a source address.
pub fn rate_counter(day: NaiveDate, subject: &str) -> Key {
    Key::new(format!("LIMIT#{}", day.format("%Y-%m-%d")), subject)
}

/// A certificate number can be given once.
pub fn certificate_guard(number: &str) -> Key {
    Key::new(format!("CERTIFICATE#{number}"), "CERTIFICATE")
}

// --- the cycle's archive (档案) ---

pub const ARCHIVE_JOB_PREFIX: &str = "ARCHIVE#";

/// One export of a cycle's archive: `CYCLE#<cycle>` / `ARCHIVE#<requested>#<id>`, so a cycle's
/// exports are one query of its partition, oldest first.
pub fn archive_job(cycle: &str, requested_at: DateTime<Utc>, id: Ulid) -> Key {
    Key::new(
        cycle_partition(cycle),
        format!("{ARCHIVE_JOB_PREFIX}{}#{id}", instant(requested_at)),
    )
}

/// The S3 object key of an exported archive.
pub fn archive_object_key(cycle: &str, id: Ulid) -> String {
    format!("archives/{cycle}/{id}.zip")
}

// --- evidence objects ---------------------------------------------------------------------------

/// The S3 object key of a document: under its application's prefix.
pub fn object_key(application: Ulid, document: Ulid) -> String {
    format!("applications/{application}/{document}")
}

pub fn attachment(id: Ulid) -> Key {
    Key::new(format!("ATTACH#{id}"), "ATTACHMENT")
}

/// The S3 object key of an attachment (an objection's evidence, a cycle's minutes).
pub fn attachment_object_key(id: Ulid) -> String {
    format!("attachments/{id}")
}

/// The inverse of [`attachment_object_key`]; `None` for any other key.
pub fn parse_attachment_key(key: &str) -> Option<Ulid> {
    parse_id(key.strip_prefix("attachments/")?)
}

/// The inverse of [`object_key`]; `None` for any other key.
pub fn parse_object_key(key: &str) -> Option<(Ulid, Ulid)> {
    let rest = key.strip_prefix("applications/")?;
    let (application, document) = rest.split_once('/')?;
    Some((parse_id(application)?, parse_id(document)?))
}

/// A ULID from a path segment or key part; only the canonical 26-character form is accepted.
pub fn parse_id(text: &str) -> Option<Ulid> {
    let id = Ulid::from_string(text).ok()?;
    (id.to_string() == text).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn object_keys_round_trip_and_reject_others() {
        let app = Ulid::from_parts(0x0123_4567_89ab, 0xfedc_ba98_7654_3210);
        let doc = Ulid::from_parts(0x0123_4567_89ac, 0xabcd_ef01_2345_6789);
        assert_eq!(parse_object_key(&object_key(app, doc)), Some((app, doc)));
        assert_eq!(parse_object_key("applications/x/y"), None);
        assert_eq!(parse_object_key(&format!("other/{app}/{doc}")), None);
        assert_eq!(
            parse_object_key(&format!("applications/{app}/{doc}/z")),
            None
        );
        assert_eq!(
            parse_object_key(&format!(
                "applications/{app}/{}",
                doc.to_string().to_lowercase()
            )),
            None
        );
    }

    #[test]
    fn instants_sort_as_time() {
        let early = Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap();
        let late = early + chrono::Duration::microseconds(1);
        assert!(instant(early) < instant(late));
        assert_eq!(instant(early), "2026-01-02T03:04:05.000000Z");
    }

    #[test]
    fn cycle_ids_are_years_and_cannot_carry_separators() {
        assert!(is_valid_cycle_id("2026"));
        assert!(!is_valid_cycle_id("2026-a"));
        assert!(!is_valid_cycle_id(""));
        assert!(!is_valid_cycle_id("20#6"));
        assert!(!is_valid_cycle_id("open"));
    }
}

//! The register of awards and debarments (Arts. 5, 17, 18): every award the city made (cycle,
//! organisation, approval date, validity) and every debarment (ground and article, revocation
//! date, last day of the bar). Screening reads an organisation's entries (`history_of`); the
//! Office imports its history since the 2013 measures from a CSV file and lists the register.
//!
//! The import reads the whole file first and writes nothing unless every row is valid; an entry
//! already in the register with the same facts is left alone, so re-importing a file changes
//! nothing.

mod routes;

pub use routes::ROUTES;

use std::collections::BTreeMap;

use award_domain::award::{Art18Cause, Debarment, RevocationGround, Validity};
use award_domain::time::{DateFault, past_date};
use award_domain::uscc::{self, UsccScreening};
use award_ports::Transaction;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;

use crate::App;
use crate::audit::audit;
use crate::error::{AppError, RowIssue};
use crate::identity::{Caller, Role};
use crate::keys;
use crate::model::{RegisterEntry, RegisterFact};
use crate::reads::cycles;
use crate::reads::register::{all, entries_of};
use crate::store::{self};
use crate::validation;

/// The largest import accepted, in bytes: the city's whole history is a few hundred rows.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// The CSV columns, as the Office's spreadsheet names them.
pub mod column {
    /// `获奖` (an award, Art. 5) or `撤销` (a revocation and its bar, Arts. 17, 18).
    pub const KIND: &str = "类型";
    pub const USCC: &str = "统一社会信用代码";
    pub const NAME: &str = "单位名称";
    /// Awards: the cycle's year (Art. 4).
    pub const CYCLE: &str = "评选周期";
    /// The award's approval date (Art. 11(9)); for a revocation, of the award revoked.
    pub const APPROVED_ON: &str = "批准日期";
    pub const REVOKED_ON: &str = "撤销日期";
    /// `第十七条` (fraud) or `第十八条` (a cause within the award's 5 years).
    pub const GROUND: &str = "撤销依据";
    /// Art. 18: the item number of the cause, 1 to 5.
    pub const CAUSE: &str = "第十八条情形";
    /// Art. 18: the day the cause occurred.
    pub const OCCURRED_ON: &str = "情形发生日期";
    pub const ALL: [&str; 9] = [
        KIND,
        USCC,
        NAME,
        CYCLE,
        APPROVED_ON,
        REVOKED_ON,
        GROUND,
        CAUSE,
        OCCURRED_ON,
    ];
}

/// What an import did, or would do (`dry_run`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct ImportReport {
    pub dry_run: bool,
    /// Data rows read (the header aside).
    pub rows: usize,
    /// Entries new to the register (written, unless a dry run).
    pub added: usize,
    /// Entries the register already holds with the same facts.
    pub unchanged: usize,
    /// Every bad row; when any, nothing is written.
    pub errors: Vec<RowIssue>,
    /// What is imported as written but should be checked against the original (a USCC whose
    /// check character does not match: a legacy code, or a typing error).
    pub warnings: Vec<RowIssue>,
}

/// `GET /register` (staff): every entry, by USCC then date; `uscc` narrows it to one
/// organisation.
pub async fn list(
    app: &App,
    caller: &Caller,
    uscc: Option<&str>,
) -> Result<Vec<RegisterEntry>, AppError> {
    cycles::require_staff(caller)?;
    match uscc {
        Some(uscc) => entries_of(app, &normalise_uscc(uscc)).await,
        None => all(app).await,
    }
}

fn normalise_uscc(text: &str) -> String {
    text.trim().to_ascii_uppercase()
}

/// `POST /register/import` (office): the Office's CSV (UTF-8, with or without a BOM, the headers
/// of [`column`]). Every row is checked before anything is written; with `dry_run`, or when a
/// row is bad, nothing is written. Errors: `InvalidRegisterRows` (422, every bad row) when not a
/// dry run; `BodyTooLarge`; the table's failures (`ConcurrentUpdate` when another import wrote
/// the same entry meanwhile: importing again is safe).
pub async fn import(
    app: &App,
    caller: &Caller,
    body: &[u8],
    dry_run: bool,
    now: DateTime<Utc>,
) -> Result<ImportReport, AppError> {
    caller.require(Role::Office)?;
    if body.len() > MAX_IMPORT_BYTES {
        return Err(AppError::BodyTooLarge {
            max: MAX_IMPORT_BYTES,
        });
    }
    let Parsed {
        rows,
        entries,
        issues: mut errors,
        warnings,
    } = parse(body, caller.sub(), now);

    let existing: BTreeMap<(String, String), RegisterEntry> = all(app)
        .await?
        .into_iter()
        .map(|entry| ((entry.uscc.clone(), entry.entry_key()), entry))
        .collect();
    let mut new: BTreeMap<(String, String), (u64, RegisterEntry)> = BTreeMap::new();
    let mut unchanged = 0;
    for (row, entry) in entries {
        let key = (entry.uscc.clone(), entry.entry_key());
        if let Some(stored) = existing.get(&key) {
            if stored.same_fact(&entry) {
                unchanged += 1;
            } else {
                errors.push(RowIssue {
                    row,
                    column: column::USCC.into(),
                    reason: format!(
                        "登记簿中已有该单位同日的{}记录，内容不同（单位名称：{}）；请核对后更正",
                        kind_zh(&entry.fact),
                        stored.organisation_name
                    ),
                });
            }
            continue;
        }
        match new.get(&key) {
            Some((_, earlier)) if earlier.same_fact(&entry) => unchanged += 1,
            Some((first, _)) => errors.push(RowIssue {
                row,
                column: column::USCC.into(),
                reason: format!("与第{first}行为同一单位同日的记录，但内容不同"),
            }),
            None => {
                new.insert(key, (row, entry));
            }
        }
    }
    errors.sort_by(|a, b| (a.row, &a.column).cmp(&(b.row, &b.column)));
    let report = ImportReport {
        dry_run,
        rows,
        added: new.len(),
        unchanged,
        errors,
        warnings,
    };
    if dry_run {
        return Ok(report);
    }
    if !report.errors.is_empty() {
        return Err(AppError::InvalidRegisterRows {
            issues: report.errors,
        });
    }
    if new.is_empty() {
        return Ok(report);
    }
    let mut writes = Vec::with_capacity(new.len() + 1);
    for (_, entry) in new.values() {
        writes.push(store::create(entry)?);
    }
    writes.push(audit(
        keys::REGISTER.to_owned(),
        caller.sub(),
        "register_import",
        &[
            ("added", report.added.to_string()),
            ("unchanged", report.unchanged.to_string()),
        ],
        now,
    )?);
    // The history can exceed one transaction's 100 writes; every row was checked above, and an
    // interrupted import is finished by importing the same file again.
    for transaction in Transaction::bulk(writes)? {
        app.table
            .transact_items(transaction)
            .await
            .map_err(|error| match error {
                award_ports::TableError::ConditionFailed { .. } => AppError::ConcurrentUpdate,
                other => other.into(),
            })?;
    }
    Ok(report)
}

fn kind_zh(fact: &RegisterFact) -> &'static str {
    match fact {
        RegisterFact::Award { .. } => "获奖",
        RegisterFact::Debarment { .. } => "撤销",
    }
}

/// A file read: how many data rows it has, the valid ones as entries (with their line numbers),
/// and the issues of the others.
struct Parsed {
    rows: usize,
    entries: Vec<(u64, RegisterEntry)>,
    issues: Vec<RowIssue>,
    warnings: Vec<RowIssue>,
}

fn parse(body: &[u8], by: &str, now: DateTime<Utc>) -> Parsed {
    // Excel writes UTF-8 CSV with a byte-order mark; the csv crate would read it into the first
    // header.
    let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(body);
    let mut issues = Vec::new();
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            issues.push(RowIssue {
                row: 1,
                column: String::new(),
                reason: csv_reason(&error),
            });
            return Parsed {
                rows: 0,
                entries: Vec::new(),
                issues,
                warnings: Vec::new(),
            };
        }
    };
    let positions: BTreeMap<&str, usize> = column::ALL
        .iter()
        .filter_map(|name| {
            headers
                .iter()
                .position(|header| header == *name)
                .map(|index| (*name, index))
        })
        .collect();
    for name in column::ALL {
        if !positions.contains_key(name) {
            issues.push(RowIssue {
                row: 1,
                column: name.into(),
                reason: "缺少该列".into(),
            });
        }
    }
    if !issues.is_empty() {
        return Parsed {
            rows: 0,
            entries: Vec::new(),
            issues,
            warnings: Vec::new(),
        };
    }
    let mut entries = Vec::new();
    let mut warnings = Vec::new();
    let mut rows = 0;
    for (index, record) in reader.records().enumerate() {
        // Row numbers as a spreadsheet shows them: the header is 1, the first row 2. The record
        // index (not the line, which CRLF endings and blank lines would shift) is that row.
        let fallback = index as u64 + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                rows += 1;
                let row = error.position().map(|p| p.record() + 1).unwrap_or(fallback);
                issues.push(RowIssue {
                    row,
                    column: String::new(),
                    reason: csv_reason(&error),
                });
                continue;
            }
        };
        let row = record
            .position()
            .map(|p| p.record() + 1)
            .unwrap_or(fallback);
        let cell = |name: &str| {
            positions
                .get(name)
                .and_then(|index| record.get(*index))
                .unwrap_or_default()
        };
        // A blank line (a spreadsheet's trailing rows) is no row.
        if record.iter().all(str::is_empty) {
            continue;
        }
        rows += 1;
        match entry_of(&cell, by, now) {
            Ok(entry) => {
                if let UsccScreening::CheckCharacterMismatch { expected, .. } =
                    uscc::screen(&entry.uscc)
                {
                    warnings.push(RowIssue {
                        row,
                        column: column::USCC.into(),
                        reason: format!(
                            "统一社会信用代码的校验位不符（按 GB 32100 应为“{expected}”），将按原样登记；请与原件核对"
                        ),
                    });
                }
                entries.push((row, entry));
            }
            Err(found) => issues.extend(found.into_iter().map(|(column, reason)| RowIssue {
                row,
                column: column.into(),
                reason,
            })),
        }
    }
    Parsed {
        rows,
        entries,
        issues,
        warnings,
    }
}

fn csv_reason(error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "不是 UTF-8 编码的文本（请在 Excel 中另存为“CSV UTF-8”）".into()
        }
        _ => format!("CSV 格式有误：{error}"),
    }
}

type CellIssues = Vec<(&'static str, String)>;

/// One row's entry, or every issue of the row as `(column, reason)`.
fn entry_of<'r>(
    cell: &impl Fn(&str) -> &'r str,
    by: &str,
    now: DateTime<Utc>,
) -> Result<RegisterEntry, CellIssues> {
    let mut issues: CellIssues = Vec::new();
    let required = |name: &'static str, issues: &mut CellIssues| -> Option<&'r str> {
        let value = cell(name);
        if value.is_empty() {
            issues.push((name, "必填".into()));
            None
        } else {
            Some(value)
        }
    };
    let today = award_domain::china_date(now);
    // Every date of the register is of something that happened: from 1949年10月1日 to today.
    let date = |name: &'static str, issues: &mut CellIssues| -> Option<NaiveDate> {
        let value = required(name, issues)?;
        let Ok(date) = NaiveDate::parse_from_str(value, "%Y-%m-%d") else {
            issues.push((name, format!("日期“{value}”无效，格式应为 YYYY-MM-DD")));
            return None;
        };
        match past_date(date, today) {
            Ok(date) => Some(date),
            Err(DateFault::Future) => {
                issues.push((name, format!("日期“{value}”晚于今天，请核对")));
                None
            }
            Err(DateFault::TooEarly) => {
                issues.push((name, format!("日期“{value}”早于1949年10月1日，请核对年份")));
                None
            }
        }
    };

    let uscc = required(column::USCC, &mut issues).and_then(|text| {
        // Legacy codes whose check character fails are kept as written: screening flags them for
        // review, it never rejects them.
        match uscc::screen(text) {
            UsccScreening::Malformed { error } => {
                issues.push((
                    column::USCC,
                    format!("不是有效的统一社会信用代码：{}", uscc_error_zh(&error)),
                ));
                None
            }
            _ => Some(normalise_uscc(text)),
        }
    });
    // The same check as every other name: length, no control or invisible format character,
    // stored NFC-normalised.
    let name = required(column::NAME, &mut issues).and_then(|text| {
        match validation::name("organisation_name", text, || {
            AppError::InvalidOrganisationName {
                detail: "must be 1-200 characters on one line",
            }
        }) {
            Ok(name) => Some(name),
            Err(AppError::InvalidCharacters { detail_zh, .. }) => {
                issues.push((column::NAME, format!("单位名称{detail_zh}")));
                None
            }
            Err(_) => {
                issues.push((column::NAME, "单位名称不得超过200个字，且应为一行".into()));
                None
            }
        }
    });
    let approved_on = date(column::APPROVED_ON, &mut issues);
    let validity = approved_on.and_then(|approved_on| match Validity::from_approval(approved_on) {
        Ok(validity) => Some(validity),
        Err(error) => {
            issues.push((column::APPROVED_ON, error.to_string()));
            None
        }
    });
    let fact = match cell(column::KIND) {
        "获奖" => {
            let cycle = required(column::CYCLE, &mut issues).and_then(|cycle| {
                if keys::is_valid_cycle_id(cycle) {
                    Some(cycle.to_owned())
                } else {
                    issues.push((column::CYCLE, format!("评选周期“{cycle}”应为四位年份")));
                    None
                }
            });
            match (cycle, validity) {
                // A cycle's awards are approved in its year or later (Art. 11(9)).
                (Some(cycle_id), Some(validity))
                    if cycle_id
                        .parse::<i32>()
                        .is_ok_and(|year| year > validity.approved_on.year()) =>
                {
                    issues.push((
                        column::APPROVED_ON,
                        format!(
                            "批准日期{}早于评选周期{cycle_id}年，请核对",
                            validity.approved_on
                        ),
                    ));
                    None
                }
                (Some(cycle_id), Some(validity)) => {
                    Some(RegisterFact::Award { cycle_id, validity })
                }
                _ => None,
            }
        }
        "撤销" => {
            let revoked_on = date(column::REVOKED_ON, &mut issues);
            let ground = match required(column::GROUND, &mut issues) {
                Some("第十七条") => Some(RevocationGround::Fraud),
                Some("第十八条") => {
                    let cause = match required(column::CAUSE, &mut issues) {
                        Some(text)
                            if text
                                .parse()
                                .ok()
                                .and_then(Art18Cause::from_number)
                                .is_some() =>
                        {
                            text.parse().ok().and_then(Art18Cause::from_number)
                        }
                        Some(other) => {
                            issues.push((
                                column::CAUSE,
                                format!("“{other}”应为第十八条所列情形的序号 1 至 5"),
                            ));
                            None
                        }
                        None => None,
                    };
                    let occurred_on = date(column::OCCURRED_ON, &mut issues);
                    cause
                        .zip(occurred_on)
                        .map(|(cause, occurred_on)| RevocationGround::Cause { cause, occurred_on })
                }
                Some(other) => {
                    issues.push((
                        column::GROUND,
                        format!("“{other}”应为“第十七条”或“第十八条”"),
                    ));
                    None
                }
                None => None,
            };
            match (ground, revoked_on, validity) {
                (Some(_), Some(revoked_on), Some(validity))
                    if revoked_on < validity.approved_on =>
                {
                    issues.push((
                        column::REVOKED_ON,
                        format!(
                            "撤销日期{revoked_on}早于批准日期{}，请核对",
                            validity.approved_on
                        ),
                    ));
                    None
                }
                (Some(ground), Some(revoked_on), Some(validity)) => {
                    match Debarment::for_revocation(ground, revoked_on, &validity) {
                        Ok(debarment) => Some(RegisterFact::Debarment {
                            award_approved_on: validity.approved_on,
                            debarment,
                        }),
                        Err(error) => {
                            issues.push((
                                column::OCCURRED_ON,
                                format!("第十八条仅适用于获奖后5年内发生的情形：{error}"),
                            ));
                            None
                        }
                    }
                }
                _ => None,
            }
        }
        "" => {
            issues.push((column::KIND, "必填".into()));
            None
        }
        other => {
            issues.push((column::KIND, format!("“{other}”应为“获奖”或“撤销”")));
            None
        }
    };
    match (uscc, name, fact, issues.is_empty()) {
        (Some(uscc), Some(organisation_name), Some(fact), true) => Ok(RegisterEntry {
            uscc,
            organisation_name,
            fact,
            recorded_at: now,
            recorded_by: by.to_owned(),
        }),
        _ => Err(issues),
    }
}

/// What is wrong with a malformed USCC, in Chinese (GB 32100).
fn uscc_error_zh(error: &uscc::UsccError) -> String {
    match error {
        uscc::UsccError::Length { found } => format!("应为18位，实为{found}位"),
        uscc::UsccError::Character {
            position,
            character,
        } => format!("第{position}位的“{character}”不是 GB 32100 允许的字符"),
        uscc::UsccError::DivisionCode { found } => {
            format!("第3至8位应为6位数字的行政区划码，实为“{found}”")
        }
        uscc::UsccError::CheckCharacter { expected, .. } => {
            format!("校验位应为“{expected}”")
        }
    }
}

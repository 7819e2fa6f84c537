//! Publicity (Art. 11(8)).

use super::*;

/// `POST /cycles/{id}/publicity` (office): `{"first_day": "2026-09-30"}`.
#[derive(Debug, Clone, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicityInput {
    pub first_day: NaiveDate,
    /// The notice's 文号 (e.g. 武质奖办〔2026〕3号); empty or absent for none.
    #[serde(default)]
    pub document_number: Option<String>,
}

/// Starts the publicity of every proposed application on `first_day` (today or later) for the
/// cycle's working days (≥ 5) on the official calendar: the last day is the same for all. The
/// board gets ONE notice listing every proposed name (with its place and credit code), the period,
/// how to object and the Office's contact details, its 文号 and 落款, in the same transaction as
/// the cycle's publicity record, so a repeated call never publishes a second list. A period
/// reaching into a year whose holiday notice is not loaded is refused (`CalendarUnavailable`:
/// load it with `POST /calendar/{year}`), before anything is written. Errors:
/// `ConsultationMissing`, `PublicityInPast`, `NothingToPublish`, `PublicityStarted`.
pub async fn start_publicity(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    input: PublicityInput,
    now: DateTime<Utc>,
) -> Result<CyclePublicity, AppError> {
    caller.require(Role::Office)?;
    if input.first_day < today(now) {
        return Err(AppError::PublicityInPast {
            first_day: input.first_day,
            today: today(now),
        });
    }
    let document_number = validation::document_number(input.document_number.as_deref())?;
    // One round trip for what the decision reads: the cycle, the loaded holiday notices, the
    // Office's contact details, the proposed names and the units (each name's notices).
    let (loaded, notices, contact, proposed, units) = tokio::try_join!(
        cycles::load_cycle(app, cycle_id),
        settings::loaded(app),
        settings::office_contact(app),
        applications::in_cycle_stored(app, cycle_id, Some(ApplicationState::Proposed)),
        crate::reads::units::all(app)
    )?;
    if loaded.record.decision.consultation.is_none() {
        return Err(AppError::ConsultationMissing);
    }
    let days = loaded
        .record
        .cycle
        .rules
        .publicity_working_days
        .max(MIN_PUBLICITY_WORKING_DAYS);
    let official = WorkingCalendar::official().map_err(|error| AppError::calendar(&error))?;
    // The board's notice says how to object as the publicity page does (Art. 11(8)): where to
    // write, call and send.
    let contact_data = BTreeMap::from([
        ("office_phone".to_owned(), contact.phone),
        ("office_postal_address".to_owned(), contact.postal_address),
        ("office_mailbox".to_owned(), contact.mailbox),
    ]);
    // The same calendar counts the days here and in each application's decision below.
    let calendar = settings::combine(official, &notices)?;
    let last_day = calendar
        .publicity_last_day(input.first_day, days)
        .map_err(|error| AppError::calendar(&error))?;
    let publicity = match &loaded.record.decision.publicity {
        Some(existing) if existing.first_day == input.first_day => existing.clone(),
        Some(_) => return Err(AppError::PublicityStarted),
        None => {
            if proposed.is_empty() {
                return Err(AppError::NothingToPublish);
            }
            let publicity = CyclePublicity {
                first_day: input.first_day,
                last_day,
                working_days: days,
                started_by: caller.sub().to_owned(),
                started_at: now,
                document_number: document_number.clone(),
            };
            let mut record = loaded.record.clone();
            record.decision.publicity = Some(publicity.clone());
            let mut listed: Vec<&Application> =
                proposed.iter().map(|stored| &stored.record).collect();
            listed.sort_by(|a, b| a.organisation_name().cmp(b.organisation_name()));
            let names: Vec<_> = listed
                .iter()
                .map(|application| recipients::ListedName::of(application, String::new()))
                .collect();
            let mut notice = contact_data.clone();
            notice.extend([
                ("cycle_title".to_owned(), record.cycle.title.clone()),
                ("document_number".to_owned(), document_number.clone()),
                ("count".to_owned(), names.len().to_string()),
                ("names".to_owned(), recipients::numbered_names(&names)),
                (
                    "publicity_first_day".to_owned(),
                    input.first_day.to_string(),
                ),
                ("publicity_last_day".to_owned(), last_day.to_string()),
            ]);
            let mut writes =
                settings::mark_used(&notices, official, cycle_id, input.first_day, last_day)?;
            writes.push(recipients::publish(
                NoticeKind::PublicityAnnouncement,
                cycle_id,
                None,
                &notice,
                now,
            )?);
            save_cycle_with(
                app,
                &loaded,
                &record,
                caller.sub(),
                "publicity_started",
                &[
                    ("first_day", input.first_day.to_string()),
                    ("last_day", last_day.to_string()),
                    ("document_number", document_number.clone()),
                ],
                writes,
                now,
            )
            .await?;
            publicity
        }
    };
    let commands: Vec<_> = proposed
        .iter()
        .map(|stored| {
            (
                stored.record.id,
                Command::StartPublicity {
                    first_day: publicity.first_day,
                },
                BTreeMap::new(),
            )
        })
        .collect();
    advance_all(
        app,
        caller,
        commands,
        list_reads(proposed, &loaded.record, &units),
        ApplicationState::Proposed,
        Settings {
            aftercare: None,
            calendar: Some(&calendar),
        },
        now,
    )
    .await?;
    Ok(publicity)
}

/// One name on the public list: no score, no evidence, no personal data.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicEntry {
    #[schemars(with = "String")]
    pub application_id: Ulid,
    pub organisation_name: String,
    pub uscc: String,
    pub division_code: String,
    /// The division as an address reads (`甘肃省武威市凉州区`, GB/T 2260); empty for a code the
    /// list no longer holds.
    pub division_name: String,
}

/// `GET /public/publicity/{cycle}` (anyone).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PublicPublicity {
    pub cycle_id: String,
    pub title: String,
    pub first_day: NaiveDate,
    pub last_day: NaiveDate,
    /// The notice's 文号; empty when the Office gave none.
    pub document_number: String,
    /// China date the notice was issued (its 落款 date): the day the Office started the publicity.
    pub issued_on: NaiveDate,
    pub entries: Vec<PublicEntry>,
    pub how_to_object: String,
    /// The Office's mailbox.
    pub office_contact: String,
    /// The Office's telephone, empty when it gave none.
    pub office_phone: String,
    /// The Office's postal address, empty when it gave none.
    pub office_postal_address: String,
}

/// The names in publicity (or that passed it), the period, how to object, the Office's contact.
/// Errors: `CycleNotFound`, `PublicityNotStarted`.
pub async fn public_publicity(app: &App, cycle_id: &str) -> Result<PublicPublicity, AppError> {
    // The list and the Office's contact at once: one round trip, two calls, whatever the cycle's
    // number of applications.
    let ((cycle, rows), contact) = tokio::try_join!(
        cycle_and_public_rows(app, cycle_id),
        crate::reads::settings::office_contact(app)
    )?;
    let publicity = cycle
        .decision
        .publicity
        .ok_or(AppError::PublicityNotStarted)?;
    let mut entries: Vec<PublicEntry> = rows
        .into_iter()
        .filter(|row| {
            !matches!(
                row.state,
                ApplicationState::Rejected | ApplicationState::Withdrawn
            )
        })
        .map(|row| PublicEntry {
            application_id: row.application_id,
            division_name: award_domain::codes::division_full_name(&row.division_code)
                .unwrap_or_default(),
            organisation_name: row.organisation_name,
            uscc: row.uscc,
            division_code: row.division_code,
        })
        .collect();
    entries.sort_by(|a, b| a.organisation_name.cmp(&b.organisation_name));
    Ok(PublicPublicity {
        cycle_id: cycle_id.to_owned(),
        title: cycle.cycle.title,
        first_day: publicity.first_day,
        last_day: publicity.last_day,
        document_number: publicity.document_number.clone(),
        issued_on: today(publicity.started_at),
        entries,
        how_to_object: format!(
            "公示期内（{} 至 {}，以北京时间当日24时为止），任何单位和个人均可对公示名单提出异议：\
             在 {} 页面填写，或 POST /public/publicity/{cycle_id}/objections，写明异议对象、本人姓名和联系方式（手机或电子邮箱）及具体内容，\
             提交后获得受理编号。",
            publicity.first_day,
            publicity.last_day,
            pages::publicity(&app.config.public_base_url, cycle_id)
        ),
        office_contact: contact.mailbox,
        office_phone: contact.phone,
        office_postal_address: contact.postal_address,
    })
}

//! The score sheets and the ranking as CSV files for the Office.

use super::*;

/// `GET /cycles/{id}/scores.csv?phase=` (office): one row per counted sheet and rubric item, with
/// the panel's aggregated score, spread and flag for the item.
pub async fn scores_csv(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
    phase: ReviewPhase,
) -> Result<(String, String), AppError> {
    caller.require(Role::Office)?;
    let cycle = cycles::load_cycle(app, cycle_id).await?.record.cycle;
    let pool = crate::reads::experts::all(app).await?;
    let applications = applications::in_cycle(app, cycle_id, None).await?;
    let mut sheets = crate::reads::assignments::of_cycle(app, cycle_id, phase).await?;
    sheets.retain(|assignment| {
        assignment.counts() && assignment.status == AssignmentStatus::Submitted
    });
    sheets.sort_by_key(|assignment| (assignment.application_id, assignment.expert_id));
    let mut panel_stats: BTreeMap<Ulid, Vec<ItemStats>> = BTreeMap::new();
    for application_id in sheets.iter().map(|sheet| sheet.application_id) {
        if panel_stats.contains_key(&application_id) {
            continue;
        }
        let panel: Vec<&BTreeMap<String, u8>> = sheets
            .iter()
            .filter(|sheet| sheet.application_id == application_id)
            .map(|sheet| &sheet.items)
            .collect();
        panel_stats.insert(application_id, item_stats(&cycle.rules, &panel));
    }
    let mut rows = vec![
        [
            "申报编号",
            "单位名称",
            "专家",
            "评分项",
            "评分项名称",
            "分值",
            "得分率(%)",
            "专家得分",
            "汇总得分",
            "平均",
            "中位数",
            "最低",
            "最高",
            "极差",
            "分歧",
            "合议",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for sheet in &sheets {
        let application = applications.iter().find(|a| a.id == sheet.application_id);
        let result = application
            .and_then(|a| a.reviews.get(&phase))
            .and_then(|review| review.result.as_ref());
        let expert_name = pool
            .iter()
            .find(|expert| expert.id == sheet.expert_id)
            .map(|expert| expert.profile.name.clone())
            .unwrap_or_default();
        for item in cycle.rules.rubric.items() {
            let percent = sheet.items.get(&item.id).copied().unwrap_or_default();
            let aggregated = result.and_then(|r| r.items.iter().find(|i| i.item == item.id));
            let stats = panel_stats
                .get(&sheet.application_id)
                .and_then(|stats| stats.iter().find(|s| s.item == item.id));
            let cell = |value: Option<Centi>| value.map(|v| v.to_string()).unwrap_or_default();
            rows.push(vec![
                sheet.application_id.to_string(),
                application
                    .map(|a| a.organisation_name().to_owned())
                    .unwrap_or_default(),
                expert_name.clone(),
                item.id.clone(),
                item.name.clone(),
                item.points.to_string(),
                percent.to_string(),
                scoring::item_score(percent, item.points).to_string(),
                aggregated.map(|i| i.score.to_string()).unwrap_or_default(),
                cell(stats.and_then(|s| s.mean)),
                cell(stats.and_then(|s| s.median)),
                cell(stats.and_then(|s| s.min)),
                cell(stats.and_then(|s| s.max)),
                cell(stats.and_then(|s| s.spread)),
                aggregated
                    .map(|i| if i.disagreement { "是" } else { "否" }.to_owned())
                    .unwrap_or_default(),
                aggregated
                    .map(|i| {
                        match i.source {
                            scoring::ScoreSource::Consensus => "是",
                            scoring::ScoreSource::Independent => "否",
                        }
                        .to_owned()
                    })
                    .unwrap_or_default(),
            ]);
        }
    }
    crate::export::csv_file(format!("scores-{cycle_id}-{}.csv", phase.as_str()), &rows)
}

/// `GET /cycles/{id}/ranking.csv` (office): the combined ranking.
pub async fn ranking_csv(
    app: &App,
    caller: &Caller,
    cycle_id: &str,
) -> Result<(String, String), AppError> {
    let ranking = ranking(app, caller, cycle_id).await?;
    let mut rows = vec![
        [
            "名次",
            "申报编号",
            "单位名称",
            "资料评审",
            "现场评审",
            "满意度",
            "综合得分",
            "达到候选线",
            "候选",
            "同分排序依据",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for line in &ranking.lines {
        rows.push(vec![
            line.ranked.position.to_string(),
            line.ranked.application.clone(),
            line.organisation_name.clone(),
            line.document_review.to_string(),
            line.onsite_review.to_string(),
            line.satisfaction.to_string(),
            line.ranked.combined.to_string(),
            if line.ranked.meets_bar { "是" } else { "否" }.to_owned(),
            if line.candidate { "是" } else { "否" }.to_owned(),
            line.ranked
                .tie_broken_by
                .map(|key| {
                    serde_json::to_value(key)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
        ]);
    }
    crate::export::csv_file(format!("ranking-{cycle_id}.csv"), &rows)
}

//! The archive's print views: self-contained HTML (no script, no external file, the styles
//! inline, A4 print rules), rendered on the server from the records, so the archive reads
//! without the site. Rendered: each application's form (申报表, with the recommending unit's
//! opinion and a box for its seal), each expert's score sheet (with the lines for its signature),
//! each winner's certificate (荣誉证书), the cycle's ranking and publicity list, and the public
//! notices of the cycle. What is not rendered is in the records' JSON (docs/ARCHIVE.md).

use std::fmt::Write as _;

use award_domain::codes::division_full_name;
use award_domain::time::date_zh;
use chrono::{DateTime, Utc};

use crate::model::{Application, Assignment, BoardEntry, CycleRecord, ReviewPhase};

/// `text` with `& < > " '` escaped, safe in an element or an attribute.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:'Noto Serif CJK SC','Source Han Serif SC','SimSun',serif;\
max-width:180mm;margin:0 auto;padding:12mm 0;color:#000;line-height:1.6}\
h1{text-align:center;font-size:22pt;margin:0 0 8mm}h2{font-size:14pt;margin:8mm 0 3mm;\
border-bottom:1px solid #000}table{border-collapse:collapse;width:100%;table-layout:fixed;\
word-break:break-all}th,td{border:1px solid #000;padding:1.5mm 2mm;vertical-align:top;\
text-align:left;font-size:10.5pt}th{width:32%;background:#f2f2f2}.seal{height:45mm}\
.foot{margin-top:10mm;text-align:right}.note{font-size:9pt;color:#333}\
@page{size:A4;margin:20mm 15mm}@media print{body{padding:0}h2{break-after:avoid}\
tr{break-inside:avoid}.page{break-before:page}}";

/// A whole page: `title` and `body` (already HTML).
fn page(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<title>{}</title><style>{STYLE}</style></head><body>\n{body}\n</body></html>\n",
        escape(title)
    )
}

/// A China date (UTC+8) of an instant, e.g. `2026年12月7日`.
pub fn china_date(at: DateTime<Utc>) -> String {
    date_zh(award_domain::china_date(at))
}

fn row(out: &mut String, label: &str, value: &str) {
    let _ = write!(
        out,
        "<tr><th>{}</th><td>{}</td></tr>",
        escape(label),
        escape(value)
    );
}

fn yes_no(value: Option<bool>) -> &'static str {
    match value {
        Some(true) => "是",
        Some(false) => "否",
        None => "未填写",
    }
}

/// The application form (申报表) as filed, with its state, the recommendation and a last page
/// for the recommending unit's opinion, signature, date and seal (盖章处).
pub fn application_form(
    cycle: &CycleRecord,
    application: &Application,
    recommender_name: Option<&str>,
) -> String {
    let form = &application.form;
    let org = &form.organisation;
    let mut body = format!("<h1>{}<br>申报表</h1>", escape(&cycle.cycle.title));
    body.push_str("<h2>一、单位基本情况</h2><table>");
    row(&mut body, "单位名称", &org.name);
    row(&mut body, "统一社会信用代码", &org.uscc);
    row(
        &mut body,
        "注册日期",
        &org.registration_date.map(date_zh).unwrap_or_default(),
    );
    row(
        &mut body,
        "所在地区",
        &division_full_name(&org.division_code).unwrap_or_else(|| org.division_code.clone()),
    );
    row(&mut body, "注册地址", &org.registered_address);
    row(&mut body, "法定代表人", &org.legal_representative);
    row(&mut body, "国民经济行业代码", &org.industry_code);
    row(
        &mut body,
        "职工人数",
        &org.employee_count
            .map(|n| n.to_string())
            .unwrap_or_default(),
    );
    row(&mut body, "建筑业企业", yes_no(org.construction_enterprise));
    row(&mut body, "联系人", &form.contact.name);
    row(&mut body, "联系人手机", &form.contact.mobile);
    row(&mut body, "联系人邮箱", &form.contact.email);
    row(&mut body, "当前状态", application.state().label_zh());
    body.push_str("</table>");

    let date = date_zh;
    let yuan = |amount: Option<award_domain::money::Fen>| {
        amount.map_or_else(
            || "未填写".to_owned(),
            |fen| format!("{}元", fen.yuan_text()),
        )
    };

    body.push_str("<h2>二、管理体系认证</h2><table>");
    if form.certificates.is_empty() {
        row(&mut body, "证书", "（未填写）");
    }
    for (index, certificate) in form.certificates.iter().enumerate() {
        let _ = write!(body, "<tr><th colspan=\"2\">证书{}</th></tr>", index + 1);
        row(&mut body, "认证标准", &certificate.standard);
        row(&mut body, "证书编号", &certificate.number);
        row(&mut body, "发证机构", &certificate.issuer);
        row(
            &mut body,
            "有效期",
            &format!(
                "{} 至 {}",
                date(certificate.valid_from),
                date(certificate.valid_until)
            ),
        );
    }
    body.push_str("</table>");

    body.push_str("<h2>三、自我评价</h2><table><tr><th>评分项目</th><td>自评分 / 说明</td></tr>");
    for item in cycle.cycle.rules.rubric.items() {
        if let Some(assessed) = form.self_assessment.get(&item.id) {
            let score = assessed.score.map_or_else(
                || "未评分".to_owned(),
                |score| format!("{score}分（满分{}分）", item.points),
            );
            let _ = write!(
                body,
                "<tr><th>{} {}</th><td>{}<br>{}</td></tr>",
                escape(&item.id),
                escape(&item.name),
                escape(&score),
                escape(&assessed.narrative)
            );
        }
    }
    body.push_str("</table>");

    body.push_str("<h2>四、主要指标</h2><table>");
    if form.key_indicators.is_empty() {
        row(&mut body, "指标", "（未填写）");
    }
    for year in &form.key_indicators {
        let _ = write!(body, "<tr><th colspan=\"2\">{}年</th></tr>", year.year);
        row(&mut body, "营业收入", &yuan(year.revenue));
        row(&mut body, "利润", &yuan(year.profit));
        row(&mut body, "纳税额", &yuan(year.taxes));
        for indicator in &year.quality_indicators {
            row(
                &mut body,
                &indicator.name,
                &format!("{}{}", indicator.value, indicator.unit),
            );
        }
    }
    body.push_str("</table>");

    body.push_str("<h2>五、产品质量检验</h2><table>");
    for inspection in &form.inspections {
        row(
            &mut body,
            &format!("{} {}", date(inspection.date), inspection.kind.label_zh()),
            if inspection.passed {
                "合格"
            } else {
                "不合格"
            },
        );
    }
    row(
        &mut body,
        "近3年抽查和出口检验全部合格（声明）",
        yes_no(form.declares_all_inspections_passed),
    );
    for award in &form.project_awards {
        row(
            &mut body,
            &format!(
                "{} {}优质工程",
                date(award.awarded_on),
                award.level.label_zh()
            ),
            &award.name,
        );
    }
    body.push_str("</table>");

    body.push_str("<h2>六、诚信与事故</h2><table>");
    let credit = match &form.credit {
        Some(award_domain::eligibility::CreditRecord::Good) => "良好".to_owned(),
        Some(award_domain::eligibility::CreditRecord::Blemished { detail }) => {
            format!("有不良记录：{detail}")
        }
        Some(award_domain::eligibility::CreditRecord::NotChecked) => "未查询".to_owned(),
        None => "未填写".to_owned(),
    };
    row(&mut body, "质量信用记录", &credit);
    for incident in &form.incidents {
        row(
            &mut body,
            &format!("{} {}", date(incident.date), incident.kind.label_zh()),
            &incident.description,
        );
    }
    row(
        &mut body,
        "近3年无事故、重大投诉和违法违规行为（声明）",
        yes_no(form.declares_no_incidents),
    );
    body.push_str("</table>");

    body.push_str("<h2>七、合规声明</h2><table>");
    let compliance = &form.compliance;
    for (label, declared) in [
        ("符合国家产业政策", compliance.industry_policy),
        ("符合环境保护法律法规", compliance.environmental),
        ("符合节能法律法规", compliance.energy),
        ("符合安全生产法律法规", compliance.work_safety),
        ("符合产品质量法律法规", compliance.quality),
    ] {
        row(&mut body, label, yes_no(Some(declared)));
    }
    body.push_str("</table>");
    body.push_str("<h2>八、申报单位承诺</h2><table>");
    row(
        &mut body,
        "生产经营正常",
        yes_no(Some(form.operating_normally)),
    );
    row(&mut body, "诚信承诺", yes_no(Some(form.integrity_pledge)));
    body.push_str("</table>");

    body.push_str("<div class=\"page\"><h2>九、推荐单位意见</h2><table>");
    row(
        &mut body,
        "推荐单位",
        recommender_name.unwrap_or("（未选择）"),
    );
    match &application.recommendation {
        Some(recommendation) => {
            row(&mut body, "推荐意见", &recommendation.opinion);
            row(&mut body, "签署人", &recommendation.signer_name);
            row(&mut body, "签署日期", &china_date(recommendation.signed_at));
        }
        None => row(&mut body, "推荐意见", "（尚未推荐）"),
    }
    body.push_str(
        "<tr><th>负责人签字</th><td></td></tr><tr><th>日期</th><td>　　年　　月　　日</td></tr>\
<tr><th>盖章处</th><td class=\"seal\"></td></tr></table></div>",
    );
    page(&format!("{} 申报表", org.name), &body)
}

fn phase_total(
    application: &Application,
    phase: ReviewPhase,
) -> Option<award_domain::rules::Centi> {
    application
        .reviews
        .get(&phase)
        .and_then(|review| review.result.as_ref())
        .map(|result| result.total)
}

/// The cycle's ranking (评审排名) and, when one was held, its publicity list (拟获奖名单公示):
/// every application past screening with its county, scores and state, highest on-site score
/// first (then the document review's).
pub fn ranking(cycle: &CycleRecord, applications: &[Application]) -> String {
    let mut ranked: Vec<&Application> = applications
        .iter()
        .filter(|application| phase_total(application, ReviewPhase::Document).is_some())
        .collect();
    ranked.sort_by(|a, b| {
        let key = |x: &Application| {
            (
                phase_total(x, ReviewPhase::Onsite),
                phase_total(x, ReviewPhase::Document),
            )
        };
        key(b).cmp(&key(a))
    });
    let mut body = format!(
        "<h1>{}<br>评审排名与公示名单</h1>",
        escape(&cycle.cycle.title)
    );
    body.push_str(
        "<h2>一、评审排名</h2><table><tr><th style=\"width:8%\">序号</th><th>单位名称</th>\
<th>统一社会信用代码</th><th>所在县（区）</th><th style=\"width:11%\">资料评审</th>\
<th style=\"width:11%\">现场评审</th><th>状态</th></tr>",
    );
    for (index, application) in ranked.iter().enumerate() {
        let code = &application.form.organisation.division_code;
        let county = award_domain::codes::division(code)
            .map(|division| division.name.to_owned())
            .unwrap_or_else(|| code.clone());
        let score = |phase| {
            phase_total(application, phase)
                .map(|total| total.to_string())
                .unwrap_or_else(|| "—".into())
        };
        let _ = write!(
            body,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            index + 1,
            escape(application.organisation_name()),
            escape(&application.uscc),
            escape(&county),
            score(ReviewPhase::Document),
            score(ReviewPhase::Onsite),
            escape(application.state().label_zh()),
        );
    }
    if ranked.is_empty() {
        body.push_str("<tr><td colspan=\"7\">（尚无评审结果）</td></tr>");
    }
    body.push_str("</table>");
    body.push_str("<h2>二、公示</h2>");
    match &cycle.decision.publicity {
        Some(publicity) => {
            let _ = write!(
                body,
                "<p>公示期：{} 至 {}（{}个工作日）。</p>",
                date_zh(publicity.first_day),
                date_zh(publicity.last_day),
                publicity.working_days
            );
        }
        None => body.push_str("<p>（本周期尚未公示）</p>"),
    }
    if let Some(meeting) = &cycle.decision.executive_meeting {
        let _ = write!(
            body,
            "<p>市政府常务会议：{}，{}（{}）。</p>",
            date_zh(meeting.date),
            escape(&meeting.session),
            escape(&meeting.minutes_reference)
        );
    }
    body.push_str("<p class=\"foot\">武威市人民政府质量奖评审委员会办公室</p>");
    page(&format!("{} 评审排名与公示名单", cycle.cycle.title), &body)
}

/// One expert's score sheet as the expert signs it on paper (Art. 11(5)–(6)): each item of the
/// cycle's rubric with the percentage given and its points, the total, the comments by category,
/// when it was submitted, and the lines for the signature and the date. `expert_name` is the
/// pool's name of the expert (its account when the pool no longer names it). A sheet never
/// submitted prints as such.
pub fn score_sheet(
    cycle: &CycleRecord,
    application: &Application,
    assignment: &Assignment,
    expert_name: &str,
) -> String {
    let phase = assignment.phase.name_zh();
    let mut body = format!(
        "<h1>{}<br>{}评分表</h1><table>",
        escape(&cycle.cycle.title),
        escape(phase)
    );
    row(&mut body, "申报单位", application.organisation_name());
    row(&mut body, "统一社会信用代码", &application.uscc);
    row(&mut body, "评审专家", expert_name);
    row(
        &mut body,
        "提交时间",
        &assignment
            .submitted_at
            .map(china_date)
            .unwrap_or_else(|| "未提交".into()),
    );
    if !assignment.counts() {
        row(
            &mut body,
            "说明",
            "该专家已退出或被取消资格，其评分不计入结果",
        );
    }
    body.push_str("</table><h2>逐项评分</h2><table><tr><th>评分项目</th><td>分值</td><td>评分（%）</td><td>得分</td></tr>");
    let mut total = 0i64;
    for item in cycle.cycle.rules.rubric.items() {
        let percent = assignment.items.get(&item.id).copied();
        let score = percent.map(|p| award_domain::scoring::item_score(p, item.points));
        total += score.map_or(0, |score| score.0);
        let _ = write!(
            body,
            "<tr><th>{} {}</th><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(&item.id),
            escape(&item.name),
            item.points,
            percent.map(|p| p.to_string()).unwrap_or_default(),
            score.map(|score| score.to_string()).unwrap_or_default()
        );
    }
    let _ = write!(
        body,
        "<tr><th>合计</th><td></td><td></td><td>{}</td></tr></table>",
        award_domain::rules::Centi(total)
    );
    if !assignment.comments.is_empty() {
        body.push_str("<h2>评语</h2><table>");
        for category in &cycle.cycle.rules.rubric.categories {
            if let Some(comment) = assignment.comments.get(&category.id) {
                row(&mut body, &category.name, comment);
            }
        }
        body.push_str("</table>");
    }
    body.push_str(
        "<p class=\"foot\">评审专家（签字）：＿＿＿＿＿＿＿＿　　日期：＿＿＿＿年＿＿月＿＿日</p>",
    );
    page(
        &format!(
            "{} {} {}",
            application.organisation_name(),
            phase,
            expert_name
        ),
        &body,
    )
}

/// The winner's certificate (荣誉证书, Arts. 5, 12): the award, the holder, the certificate number
/// and the validity; `None` for an application never awarded.
pub fn certificate(cycle: &CycleRecord, application: &Application) -> Option<String> {
    let award = application.lifecycle.award.as_ref()?;
    let validity = application.lifecycle.validity?;
    let date = date_zh;
    let body = format!(
        "<h1>荣誉证书</h1><p style=\"font-size:16pt;text-indent:2em\">{}：</p>\
<p style=\"font-size:16pt;text-indent:2em\">经评审，授予你单位“{}”。</p>\
<table><tr><th>证书编号</th><td>{}</td></tr><tr><th>统一社会信用代码</th><td>{}</td></tr>\
<tr><th>有效期</th><td>{} 至 {}</td></tr></table>\
<p class=\"foot\">武威市人民政府<br>{}</p>{}",
        escape(application.organisation_name()),
        escape(&cycle.cycle.title),
        escape(&award.certificate_number),
        escape(&application.uscc),
        date(validity.approved_on),
        date(validity.last_valid_day),
        date(validity.approved_on),
        // A revoked award's certificate is filed as revoked (Arts. 17, 18), never as valid.
        application
            .lifecycle
            .revocation
            .map(|revocation| format!(
                "<p style=\"font-size:16pt;color:#c00;border:2px solid #c00;padding:3mm;text-align:center\">\
本证书已于{}依《武威市人民政府质量奖评审管理实施办法》{}撤销</p>",
                date(revocation.revoked_on),
                revocation.ground.article_zh()
            ))
            .unwrap_or_default()
    );
    Some(page(
        &format!("荣誉证书 {}", award.certificate_number),
        &body,
    ))
}

/// The cycle's public notices (公告栏) as published, oldest first.
pub fn board(cycle: &CycleRecord, entries: &[BoardEntry]) -> String {
    let mut body = format!("<h1>{}<br>公告</h1>", escape(&cycle.cycle.title));
    if entries.is_empty() {
        body.push_str("<p>（本周期没有公告）</p>");
    }
    for entry in entries {
        let _ = write!(
            body,
            "<div class=\"page\"><h2>{}</h2>",
            escape(&entry.title)
        );
        for paragraph in entry.body.split("\n\n") {
            let _ = write!(
                body,
                "<p>{}</p>",
                escape(paragraph.trim()).replace('\n', "<br>")
            );
        }
        let _ = write!(
            body,
            "<p class=\"foot\">发布日期：{}</p></div>",
            china_date(entry.published_at)
        );
    }
    page(&format!("{} 公告", cycle.cycle.title), &body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn escaping_leaves_no_markup_of_the_applicant() {
        assert_eq!(
            super::escape("<script>alert('x')</script> & \"甲\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;甲&quot;"
        );
    }
}

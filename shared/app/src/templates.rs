//! Email templates (minijinja), embedded in the binary: for each notice a subject, a text part and
//! an HTML part (auto-escaped, the template names end in `.html`). Chinese text, as people read it.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, FixedOffset, Utc};
use minijinja::{Environment, UndefinedBehavior};

use crate::error::AppError;
use crate::model::NoticeTemplate;

/// One rendered email, ready for the Mail port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

static TEMPLATES: LazyLock<Result<Environment<'static>, minijinja::Error>> = LazyLock::new(|| {
    let mut env = Environment::new();
    // A template naming data that is not there is a bug to surface, not a blank in an email.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    for (name, source) in [
        ("layout.txt", include_str!("../templates/layout.txt")),
        ("layout.html", include_str!("../templates/layout.html")),
        (
            "application_received.subject.txt",
            include_str!("../templates/application_received.subject.txt"),
        ),
        (
            "application_received.txt",
            include_str!("../templates/application_received.txt"),
        ),
        (
            "application_received.html",
            include_str!("../templates/application_received.html"),
        ),
        (
            "document_received.subject.txt",
            include_str!("../templates/document_received.subject.txt"),
        ),
        (
            "document_received.txt",
            include_str!("../templates/document_received.txt"),
        ),
        (
            "document_received.html",
            include_str!("../templates/document_received.html"),
        ),
        (
            "document_rejected.subject.txt",
            include_str!("../templates/document_rejected.subject.txt"),
        ),
        (
            "document_rejected.txt",
            include_str!("../templates/document_rejected.txt"),
        ),
        (
            "document_rejected.html",
            include_str!("../templates/document_rejected.html"),
        ),
    ] {
        env.add_template(name, source)?;
    }
    Ok(env)
});

/// Renders `template` with `data` (string values only, as notices store them).
pub fn render(
    template: NoticeTemplate,
    data: &BTreeMap<String, String>,
) -> Result<Rendered, AppError> {
    let env = TEMPLATES
        .as_ref()
        .map_err(|error| AppError::Config(format!("email templates do not compile: {error}")))?;
    let name = template.name();
    let part = |suffix: &str| -> Result<String, AppError> {
        Ok(env
            .get_template(&format!("{name}.{suffix}"))?
            .render(data)?)
    };
    // A header must stay one line whatever the data holds.
    let subject = part("subject.txt")?
        .split(['\r', '\n'])
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    Ok(Rendered {
        subject,
        text: part("txt")?,
        html: part("html")?,
    })
}

/// An instant as people in China read it, e.g. `2026-03-01 18:30（北京时间）`.
pub fn china_time(at: DateTime<Utc>) -> String {
    match FixedOffset::east_opt(award_domain::time::CHINA_OFFSET_SECONDS) {
        Some(offset) => format!(
            "{}（北京时间）",
            at.with_timezone(&offset).format("%Y-%m-%d %H:%M")
        ),
        None => format!("{} UTC", at.format("%Y-%m-%d %H:%M")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn data(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn html_escapes_and_text_does_not() {
        let rendered = render(
            NoticeTemplate::DocumentRejected,
            &data(&[
                ("organisation_name", "<b>甲&乙</b>公司"),
                ("application_id", "01J"),
                ("file_name", "a\r\nBcc: x@y.z.pdf"),
                ("reason", "大小不符"),
            ]),
        )
        .unwrap();
        assert!(
            rendered.html.contains("&lt;b&gt;甲&amp;乙&lt;"),
            "{}",
            rendered.html
        );
        assert!(!rendered.html.contains("<b>甲"));
        assert!(rendered.text.starts_with("<b>甲&乙</b>公司："));
        assert!(!rendered.subject.contains('\n') && !rendered.subject.contains('\r'));
        assert!(rendered.subject.contains("材料未通过核验"));
    }

    #[test]
    fn missing_data_is_an_error() {
        let error = render(NoticeTemplate::DocumentReceived, &data(&[])).unwrap_err();
        assert!(matches!(error, AppError::Template(_)));
    }

    #[test]
    fn every_template_renders() {
        let all = data(&[
            ("organisation_name", "武威某某有限公司"),
            ("application_id", "01J"),
            ("cycle_title", "2026年度"),
            ("uscc", "91620600MA00000000"),
            ("application_deadline", "2026-06-30"),
            ("file_name", "质量手册.pdf"),
            ("size", "1024"),
            ("sha256", "ab"),
            ("received_at", "2026-03-01 18:30（北京时间）"),
            ("reason", "大小不符"),
        ]);
        for template in [
            NoticeTemplate::ApplicationReceived,
            NoticeTemplate::DocumentReceived,
            NoticeTemplate::DocumentRejected,
        ] {
            let rendered = render(template, &all).unwrap();
            assert!(rendered.subject.starts_with("武威市人民政府质量奖"));
            assert!(rendered.text.contains("武威某某有限公司"));
            assert!(rendered.html.contains("<html lang=\"zh-CN\">"));
        }
    }

    #[test]
    fn china_time_is_utc_plus_eight() {
        let at = Utc.with_ymd_and_hms(2026, 3, 1, 10, 30, 0).unwrap();
        assert_eq!(china_time(at), "2026-03-01 18:30（北京时间）");
    }
}

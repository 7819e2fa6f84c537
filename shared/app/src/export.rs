//! CSV exports for the Office (screening, score sheets, ranking): UTF-8 with a BOM so that Excel
//! and WPS open them in Chinese, every cell inert (no formula runs when the file is opened).

use crate::error::AppError;

/// A cell as text a spreadsheet will not evaluate: what applicants typed (a name starting with
/// `=`, `+`, `-`, `@`, a tab or a carriage return) would otherwise run as a formula when the
/// Office opens the export (CSV injection); a leading `'` makes Excel and WPS show it as text.
pub(crate) fn inert(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

/// The file `file_name` holding `rows` (the header first): `(file name, text with its BOM)`.
pub(crate) fn csv_file(
    file_name: String,
    rows: &[Vec<String>],
) -> Result<(String, String), AppError> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer
            .write_record(row.iter().map(|cell| inert(cell).into_owned()))
            .map_err(|error| {
                AppError::corrupt(format!("the export could not be written: {error}"))
            })?;
    }
    let bytes = writer
        .into_inner()
        .map_err(|error| AppError::corrupt(format!("the export did not finish: {error}")))?;
    let text = String::from_utf8(bytes)
        .map_err(|error| AppError::corrupt(format!("the export is not UTF-8: {error}")))?;
    Ok((file_name, format!("\u{FEFF}{text}")))
}

#[cfg(test)]
mod tests {
    #[test]
    fn applicant_text_never_runs_as_a_formula_in_the_export() {
        assert_eq!(
            super::inert("=HYPERLINK(\"http://x\",\"点\")"),
            "'=HYPERLINK(\"http://x\",\"点\")"
        );
        assert_eq!(super::inert("+1"), "'+1");
        assert_eq!(super::inert("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::inert("武威甲公司"), "武威甲公司");
    }
}

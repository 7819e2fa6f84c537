//! The code lists a form is filled from: administrative divisions (GB/T 2260) and industries
//! (GB/T 4754—2017), shipped as data (`data/gb2260.csv`, `data/gb4754.csv`, sources in
//! `data/README.md`) so a code is chosen from a list and shown by its name, never typed or shown
//! bare (Art. 11(2): the 申报表 is read by people).
//!
//! A code outside the list is refused where it is entered ([`crate::form`]); the lists are parsed
//! once, on first use, so a function that never validates a form never pays for them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

/// The edition of the division list, as the pages and errors name it.
pub const DIVISIONS_EDITION: &str =
    "GB/T 2260 行政区划代码（民政部2020年发布，经国家统计局2021年统计用区划代码校核）";

/// The edition of the industry list, as the pages and errors name it.
pub const INDUSTRIES_EDITION: &str = "GB/T 4754—2017《国民经济行业分类》门类和大类";

const DIVISIONS_DATA: &str = include_str!("../data/gb2260.csv");
const INDUSTRIES_DATA: &str = include_str!("../data/gb4754.csv");

/// An administrative division of the list: province (`620000`), prefecture (`620600`) or county
/// level (`620602`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Division {
    /// Six digits (GB/T 2260).
    pub code: &'static str,
    /// Its own name, e.g. `凉州区`.
    pub name: &'static str,
}

/// A GB/T 4754—2017 section (`C`) or division (`C15`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Industry {
    /// The section letter, followed for a division by its two digits.
    pub code: &'static str,
    pub name: &'static str,
}

fn rows(data: &'static str) -> impl Iterator<Item = (&'static str, &'static str)> {
    data.lines()
        .skip(1)
        .filter(|line| !line.is_empty())
        .filter_map(|line| line.split_once(','))
}

fn divisions() -> &'static BTreeMap<&'static str, &'static str> {
    static LIST: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
    LIST.get_or_init(|| rows(DIVISIONS_DATA).collect())
}

fn industries() -> &'static BTreeMap<&'static str, &'static str> {
    static LIST: OnceLock<BTreeMap<&'static str, &'static str>> = OnceLock::new();
    LIST.get_or_init(|| rows(INDUSTRIES_DATA).collect())
}

/// The division of `code` (six digits), `None` when it is not in the list.
pub fn division(code: &str) -> Option<Division> {
    divisions()
        .get_key_value(code)
        .map(|(code, name)| Division { code, name })
}

/// The division's name with the province and prefecture it lies in, as an address reads:
/// `620602` → `甘肃省武威市凉州区`, `110101` → `北京市东城区`, `429004` → `湖北省仙桃市`.
/// `None` when `code` is not in the list.
pub fn division_full_name(code: &str) -> Option<String> {
    let own = division(code)?;
    let mut name = String::new();
    let province = format!("{}0000", code.get(..2)?);
    let prefecture = format!("{}00", code.get(..4)?);
    if province != code
        && let Some(province) = division(&province)
    {
        name.push_str(province.name);
    }
    if prefecture != code
        && province != prefecture
        && let Some(prefecture) = division(&prefecture)
    {
        name.push_str(prefecture.name);
    }
    name.push_str(own.name);
    Some(name)
}

/// The section or division of `code` (`C` or `C15`), `None` when it is not in the list.
pub fn industry(code: &str) -> Option<Industry> {
    industries()
        .get_key_value(code)
        .map(|(code, name)| Industry { code, name })
}

/// Whether `code` is an industry a form may record: a division (`C15`), the level the award's
/// statistics use; a bare section letter is too coarse.
pub fn is_industry_division(code: &str) -> bool {
    code.len() == 3 && industry(code).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_county_of_wuwei_and_of_gansu_is_listed() {
        for (code, name) in [
            ("620600", "武威市"),
            ("620602", "凉州区"),
            ("620621", "民勤县"),
            ("620622", "古浪县"),
            ("620623", "天祝藏族自治县"),
        ] {
            assert_eq!(division(code).map(|d| d.name), Some(name), "{code}");
        }
        let gansu_counties = divisions()
            .keys()
            .filter(|code| code.starts_with("62") && !code.ends_with("00"))
            .count();
        // Gansu has 86 county-level divisions (17 districts, 5 county-level cities, 57 counties,
        // 7 autonomous counties).
        assert_eq!(gansu_counties, 86);
        assert_eq!(
            division_full_name("620623").as_deref(),
            Some("甘肃省武威市天祝藏族自治县")
        );
        assert_eq!(
            division_full_name("620600").as_deref(),
            Some("甘肃省武威市")
        );
        assert_eq!(division_full_name("620000").as_deref(), Some("甘肃省"));
    }

    #[test]
    fn municipalities_and_province_administered_counties_read_without_a_missing_level() {
        assert_eq!(
            division_full_name("110101").as_deref(),
            Some("北京市东城区")
        );
        assert_eq!(
            division_full_name("429004").as_deref(),
            Some("湖北省仙桃市")
        );
        assert_eq!(
            division_full_name("620200").as_deref(),
            Some("甘肃省嘉峪关市")
        );
    }

    #[test]
    fn codes_outside_the_list_are_not_found() {
        for code in [
            "",
            "620699",
            "629999",
            "000000",
            "62060",
            "6206020",
            "六二〇六〇二",
        ] {
            assert_eq!(division(code), None, "{code}");
            assert_eq!(division_full_name(code), None, "{code}");
        }
    }

    #[test]
    fn every_division_code_is_six_digits_and_unique() {
        let rows: Vec<_> = rows(DIVISIONS_DATA).collect();
        assert_eq!(rows.len(), divisions().len(), "a code listed twice");
        for (code, name) in rows {
            assert!(
                code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()),
                "{code}"
            );
            assert!(!name.is_empty() && !name.contains('-'), "{code} {name}");
        }
    }

    #[test]
    fn the_industry_list_has_the_20_sections_and_97_divisions_of_gb_t_4754_2017() {
        let sections = industries().keys().filter(|code| code.len() == 1).count();
        let divisions: Vec<_> = industries().keys().filter(|code| code.len() == 3).collect();
        assert_eq!(sections, 20);
        assert_eq!(divisions.len(), 97);
        // Each division's two digits run 01..=97 once, under the section the standard puts it in.
        for (number, code) in (1..=97).zip(&divisions) {
            assert_eq!(
                code.get(1..),
                Some(format!("{number:02}").as_str()),
                "{code}"
            );
            assert_eq!(
                crate::form::industry_section(code),
                code.chars().next(),
                "{code} under the wrong section"
            );
        }
        assert_eq!(
            industry("C15").map(|i| i.name),
            Some("酒、饮料和精制茶制造业")
        );
        assert!(is_industry_division("C15"));
        assert!(!is_industry_division("C"));
        assert!(!is_industry_division("C1515"));
        assert!(!is_industry_division("A15"));
    }
}

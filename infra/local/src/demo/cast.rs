//! The demo's people: eight Wuwei enterprises (fictional names, valid USCCs of their districts
//! and counties), two recommending units, ten experts (two of them with a recusal ground), and the
//! Office, the Review Committee and the finance bureau.

use award_domain::uscc::Uscc;
use serde::Serialize;
use serde_json::{Value, json};

/// Someone who signs in: a role, a token subject, an email and whom it stands for.
#[derive(Debug, Clone, Serialize)]
pub struct Account {
    pub role: &'static str,
    pub sub: String,
    pub email: String,
    pub name: String,
}

impl Account {
    fn new(role: &'static str, sub: &str, email: &str, name: &str) -> Self {
        Self {
            role,
            sub: sub.to_owned(),
            email: email.to_owned(),
            name: name.to_owned(),
        }
    }
}

/// What happens to an enterprise in the demo's cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Its recommending unit declines it (Art. 11(3)).
    Declined,
    /// Screening finds a failed quality sampling inspection (Art. 10(5)).
    Ineligible,
    /// Its credit record was not checked: the Office settles the check as passed (Art. 11(4)).
    SettledThenEligible,
    /// Eligible and reviewed: document review at `document` %, and if shortlisted, on-site at
    /// `onsite` % with a satisfaction survey of `survey` out of 100.
    Reviewed {
        document: u8,
        onsite: Option<(u8, u8)>,
    },
}

pub struct Enterprise {
    pub number: u32,
    pub name: &'static str,
    /// GB/T 2260 code of its district or county (凉州区 620602, 民勤县 620621, 古浪县 620622,
    /// 天祝藏族自治县 620623).
    pub division_code: &'static str,
    pub address: &'static str,
    /// The 9-character organisation code inside its USCC.
    pub organisation_code: &'static str,
    pub registration_date: &'static str,
    pub legal_representative: &'static str,
    /// GB/T 4754-2017 division (大类).
    pub industry_code: &'static str,
    pub employees: u32,
    /// Operating revenue of its latest year, yuan.
    pub revenue_yuan: i64,
    pub contact: (&'static str, &'static str, &'static str),
    /// 0: Liangzhou's county office; 1: the city's industry department.
    pub unit: usize,
    pub fate: Fate,
}

impl Enterprise {
    /// `91` (an enterprise registered with market regulation) + division + organisation code +
    /// the GB 32100 check character.
    pub fn uscc(&self) -> String {
        Uscc::with_check_character(&format!(
            "91{}{}",
            self.division_code, self.organisation_code
        ))
        .map(|uscc| uscc.as_str().to_owned())
        .unwrap_or_default()
    }

    pub fn account(&self) -> Account {
        Account::new(
            "applicant",
            &format!("applicant-{}", self.number),
            self.contact.2,
            self.name,
        )
    }
}

pub const ENTERPRISES: [Enterprise; 8] = [
    Enterprise {
        number: 1,
        name: "武威天垣乳业有限公司",
        division_code: "620602",
        address: "甘肃省武威市凉州区武南镇工业集中区6号",
        organisation_code: "MA74TY0A1",
        registration_date: "2008-05-12",
        legal_representative: "陈立新",
        industry_code: "C14",
        employees: 612,
        revenue_yuan: 512_000_000,
        contact: ("赵婷", "13909350101", "zhaoting@tianyuan-dairy.example.cn"),
        unit: 0,
        fate: Fate::Reviewed {
            document: 80,
            onsite: Some((85, 92)),
        },
    },
    Enterprise {
        number: 2,
        name: "凉州弘泰葡萄酒庄有限公司",
        division_code: "620602",
        address: "甘肃省武威市凉州区清源镇葡萄酒产业园12号",
        organisation_code: "MA74HT0B2",
        registration_date: "2011-09-20",
        legal_representative: "马文斌",
        industry_code: "C15",
        employees: 286,
        revenue_yuan: 168_000_000,
        contact: ("孙悦", "13909350202", "sunyue@hongtai-winery.example.cn"),
        unit: 0,
        fate: Fate::Reviewed {
            document: 65,
            onsite: Some((60, 80)),
        },
    },
    Enterprise {
        number: 3,
        name: "民勤沙润农产品有限公司",
        division_code: "620621",
        address: "甘肃省武威市民勤县苏武镇农产品加工园3号",
        organisation_code: "MA75RN0C3",
        registration_date: "2013-03-08",
        legal_representative: "刘建华",
        industry_code: "C13",
        employees: 174,
        revenue_yuan: 96_000_000,
        contact: ("周敏", "13909350303", "zhoumin@sharun-agri.example.cn"),
        unit: 1,
        fate: Fate::Reviewed {
            document: 45,
            onsite: None,
        },
    },
    Enterprise {
        number: 4,
        name: "古浪恒光新能源装备有限公司",
        division_code: "620622",
        address: "甘肃省武威市古浪县黄花滩生态移民区产业园18号",
        organisation_code: "MA76HG0D4",
        registration_date: "2016-07-01",
        legal_representative: "杨志强",
        industry_code: "C38",
        employees: 398,
        revenue_yuan: 735_000_000,
        contact: ("吴磊", "13909350404", "wulei@hengguang-energy.example.cn"),
        unit: 1,
        fate: Fate::Reviewed {
            document: 70,
            onsite: Some((75, 88)),
        },
    },
    Enterprise {
        number: 5,
        name: "天祝雪域牦牛食品有限公司",
        division_code: "620623",
        address: "甘肃省武威市天祝藏族自治县华藏寺镇工业园区9号",
        organisation_code: "MA77XY0E5",
        registration_date: "2010-11-15",
        legal_representative: "才让东珠",
        industry_code: "C13",
        employees: 231,
        revenue_yuan: 143_000_000,
        contact: ("卓玛", "13909350505", "zhuoma@xueyu-yak.example.cn"),
        unit: 1,
        fate: Fate::Reviewed {
            document: 75,
            onsite: Some((80, 90)),
        },
    },
    Enterprise {
        number: 6,
        name: "武威铭远精密机械有限公司",
        division_code: "620602",
        address: "甘肃省武威市凉州区工业园区经三路21号",
        organisation_code: "MA74MY0F6",
        registration_date: "2014-04-22",
        legal_representative: "王海峰",
        industry_code: "C34",
        employees: 156,
        revenue_yuan: 61_000_000,
        contact: (
            "郑洁",
            "13909350606",
            "zhengjie@mingyuan-machinery.example.cn",
        ),
        unit: 0,
        fate: Fate::SettledThenEligible,
    },
    Enterprise {
        number: 7,
        name: "武威安和药业有限公司",
        division_code: "620602",
        address: "甘肃省武威市凉州区黄羊镇医药产业园5号",
        organisation_code: "MA74AH0G7",
        registration_date: "2012-06-30",
        legal_representative: "何志远",
        industry_code: "C27",
        employees: 345,
        revenue_yuan: 221_000_000,
        contact: ("冯丽", "13909350707", "fengli@anhe-pharma.example.cn"),
        unit: 0,
        fate: Fate::Ineligible,
    },
    Enterprise {
        number: 8,
        name: "古浪青禾面粉有限公司",
        division_code: "620622",
        address: "甘肃省武威市古浪县古浪镇粮食产业园2号",
        organisation_code: "MA76QH0H8",
        registration_date: "2017-02-14",
        legal_representative: "黄永平",
        industry_code: "C13",
        employees: 88,
        revenue_yuan: 42_000_000,
        contact: ("许娜", "13909350808", "xuna@qinghe-flour.example.cn"),
        unit: 1,
        fate: Fate::Declined,
    },
];

/// The document-review percentage of enterprise 6, whose screening the Office settled: eligible,
/// but below the shortlist's bar.
pub const SETTLED_DOCUMENT_PERCENT: u8 = 40;

/// The two recommending units (Art. 11(3)): Liangzhou's county office for the enterprises
/// registered in 620602, and the city's industry department for manufacturing (section C)
/// anywhere in Wuwei.
pub fn units() -> [(Account, Value); 2] {
    let liangzhou = Account::new(
        "recommender",
        "recommender-1",
        "liangzhou@wuwei.example.cn",
        "凉州区质量发展领导小组办公室",
    );
    let industry = Account::new(
        "recommender",
        "recommender-2",
        "gxj@wuwei.example.cn",
        "武威市工业和信息化局",
    );
    let body = |account: &Account, scope: Value| {
        json!({
            "name": account.name,
            "scope": scope,
            "mailbox": account.email,
            "accounts": [account.sub],
        })
    };
    [
        (
            liangzhou.clone(),
            body(
                &liangzhou,
                json!({"kind": "county", "division_code": "620602"}),
            ),
        ),
        (
            industry.clone(),
            body(&industry, json!({"kind": "industry", "sections": ["C"]})),
        ),
    ]
}

/// The Office, the Committee and the finance bureau sign in with the runner's own mailboxes
/// (where their notices land), so that an account and its mail agree.
pub fn office() -> Account {
    Account::new(
        "office",
        "office-1",
        &crate::default_mailboxes().office,
        "评审委员会办公室（市市场监管局）",
    )
}

pub fn committee() -> Account {
    Account::new(
        "committee",
        "committee-1",
        &crate::default_mailboxes().committee,
        "评审委员会",
    )
}

pub fn finance() -> Account {
    Account::new(
        "finance",
        "finance-1",
        &crate::default_mailboxes().finance,
        "市财政局",
    )
}

/// The expert pool: name, sector, employer, GB/T 4754 sections.
const EXPERTS: [(&str, &str, &str, &[&str]); 10] = [
    ("王志刚", "university", "兰州大学管理学院", &["C", "M"]),
    ("李秀英", "association", "甘肃省质量协会", &["C"]),
    (
        "张伟",
        "research_institute",
        "甘肃省产品质量监督检验研究院",
        &["C"],
    ),
    ("刘洋", "government", "甘肃省市场监督管理局", &["C"]),
    ("陈静", "university", "兰州理工大学", &["C"]),
    ("杨光明", "media", "甘肃日报社", &["C"]),
    ("赵建军", "enterprise", "金川集团股份有限公司", &["C", "B"]),
    ("孙丽", "university", "河西学院", &["C", "A"]),
    ("周海涛", "enterprise", "武威天垣乳业有限公司", &["C"]),
    ("吴敏", "university", "甘肃农业大学", &["C", "A"]),
];

pub fn expert_account(number: usize) -> Account {
    let name = EXPERTS.get(number - 1).map_or("专家", |expert| expert.0);
    Account::new(
        "expert",
        &format!("expert-{number}"),
        &format!("expert-{number}@experts.example.cn"),
        name,
    )
}

/// The body of `POST /experts` for expert `number` (1–10) on `today` (a China date). Expert 9
/// works for enterprise 1; expert 10 left enterprise 2 a year ago, inside the 3-year recusal
/// window (Art. 19): the draw never puts them on those panels.
pub fn expert(number: usize, today: chrono::NaiveDate) -> Value {
    let (name, sector, employer, sections) = EXPERTS[number - 1];
    let own_uscc = |code: &str| {
        Uscc::with_check_character(&format!("12620100{code}"))
            .map(|uscc| uscc.as_str().to_owned())
            .unwrap_or_default()
    };
    let (employer_uscc, history) = match number {
        9 => (ENTERPRISES[0].uscc(), json!([])),
        10 => {
            let left = today - chrono::Days::new(365);
            (
                own_uscc("MB0000010"),
                json!([{
                    "employer": ENTERPRISES[1].name,
                    "uscc": ENTERPRISES[1].uscc(),
                    "from": "2015-03-01",
                    "until": left.to_string(),
                }]),
            )
        }
        _ => (own_uscc(&format!("MB0{number:06}")), json!([])),
    };
    let account = expert_account(number);
    json!({
        "account": account.sub,
        "profile": {
            "name": name,
            "sector": sector,
            "employer": employer,
            "employer_uscc": employer_uscc,
            "history": history,
            "specialities": sections,
            "email": account.email,
            "relations": [],
        }
    })
}

/// Every account of the demo, for the development sign-in page's picker.
pub fn accounts() -> Vec<Account> {
    let mut all = vec![office(), committee(), finance()];
    all.extend(units().into_iter().map(|(account, _)| account));
    all.extend(ENTERPRISES.iter().map(Enterprise::account));
    all.extend((1..=EXPERTS.len()).map(expert_account));
    all
}

pub const EXPERT_COUNT: usize = EXPERTS.len();

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_uscc_is_valid_and_in_its_division() {
        for enterprise in &ENTERPRISES {
            let uscc = enterprise.uscc();
            let parsed = Uscc::parse(&uscc).unwrap_or_else(|error| panic!("{uscc}: {error}"));
            assert_eq!(parsed.division_code(), enterprise.division_code);
        }
        for number in 1..=EXPERT_COUNT {
            let body = expert(
                number,
                chrono::NaiveDate::from_ymd_opt(2026, 5, 26).unwrap(),
            );
            let uscc = body["profile"]["employer_uscc"]
                .as_str()
                .unwrap_or_default();
            assert!(Uscc::parse(uscc).is_ok(), "expert {number}: {uscc}");
        }
    }

    #[test]
    fn every_account_is_distinct() {
        let all = accounts();
        let mut subs: Vec<&str> = all.iter().map(|account| account.sub.as_str()).collect();
        subs.sort_unstable();
        subs.dedup();
        assert_eq!(subs.len(), all.len());
        assert_eq!(all.len(), 3 + 2 + 8 + 10);
    }
}

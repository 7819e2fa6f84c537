//! `award-local demo` (issue 12): the whole 2026 cycle played into an empty data folder, then read
//! back through the API by the people it names, as a newcomer would find it on the pages.

use std::collections::BTreeMap;
use std::sync::Arc;

use award_e2e::{APPLICATION_RECEIVED_SUBJECT, AWARDED, DOCUMENT_REVIEW_ASSIGNED, outbox_emails};
use award_local::demo::cast::{Account, ENTERPRISES, Fate};
use award_local::demo::{self, CYCLE_ID};
use award_local::{Clock, Identity, LocalConfig, LocalError, ManualClock};
use chrono::{DateTime, Duration, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn after_the_demo() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-12-01T02:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

struct Reader {
    http: reqwest::Client,
    base: String,
    data: std::path::PathBuf,
    clock: ManualClock,
}

impl Reader {
    /// `GET path` as `who` (or anyone); the answer must be 200 JSON.
    async fn get(&self, who: Option<&Account>, path: &str) -> Value {
        let mut request = self.http.get(format!("{}{path}", self.base));
        if let Some(account) = who {
            let identity = Identity {
                sub: account.sub.clone(),
                email: account.email.clone(),
                roles: vec![account.role.to_owned()],
            };
            let token = award_local::mint_token(
                &self.data,
                &identity,
                self.clock.now(),
                Duration::hours(1),
            )
            .unwrap();
            request = request.bearer_auth(token);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap()
    }
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .map(|entry| entry[field].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_plays_a_whole_cycle_that_every_role_can_read_back() {
    let folder = tempfile::tempdir().unwrap();
    let data = folder.path().join("data");
    let mut stages = Vec::new();
    let summary = demo::play(LocalConfig::new(&data), |stage| {
        stages.push(stage.to_owned())
    })
    .await
    .expect("the demo plays to its end");
    assert_eq!(
        (summary.applications, summary.awards, summary.revoked),
        (8, 3, 1)
    );
    assert_eq!(stages.len(), 10, "{stages:?}");
    assert!(demo::holds_demo(&data));

    // Served again (as `serve --demo` does) on a clock after the demo.
    let clock = ManualClock::new(after_the_demo());
    let mut config = LocalConfig::new(&data);
    config.addr = "127.0.0.1:0".parse().unwrap();
    config.clock = Arc::new(clock.clone());
    let server = award_local::start(config).await.unwrap();
    let reader = Reader {
        http: reqwest::Client::new(),
        base: server.base_url(),
        data: data.clone(),
        clock,
    };
    let office = demo::cast::office();
    let name = |number: usize| ENTERPRISES[number - 1].name.to_owned();

    // The development sign-in's picker: every account, the enterprises by name.
    let accounts = reader.get(None, "/local/accounts").await;
    assert_eq!(accounts["accounts"].as_array().map(Vec::len), Some(23));
    assert!(
        accounts["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|account| account["sub"] == "applicant-4" && account["name"] == name(4).as_str()),
        "{accounts}"
    );

    // The public: the winners in certificate order, one revoked; the register's bar of 10 years
    // (Art. 17); the publicity period across National Day.
    let winners = reader
        .get(None, &format!("/public/awards/{CYCLE_ID}"))
        .await;
    assert_eq!(
        names(&winners["winners"], "organisation_name"),
        [name(1), name(5), name(4)]
    );
    assert_eq!(
        names(&winners["winners"], "status"),
        ["awarded", "awarded", "revoked"]
    );
    let register = reader.get(None, "/public/register").await;
    assert_eq!(
        register["debarments"],
        json!([{
            "article": "第十七条",
            "may_apply_again_from": "2036-11-26",
            "organisation_name": name(4),
            "revoked_on": "2026-11-25",
            "until": "2036-11-25",
            "uscc": ENTERPRISES[3].uscc(),
        }]),
        "{register}"
    );
    let publicity = reader
        .get(None, &format!("/public/publicity/{CYCLE_ID}"))
        .await;
    assert_eq!(
        (&publicity["first_day"], &publicity["last_day"]),
        (&json!("2026-09-30"), &json!("2026-10-12")),
        "{publicity}"
    );

    // The Office: where each enterprise's story ended.
    let listed = reader
        .get(Some(&office), &format!("/cycles/{CYCLE_ID}/applications"))
        .await;
    let states: BTreeMap<String, (String, String)> = listed["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|app| {
            (
                app["organisation_name"].as_str().unwrap().to_owned(),
                (
                    app["id"].as_str().unwrap().to_owned(),
                    app["state"].as_str().unwrap().to_owned(),
                ),
            )
        })
        .collect();
    let state = |number: usize| states[&name(number)].1.as_str();
    // How far each rejected one got: the unit declined 8; 2 lost at the combined evaluation.
    let rejected_at: Vec<(String, Value)> = listed["applications"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|app| app["state"] == "rejected")
        .map(|app| {
            (
                app["organisation_name"].as_str().unwrap().to_owned(),
                app["rejected_at"].clone(),
            )
        })
        .collect::<BTreeMap<_, _>>()
        .into_iter()
        .collect();
    assert_eq!(
        rejected_at,
        BTreeMap::from([
            (name(2), json!("combined_evaluation")),
            (name(8), json!("recommendation")),
        ])
        .into_iter()
        .collect::<Vec<_>>()
    );
    let id = |number: usize| states[&name(number)].0.clone();
    assert_eq!(states.len(), 8, "{listed}");
    assert_eq!(
        (1..=8).map(state).collect::<Vec<_>>(),
        [
            "awarded",
            "rejected",
            "not_shortlisted",
            "revoked",
            "awarded",
            "not_shortlisted",
            "ineligible",
            "rejected"
        ]
    );

    // Art. 19: the two conflicted experts were never drawn onto those panels; every panel is
    // complete; the experts' readings are in the access log.
    let experts = reader.get(Some(&office), "/experts").await;
    let account_of: BTreeMap<String, String> = experts["experts"]
        .as_array()
        .unwrap_or_else(|| panic!("{experts}"))
        .iter()
        .map(|expert| {
            (
                expert["id"].as_str().unwrap().to_owned(),
                expert["account"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(account_of.len(), 10);
    let panel = |view: &Value| -> Vec<String> {
        view["sheets"]
            .as_array()
            .unwrap()
            .iter()
            .map(|sheet| account_of[sheet["expert_id"].as_str().unwrap()].clone())
            .collect()
    };
    for (number, enterprise) in ENTERPRISES.iter().enumerate().map(|(i, e)| (i + 1, e)) {
        if matches!(enterprise.fate, Fate::Declined | Fate::Ineligible) {
            continue;
        }
        let view = reader
            .get(
                Some(&office),
                &format!("/applications/{}/reviews/document", id(number)),
            )
            .await;
        let members = panel(&view);
        assert_eq!(members.len(), 5, "{view}");
        assert!(
            !(number == 1 && members.contains(&"expert-9".to_owned())),
            "{members:?}"
        );
        assert!(
            !(number == 2 && members.contains(&"expert-10".to_owned())),
            "{members:?}"
        );
    }
    let log = reader
        .get(
            Some(&office),
            &format!("/applications/{}/access-log", id(1)),
        )
        .await;
    assert!(log.to_string().contains("expert"), "{log}");

    // The revoked holder sees its award revoked; the finance bureau sees the reward returned.
    let holder = ENTERPRISES[3].account();
    let own = reader
        .get(Some(&holder), &format!("/applications/{}", id(4)))
        .await;
    assert_eq!(own["lifecycle"]["state"], "revoked", "{own}");
    let rewards = reader.get(Some(&demo::cast::finance()), "/rewards").await;
    let reward_dates: Vec<(String, Value, Value, Value)> = rewards["rewards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|reward| {
            (
                reward["organisation_name"].as_str().unwrap().to_owned(),
                reward["paid_on"].clone(),
                reward["revoked_on"].clone(),
                reward["returned_on"].clone(),
            )
        })
        .collect();
    let paid = json!("2026-11-02");
    assert_eq!(
        reward_dates,
        [
            (name(1), paid.clone(), Value::Null, Value::Null),
            (name(5), paid.clone(), Value::Null, Value::Null),
            (name(4), paid, json!("2026-11-25"), json!("2026-11-30")),
        ],
        "{rewards}"
    );

    // Every stage's notices are in the outbox.
    server.settled().await;
    let emails = outbox_emails(&server.outbox());
    for enterprise in &ENTERPRISES {
        let to = [enterprise.contact.2.to_owned()];
        assert!(
            emails
                .iter()
                .any(|email| email.to == to
                    && email.subject.starts_with(APPLICATION_RECEIVED_SUBJECT)),
            "{}",
            enterprise.name
        );
        let awarded = emails
            .iter()
            .any(|email| email.to == to && email.subject.starts_with(AWARDED));
        assert_eq!(
            awarded,
            [1, 4, 5].contains(&enterprise.number),
            "{}",
            enterprise.name
        );
    }
    let assigned: Vec<_> = emails
        .iter()
        .filter(|email| email.subject.starts_with(DOCUMENT_REVIEW_ASSIGNED))
        .collect();
    assert_eq!(assigned.len(), 6 * 5, "{assigned:#?}");
    for mailbox in [
        "liangzhou@wuwei.example.cn",
        "gxj@wuwei.example.cn",
        "finance@award.wuwei.local",
        "committee@award.wuwei.local",
        "office@award.wuwei.local",
    ] {
        assert!(
            emails.iter().any(|email| email.to == [mailbox]),
            "{mailbox}"
        );
    }
    assert_eq!(emails.len(), summary.emails);
    server.shutdown().await.unwrap();

    // The demo writes into an empty folder only: a second run refuses and changes nothing.
    let again = demo::play(LocalConfig::new(&data), |_| {}).await;
    assert!(matches!(again, Err(LocalError::Config(_))), "{again:?}");
    assert_eq!(outbox_emails(&data.join("outbox")).len(), summary.emails);
}

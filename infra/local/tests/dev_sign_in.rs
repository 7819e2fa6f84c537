//! The development sign-in hands any role's token to whoever asks, so it is served only where
//! nobody else can ask: on a loopback address, or where `expose_dev_sign_in` accepts the risk.
//! Every request goes to 127.0.0.1, whatever address the runner listens on.

use std::net::SocketAddr;

use award_local::{LocalConfig, RunningServer};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn start(addr: &str, expose_dev_sign_in: bool) -> (tempfile::TempDir, RunningServer) {
    let folder = tempfile::tempdir().expect("a temporary folder");
    let mut config = LocalConfig::new(folder.path().join("data"));
    config.addr = addr.parse().expect("an address");
    config.expose_dev_sign_in = expose_dev_sign_in;
    let server = award_local::start(config).await.expect("the runner starts");
    (folder, server)
}

/// The runner through loopback, at the port it listens on.
fn loopback(server: &RunningServer) -> String {
    let port = server.address().port();
    format!("http://{}", SocketAddr::from(([127, 0, 0, 1], port)))
}

async fn sign_in(base: &str) -> (StatusCode, Value) {
    let response = reqwest::Client::new()
        .post(format!("{base}/local/sign-in"))
        .json(&json!({"roles": ["office"], "sub": "office-1", "email": "office@wuwei.example.cn"}))
        .send()
        .await
        .expect("the runner answers");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

async fn get(base: &str, path: &str, token: Option<&str>) -> (StatusCode, Value) {
    let mut request = reqwest::Client::new().get(format!("{base}{path}"));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.expect("the runner answers");
    let status = response.status();
    (status, response.json().await.expect("a JSON body"))
}

/// The sign-in answered a token the API accepts for the Office.
async fn assert_signs_in(base: &str) {
    let (status, answer) = sign_in(base).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let token = answer["token"].as_str().expect("a token");
    assert!(answer["expires_at"].is_string(), "{answer}");
    let (status, failed) = get(base, "/notices?status=failed", Some(token)).await;
    assert_eq!(
        status,
        StatusCode::OK,
        "the token is the Office's: {failed}"
    );
    let (status, accounts) = get(base, "/local/accounts", None).await;
    assert_eq!(status, StatusCode::OK, "{accounts}");
    assert_eq!(accounts["accounts"], json!([]), "no demo in this folder");
}

#[tokio::test]
async fn on_a_non_loopback_address_the_dev_sign_in_is_off_and_answers_404() {
    let (_folder, server) = start("0.0.0.0:0", false).await;
    assert!(!server.dev_sign_in());
    let base = loopback(&server);

    let (status, answer) = sign_in(&base).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(answer["code"], "dev_sign_in_off", "{answer}");
    assert!(
        answer["message_zh"]
            .as_str()
            .is_some_and(|message| message.contains("未开启开发环境登录")),
        "{answer}"
    );
    assert!(answer["message"].as_str().is_some_and(|m| !m.is_empty()));
    let (status, answer) = get(&base, "/local/accounts", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{answer}");
    assert_eq!(answer["code"], "dev_sign_in_off", "{answer}");

    // The API itself is served: a route that needs a token still asks for one.
    let (status, answer) = get(&base, "/notices?status=failed", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{answer}");
    server.shutdown().await.expect("the runner stops");
}

#[tokio::test]
async fn on_a_non_loopback_address_the_flag_serves_the_dev_sign_in() {
    let (_folder, server) = start("0.0.0.0:0", true).await;
    assert!(server.dev_sign_in());
    assert_signs_in(&loopback(&server)).await;
    server.shutdown().await.expect("the runner stops");
}

#[tokio::test]
async fn on_loopback_the_dev_sign_in_is_served_without_the_flag() {
    let (_folder, server) = start("127.0.0.1:0", false).await;
    assert!(server.dev_sign_in());
    assert_signs_in(&server.base_url()).await;
    server.shutdown().await.expect("the runner stops");
}

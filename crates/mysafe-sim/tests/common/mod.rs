//! Helpers for talking to a simulator over real sockets with plain reqwest.

#![allow(dead_code)] // each test file uses its own subset

use std::time::Duration;

use mysafe_sim::{Application, Sim, SimConfig};
use serde_json::{Value, json};

/// Every request in these tests gives up after this, so a bug cannot hang the suite.
pub const TIMEOUT: Duration = Duration::from_secs(10);

thread_local! {
    // Building a client loads the TLS roots, which is slow in debug builds. Each test
    // runs on its own thread with its own runtime, so a per-thread client never
    // outlives the runtime its pooled connections belong to.
    static HTTP: reqwest::Client = reqwest::Client::builder()
        .timeout(TIMEOUT)
        .build()
        .expect("reqwest client");
}

pub fn http() -> reqwest::Client {
    HTTP.with(Clone::clone)
}

/// A status and a decoded JSON body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

impl Reply {
    /// `exception.code` of a MySafe error.
    pub fn code(&self) -> Option<i64> {
        self.body["exception"]["code"].as_i64()
    }

    pub fn message(&self) -> &str {
        self.body["response"]["message"]
            .as_str()
            .or_else(|| self.body["message"].as_str())
            .unwrap_or_default()
    }
}

pub async fn reply(response: reqwest::Response) -> Reply {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    Reply { status, body }
}

pub async fn token_for(sim: &Sim, client_id: &str, client_secret: &str) -> String {
    let r = reply(
        http()
            .post(format!("{}/api/oauth2/token", sim.url()))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", client_secret),
            ])
            .send()
            .await
            .expect("token request"),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    r.body["access_token"]
        .as_str()
        .expect("access_token")
        .to_owned()
}

pub async fn token(sim: &Sim) -> String {
    token_for(sim, sim.client_id(), sim.client_secret()).await
}

/// An authenticated MySafe call: `method`, path under the base URL, optional JSON body.
pub async fn call(sim: &Sim, token: &str, method: &str, path: &str, body: Option<Value>) -> Reply {
    let method: reqwest::Method = method.parse().expect("method");
    let mut request = http()
        .request(method, format!("{}{path}", sim.url()))
        .bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    reply(request.send().await.expect("request")).await
}

pub fn password_body(name: &str) -> Value {
    json!({
        "name": name,
        "username": "npass",
        "password": "8jhfy@3789",
        "url": "www.senhasegura.com",
        "secret_key": "JBSWY3DPEHPK3PXP",
        "notes": "Access details",
        "tags": "tag1, tag2"
    })
}

/// Creates a password and returns its identifier.
pub async fn create_password(sim: &Sim, token: &str, name: &str) -> i64 {
    let r = call(
        sim,
        token,
        "POST",
        "/api/mysafe/password",
        Some(password_body(name)),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["password_entity"]["identifier"]
        .as_str()
        .and_then(|s| s.parse().ok())
        .expect("identifier")
}

/// A simulator with two applications, and a token for each: the default one
/// ("mine") and `other-app` ("theirs").
pub async fn two_apps() -> (Sim, String, String) {
    let other = Application {
        client_id: "other-app".into(),
        client_secret: "other-secret".into(),
        tenant: None,
    };
    let mut config = SimConfig::default();
    config.applications.push(other);
    let sim = mysafe_sim::spawn_with(config).await.unwrap();
    let mine = token(&sim).await;
    let theirs = token_for(&sim, "other-app", "other-secret").await;
    (sim, mine, theirs)
}

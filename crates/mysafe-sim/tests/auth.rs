//! The token endpoint, the bearer check and token lifetime.

mod common;

use std::time::Duration;

use common::*;
use mysafe_client::types::{ErrorBody, TokenResponse};
use mysafe_sim::{Application, SimConfig};
use serde_json::json;

async fn token_request(sim: &mysafe_sim::Sim, form: &[(&str, &str)]) -> reqwest::Response {
    token_request_at(sim, "/api/oauth2/token", form).await
}

async fn token_request_at(
    sim: &mysafe_sim::Sim,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    http()
        .post(format!("{}{path}", sim.url()))
        .form(form)
        .send()
        .await
        .expect("token request")
}

/// The form of a token request with the first application's credentials.
fn credentials(sim: &mysafe_sim::Sim) -> [(&'static str, &str); 3] {
    [
        ("grant_type", "client_credentials"),
        ("client_id", sim.client_id()),
        ("client_secret", sim.client_secret()),
    ]
}

#[tokio::test]
async fn issues_a_bearer_token_with_the_configured_lifetime() {
    let sim = mysafe_sim::spawn_with(SimConfig {
        token_ttl: Duration::from_secs(120),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let response = token_request(&sim, &credentials(&sim)).await;
    assert_eq!(response.status(), 200);
    let token: TokenResponse = response.json().await.unwrap();
    assert_eq!(token.token_type.as_deref(), Some("Bearer"));
    assert_eq!(token.expires_in, Some(120));
    assert!(token.access_token.expose().len() >= 32);
    assert_ne!(token.access_token.expose(), sim.client_secret());
    assert_eq!(sim.stats().token_requests, 1);
}

#[tokio::test]
async fn each_token_request_gets_a_different_token() {
    let sim = mysafe_sim::spawn().await.unwrap();
    assert_ne!(token(&sim).await, token(&sim).await);
}

#[tokio::test]
async fn json_token_requests_are_accepted_as_the_pages_show_them() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let r = reply(
        http()
            .post(format!("{}/api/oauth2/token", sim.url()))
            .json(&json!({
                "grant_type": "client_credentials",
                "client_id": sim.client_id(),
                "client_secret": sim.client_secret(),
            }))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
}

#[tokio::test]
async fn wrong_credentials_are_invalid_client() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let id = sim.client_id().to_owned();
    for (client_id, secret) in [(id.as_str(), "wrong"), ("nobody", sim.client_secret())] {
        let response = token_request(
            &sim,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", client_id),
                ("client_secret", secret),
            ],
        )
        .await;
        assert_eq!(response.status(), 401);
        let text = response.text().await.unwrap();
        let body: ErrorBody = serde_json::from_str(&text).unwrap();
        assert_eq!(body.error.as_deref(), Some("invalid_client"));
        assert_eq!(
            body.message.as_deref(),
            Some("Client authentication failed")
        );
        assert!(!text.contains(sim.client_secret()));
    }
}

#[tokio::test]
async fn missing_or_wrong_grant_type_is_unsupported_grant_type() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let id = sim.client_id().to_owned();
    let secret = sim.client_secret().to_owned();
    for grant in [None, Some("password"), Some("")] {
        let mut form = vec![
            ("client_id", id.as_str()),
            ("client_secret", secret.as_str()),
        ];
        if let Some(grant) = grant {
            form.push(("grant_type", grant));
        }
        let r = reply(token_request(&sim, &form).await).await;
        assert_eq!(r.status, 400, "{grant:?}");
        assert_eq!(r.body["error"], "unsupported_grant_type", "{grant:?}");
        assert!(r.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }
}

#[tokio::test]
async fn missing_credentials_are_invalid_request_naming_the_parameter() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let r = reply(
        token_request(
            &sim,
            &[("grant_type", "client_credentials"), ("client_id", "x")],
        )
        .await,
    )
    .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["error"], "invalid_request");
    assert!(r.body["hint"].as_str().unwrap().contains("client_secret"));
}

#[tokio::test]
async fn tenant_must_match_the_application() {
    let app = Application {
        client_id: "tenant-app".into(),
        client_secret: "tenant-secret".into(),
        tenant: Some("acme".into()),
    };
    let sim = mysafe_sim::spawn_with(SimConfig {
        applications: vec![app],
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let base = [
        ("grant_type", "client_credentials"),
        ("client_id", "tenant-app"),
        ("client_secret", "tenant-secret"),
    ];
    let with = |tenant: &'static str| {
        let mut form = base.to_vec();
        form.push(("tenant", tenant));
        form
    };
    assert_eq!(token_request(&sim, &with("acme")).await.status(), 200);
    assert_eq!(token_request(&sim, &with("other")).await.status(), 401);
    assert_eq!(token_request(&sim, &base).await.status(), 401);
}

#[tokio::test]
async fn an_empty_tenant_is_no_tenant() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let [grant, id, secret] = credentials(&sim);
    let form = [grant, id, secret, ("tenant", "")];
    assert_eq!(token_request(&sim, &form).await.status(), 200);
    let form = [form[0], form[1], form[2], ("tenant", "acme")];
    assert_eq!(token_request(&sim, &form).await.status(), 401);
}

#[tokio::test]
async fn mysafe_routes_need_a_valid_bearer_token() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let url = format!("{}/api/mysafe/password", sim.url());
    let attempts = [
        http().get(&url),
        http().get(&url).bearer_auth("not-a-token"),
        http()
            .get(&url)
            .basic_auth(sim.client_id(), Some(sim.client_secret())),
    ];
    for attempt in attempts {
        let r = reply(attempt.send().await.unwrap()).await;
        assert_eq!(r.status, 401);
        assert_eq!(
            r.body,
            json!({"message": "You are not authorized to access this resource."})
        );
    }
    let token = token(&sim).await;
    assert_eq!(
        call(&sim, &token, "GET", "/api/mysafe/password", None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn tokens_expire_after_their_lifetime() {
    // Long enough for the first call to land inside the lifetime on a loaded machine.
    let sim = mysafe_sim::spawn_with(SimConfig {
        token_ttl: Duration::from_millis(3000),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let token = token(&sim).await;
    assert_eq!(
        call(&sim, &token, "GET", "/api/mysafe/note", None)
            .await
            .status,
        200
    );
    tokio::time::sleep(Duration::from_millis(3100)).await;
    assert_eq!(
        call(&sim, &token, "GET", "/api/mysafe/note", None)
            .await
            .status,
        401
    );
}

#[tokio::test]
async fn revoked_tokens_are_refused_and_new_ones_work() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let old = token(&sim).await;
    sim.revoke_tokens();
    assert_eq!(
        call(&sim, &old, "GET", "/api/mysafe/secretapi", None)
            .await
            .status,
        401
    );
    let new = token(&sim).await;
    assert_eq!(
        call(&sim, &new, "GET", "/api/mysafe/secretapi", None)
            .await
            .status,
        200
    );
}

/// `now + ttl` used to panic in the request handler for a lifetime beyond the
/// clock, so every token request went unanswered.
#[tokio::test]
async fn a_lifetime_beyond_the_clock_gives_tokens_that_never_expire() {
    let sim = mysafe_sim::spawn_with(SimConfig {
        token_ttl: Duration::MAX,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    for _ in 0..2 {
        let response = token_request(&sim, &credentials(&sim)).await;
        assert_eq!(response.status(), 200);
        let token: TokenResponse = response.json().await.unwrap();
        assert_eq!(token.expires_in, Some(i64::MAX));
        let r = call(
            &sim,
            token.access_token.expose(),
            "GET",
            "/api/mysafe/note",
            None,
        )
        .await;
        assert_eq!(r.status, 200);
    }
}

#[tokio::test]
async fn the_iso_token_endpoint_issues_tokens_for_both_prefixes() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let r = reply(token_request_at(&sim, "/iso/oauth2/token", &credentials(&sim)).await).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let token = r.body["access_token"].as_str().unwrap().to_owned();
    let id = create_password(&sim, &token, "p").await;
    // An item created under /api is the same item under /iso.
    let got = call(
        &sim,
        &token,
        "GET",
        &format!("/iso/mysafe/password/{id}"),
        None,
    )
    .await;
    assert_eq!(got.status, 200, "{:?}", got.body);
    assert_eq!(got.body["password_entity"]["name"], "p");
    // Refusals are the same too.
    let refused = call(&sim, "bad-token", "GET", "/iso/mysafe/note", None).await;
    assert_eq!(refused.status, 401);
    let stats = sim.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.by_prefix["/iso"], 3);
    assert_eq!(stats.by_prefix["/api"], 1);
}

//! Kong's answers, fault injection and the request counters.

mod common;

use std::time::{Duration, Instant};

use common::*;
use mysafe_client::types::ErrorBody;
use mysafe_sim::{Fault, FaultKind, Target};
use serde_json::json;

#[tokio::test]
async fn unknown_routes_get_kongs_404_without_authentication() {
    let sim = mysafe_sim::spawn().await.unwrap();
    for (method, path) in [
        ("GET", "/"),
        ("GET", "/api/mysafe/device"),
        ("DELETE", "/api/mysafe/password/1"),
        ("GET", "/api/oauth2/token"),
        ("POST", "/api/mysafe/password/update/1"),
    ] {
        let method: reqwest::Method = method.parse().unwrap();
        let r = reply(
            http()
                .request(method.clone(), format!("{}{path}", sim.url()))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(r.status, 404, "{method} {path}");
        assert_eq!(r.body["message"], "no Route matched with those values");
        assert!(
            r.body["request_id"]
                .as_str()
                .is_some_and(|id| !id.is_empty())
        );
    }
    let stats = sim.stats();
    assert_eq!(stats.requests, 5);
    assert!(stats.by_operation.is_empty());
}

#[tokio::test]
async fn stats_count_requests_per_operation_and_reset() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let id = create_password(&sim, &token, "p").await;
    for _ in 0..3 {
        call(
            &sim,
            &token,
            "POST",
            &format!("/api/mysafe/password/inactive/{id}"),
            None,
        )
        .await;
    }
    call(&sim, "bad-token", "GET", "/api/mysafe/note", None).await;
    let stats = sim.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.requests, 6);
    let expected: Vec<(String, u64)> = [
        ("create_password", 1),
        ("disable_password", 3),
        ("get_token", 1),
        ("list_notes", 1),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    assert_eq!(stats.by_operation.into_iter().collect::<Vec<_>>(), expected);
    sim.reset_stats();
    let stats = sim.stats();
    assert_eq!(
        (
            stats.requests,
            stats.token_requests,
            stats.by_operation.len()
        ),
        (0, 0, 0)
    );
}

async fn kong_fault(kind: FaultKind, status: u16, message: &str) {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    sim.inject(Fault::once(Target::Any, kind));
    let response = http()
        .get(format!("{}/api/mysafe/password", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), status);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.message.as_deref(), Some(message));
    assert!(body.request_id.is_some_and(|id| id.len() == 32));
    // Used up: the next request goes through.
    assert_eq!(
        call(&sim, &token, "GET", "/api/mysafe/password", None)
            .await
            .status,
        200
    );
}

#[tokio::test]
async fn kong_bad_gateway() {
    kong_fault(
        FaultKind::KongBadGateway,
        502,
        "An invalid response was received from the upstream server",
    )
    .await;
}

#[tokio::test]
async fn kong_gateway_timeout() {
    kong_fault(
        FaultKind::KongGatewayTimeout,
        504,
        "The upstream server is timing out",
    )
    .await;
}

#[tokio::test]
async fn kong_service_unavailable() {
    kong_fault(
        FaultKind::KongServiceUnavailable,
        503,
        "failure to get a peer from the ring-balancer",
    )
    .await;
}

#[tokio::test]
async fn html_bad_gateway_is_a_502_html_page() {
    let sim = mysafe_sim::spawn().await.unwrap();
    sim.inject(Fault::once(Target::Any, FaultKind::HtmlBadGateway));
    let response = http()
        .get(format!("{}/anything", sim.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 502);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(content_type.starts_with("text/html"), "{content_type}");
    let text = response.text().await.unwrap();
    assert!(text.starts_with("<!doctype html>"));
    assert!(serde_json::from_str::<serde_json::Value>(&text).is_err());
}

#[tokio::test]
async fn custom_status_is_sent_as_given() {
    let sim = mysafe_sim::spawn().await.unwrap();
    sim.inject(Fault::once(
        Target::Operation("get_token".into()),
        FaultKind::Status {
            status: 500,
            content_type: "text/plain".into(),
            body: "Unexpected error.".into(),
        },
    ));
    let response = http()
        .post(format!("{}/api/oauth2/token", sim.url()))
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(response.headers()["content-type"], "text/plain");
    assert_eq!(response.text().await.unwrap(), "Unexpected error.");
}

#[tokio::test]
async fn drop_connection_is_a_transport_error_without_effects() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    sim.inject(Fault::once(
        Target::Operation("create_password".into()),
        FaultKind::DropConnection,
    ));
    let err = http()
        .post(format!("{}/api/mysafe/password", sim.url()))
        .bearer_auth(&token)
        .json(&password_body("p"))
        .send()
        .await
        .expect_err("the connection is dropped");
    assert!(!err.is_timeout() && !err.is_status(), "{err:?}");
    let list = call(&sim, &token, "GET", "/api/mysafe/password", None).await;
    assert!(
        list.body.get("password_on_list").is_none(),
        "the create did not happen"
    );
    assert_eq!(sim.stats().by_operation["create_password"], 1);
}

#[tokio::test]
async fn truncated_body_is_a_body_error_after_the_operation_ran() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let id = create_password(&sim, &token, "p").await;
    sim.inject(Fault::once(
        Target::Operation("disable_password".into()),
        FaultKind::TruncatedBody,
    ));
    let response = http()
        .post(format!("{}/api/mysafe/password/inactive/{id}", sim.url()))
        .bearer_auth(&token)
        .send()
        .await
        .expect("the headers arrive");
    assert_eq!(response.status(), 200);
    let declared: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(declared > 0);
    let err = response.bytes().await.expect_err("the body is cut short");
    assert!(err.is_body() || err.is_decode(), "{err:?}");
    // The disable happened: doing it again says so.
    let r = call(
        &sim,
        &token,
        "POST",
        &format!("/api/mysafe/password/inactive/{id}"),
        None,
    )
    .await;
    assert_eq!(r.message(), "Password has already been deactivated");
}

#[tokio::test]
async fn latency_delays_then_answers_normally() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    sim.inject(Fault::once(
        Target::Any,
        FaultKind::Latency(Duration::from_millis(300)),
    ));
    let started = Instant::now();
    let r = call(&sim, &token, "GET", "/api/mysafe/password", None).await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn latency_beyond_the_client_timeout_is_a_timeout() {
    let sim = mysafe_sim::spawn().await.unwrap();
    sim.inject(Fault::once(
        Target::Any,
        FaultKind::Latency(Duration::from_secs(5)),
    ));
    let err = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap()
        .get(format!("{}/api/mysafe/password", sim.url()))
        .send()
        .await
        .expect_err("times out");
    assert!(err.is_timeout(), "{err:?}");
}

#[tokio::test]
async fn nth_request_hits_exactly_that_request() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    sim.reset_stats();
    sim.inject(Fault::once(
        Target::NthRequest(3),
        FaultKind::KongGatewayTimeout,
    ));
    let mut statuses = Vec::new();
    for _ in 0..5 {
        statuses.push(
            call(&sim, &token, "GET", "/api/mysafe/note", None)
                .await
                .status,
        );
    }
    assert_eq!(statuses, [200, 200, 504, 200, 200]);
}

#[tokio::test]
async fn times_counts_the_hits_and_clear_faults_drops_the_rest() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    sim.inject(Fault {
        target: Target::Operation("list_notes".into()),
        kind: FaultKind::KongBadGateway,
        times: 2,
    });
    let mut statuses = Vec::new();
    for _ in 0..3 {
        statuses.push(
            call(&sim, &token, "GET", "/api/mysafe/note", None)
                .await
                .status,
        );
    }
    assert_eq!(statuses, [502, 502, 200]);
    // Other operations were never hit.
    sim.inject(Fault {
        target: Target::Any,
        kind: FaultKind::KongBadGateway,
        times: 100,
    });
    sim.clear_faults();
    assert_eq!(
        call(&sim, &token, "GET", "/api/mysafe/note", None)
            .await
            .status,
        200
    );
    let _ = json!({});
}

#[tokio::test]
async fn kong_answers_html_to_a_client_that_prefers_it() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
    let response = http()
        .get(format!("{}/nowhere", sim.url()))
        .header("accept", browser)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("no Route matched with those values")
    );

    sim.inject(Fault::once(Target::Any, FaultKind::KongGatewayTimeout));
    let response = http()
        .get(format!("{}/api/mysafe/note", sim.url()))
        .header("accept", browser)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 504);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("The upstream server is timing out")
    );

    // The generated client asks for JSON and gets it.
    let response = http()
        .get(format!("{}/nowhere", sim.url()))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-type"], "application/json");
}

#[tokio::test]
async fn oversized_bodies_get_kongs_413_and_change_nothing() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let mut body = password_body("big");
    // Just over the 1 MiB limit, so the part the server never reads stays small.
    body["notes"] = json!("x".repeat(1 << 20));
    let r = call(&sim, &token, "POST", "/api/mysafe/password", Some(body)).await;
    assert_eq!(r.status, 413);
    assert_eq!(r.body["message"], "Request size limit exceeded");
    let list = call(&sim, &token, "GET", "/api/mysafe/password", None).await;
    assert!(list.body.get("password_on_list").is_none());
}

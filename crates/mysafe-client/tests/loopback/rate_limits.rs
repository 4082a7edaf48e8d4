//! Kong's rate limit (429, `Retry-After`) and a 503 that says when to come back.

use std::time::Duration;

use mysafe_client::{Error, Secret, types};

use crate::builder;
use crate::server::{Reply, Server};

const LIMITED: &str = r#"{"message":"API rate limit exceeded"}"#;

/// Answers the token request, and `reply(n)` to the n-th other request (1-based).
async fn server(reply: impl Fn(usize) -> Reply + Send + Sync + 'static) -> Server {
    let calls = std::sync::atomic::AtomicUsize::new(0);
    Server::start(move |seen| {
        if seen.path == "/api/oauth2/token" {
            Reply::token("t0ken")
        } else {
            reply(calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1)
        }
    })
    .await
}

fn calls(server: &Server) -> Vec<crate::server::Seen> {
    server
        .seen()
        .into_iter()
        .filter(|s| s.path != "/api/oauth2/token")
        .collect()
}

const NOTES: &str = r#"{"response":{"status":200},"note_on_list":[]}"#;

/// Lists notes through `server`, which must let the call succeed in the end, and
/// returns the calls it saw, which must be two.
async fn list_notes_in_two_calls(server: &Server) -> Vec<crate::server::Seen> {
    let client = builder(&server.url()).build().unwrap();
    client.list_notes().send().await.unwrap();
    let calls = calls(server);
    assert_eq!(calls.len(), 2);
    calls
}

#[tokio::test]
async fn an_idempotent_call_waits_what_retry_after_asks_then_retries() {
    let server = server(|n| match n {
        1 => Reply::json(429, LIMITED).with("retry-after", "1"),
        _ => Reply::json(200, NOTES),
    })
    .await;
    let calls = list_notes_in_two_calls(&server).await;
    for call in &calls {
        assert_eq!(
            (call.method.as_str(), call.path.as_str()),
            ("GET", "/api/mysafe/note")
        );
        assert_eq!(call.header("authorization"), Some("Bearer t0ken"));
    }
    let waited = calls[1].at - calls[0].at;
    // The backoff alone is at most 20 ms here.
    assert!(waited >= Duration::from_secs(1), "{waited:?}");
}

#[tokio::test]
async fn an_http_date_is_a_retry_after_too() {
    let server = server(|n| match n {
        1 => {
            let soon = std::time::SystemTime::now() + Duration::from_secs(2);
            Reply::json(
                503,
                r#"{"message":"failure to get a peer from the ring-balancer"}"#,
            )
            .with("retry-after", httpdate::fmt_http_date(soon))
        }
        _ => Reply::json(200, NOTES),
    })
    .await;
    let calls = list_notes_in_two_calls(&server).await;
    // HTTP dates have whole seconds: at least one of the two is waited.
    assert!(calls[1].at - calls[0].at >= Duration::from_secs(1));
}

#[tokio::test]
async fn when_attempts_run_out_the_error_says_rate_limited() {
    let server = server(|_| Reply::json(429, LIMITED).with("retry-after", "0")).await;
    let client = builder(&server.url()).build().unwrap();
    let error = client.list_notes().send().await.unwrap_err();
    assert_eq!(calls(&server).len(), 4, "max_attempts");
    assert!(error.is_rate_limited(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), Some(429));
    assert_eq!(error.retry_after(), Some(Duration::ZERO));
    assert_eq!(
        error.to_string(),
        "rate limited (HTTP 429): API rate limit exceeded; retry after 0 s"
    );
}

#[tokio::test]
async fn a_wait_longer_than_the_policy_allows_is_reported_at_once() {
    let server = server(|_| Reply::json(429, LIMITED).with("retry-after", "3600")).await;
    let client = builder(&server.url()).build().unwrap();
    let started = std::time::Instant::now();
    let error = client.list_notes().send().await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "did not wait an hour"
    );
    assert_eq!(calls(&server).len(), 1);
    assert_eq!(
        error.retry_after(),
        Some(Duration::from_secs(3600)),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_create_is_not_retried_after_a_rate_limit() {
    let server = server(|_| Reply::json(429, LIMITED).with("retry-after", "0")).await;
    let client = builder(&server.url()).build().unwrap();
    let error = client
        .create_note()
        .body(
            types::CreateNoteRequest::builder()
                .name("n")
                .note(Secret::new("content")),
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::RateLimited { .. }), "{error:?}");
    let calls = calls(&server);
    assert_eq!(calls.len(), 1);
    assert!(
        calls[0].body.contains(r#""note":"content""#),
        "{}",
        calls[0].body
    );
}

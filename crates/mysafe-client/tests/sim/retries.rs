//! Retries: what is retried, how often, and what never is. Attempts are counted by
//! the simulator.

use std::time::{Duration, Instant};

use mysafe_client::{Error, RetryPolicy, Secret, types};
use mysafe_sim::{Fault, FaultKind, Target};

use crate::{client, fast_retries, seen};

fn on(operation: &str, kind: FaultKind, times: u32) -> Fault {
    Fault {
        target: Target::Operation(operation.to_owned()),
        kind,
        times,
    }
}

fn note() -> types::builder::CreateNoteRequest {
    types::CreateNoteRequest::builder()
        .name("n")
        .note(Secret::new("content"))
}

#[tokio::test]
async fn idempotent_calls_retry_gateway_and_transport_failures() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    client.list_notes().send().await.unwrap();

    for kind in [
        FaultKind::KongBadGateway,
        FaultKind::KongServiceUnavailable,
        FaultKind::KongGatewayTimeout,
        FaultKind::HtmlBadGateway,
        FaultKind::DropConnection,
        FaultKind::TruncatedBody,
    ] {
        sim.reset_stats();
        sim.inject(on("list_notes", kind.clone(), 2));
        client
            .list_notes()
            .send()
            .await
            .unwrap_or_else(|e| panic!("{kind:?}: {}", e));
        assert_eq!(
            seen(&sim, "list_notes"),
            3,
            "{kind:?}: two failures, then success"
        );
    }
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    client.list_notes().send().await.unwrap();
    sim.reset_stats();
    sim.inject(on("disable_password", FaultKind::KongGatewayTimeout, 100));
    let error = client
        .disable_password()
        .identifier(1)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(504));
    assert_eq!(
        seen(&sim, "disable_password"),
        u64::from(fast_retries().max_attempts)
    );
}

#[tokio::test]
async fn create_and_update_are_not_retried_after_an_ambiguous_failure() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    client.list_notes().send().await.unwrap();

    for kind in [
        FaultKind::KongBadGateway,
        FaultKind::DropConnection,
        FaultKind::TruncatedBody,
    ] {
        sim.reset_stats();
        sim.inject(on("create_note", kind.clone(), 1));
        let error = client.create_note().body(note()).send().await.unwrap_err();
        assert!(error.is_retryable(), "{kind:?}: {error:?}");
        assert_eq!(seen(&sim, "create_note"), 1, "{kind:?} must not be retried");
    }
    sim.reset_stats();
    sim.inject(on("update_note", FaultKind::KongGatewayTimeout, 1));
    client
        .update_note()
        .identifier(1)
        .body(types::UpdateNoteRequest::builder().name(Some("x".to_owned())))
        .send()
        .await
        .unwrap_err();
    assert_eq!(seen(&sim, "update_note"), 1);
}

#[tokio::test]
async fn create_retries_when_the_caller_opts_in() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim).with_retry_policy(RetryPolicy {
        retry_non_idempotent: true,
        ..fast_retries()
    });
    client.list_notes().send().await.unwrap();
    sim.reset_stats();
    sim.inject(on("create_note", FaultKind::KongBadGateway, 1));
    let created = client.create_note().body(note()).send().await.unwrap();
    assert_eq!(created.status().as_u16(), 201);
    assert_eq!(seen(&sim, "create_note"), 2);
}

#[tokio::test]
async fn the_deadline_bounds_the_whole_call() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim).with_retry_policy(RetryPolicy {
        max_attempts: 50,
        initial_backoff: Duration::from_millis(50),
        max_backoff: Duration::from_millis(50),
        deadline: Duration::from_millis(400),
        ..RetryPolicy::default()
    });
    client.list_notes().send().await.unwrap();
    sim.reset_stats();
    sim.inject(on("list_notes", FaultKind::KongBadGateway, 1000));
    let started = Instant::now();
    let error = client.list_notes().send().await.unwrap_err();
    let elapsed = started.elapsed();
    assert_eq!(error.status(), Some(502));
    let attempts = seen(&sim, "list_notes");
    assert!((2..50).contains(&attempts), "{attempts} attempts");
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");

    // A slow answer is cut at the deadline too.
    sim.clear_faults();
    sim.inject(on(
        "list_notes",
        FaultKind::Latency(Duration::from_secs(3)),
        1,
    ));
    let started = Instant::now();
    let error = client.list_notes().send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_retry_the_deadline_cuts_short_reports_the_last_answer() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim).with_retry_policy(RetryPolicy {
        max_attempts: 5,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(10),
        deadline: Duration::from_millis(300),
        ..RetryPolicy::default()
    });
    client.list_notes().send().await.unwrap();
    sim.reset_stats();
    // The first attempt gets Kong's 502; the retry is still waiting for its answer
    // when the deadline runs out.
    sim.inject(on("list_notes", FaultKind::KongBadGateway, 1));
    sim.inject(on(
        "list_notes",
        FaultKind::Latency(Duration::from_secs(3)),
        1,
    ));
    let error = client.list_notes().send().await.unwrap_err();
    assert_eq!(error.status(), Some(502), "{error:?}");
    assert!(matches!(error, Error::Gateway { .. }), "{error:?}");
    assert_eq!(seen(&sim, "list_notes"), 2);
}

#[tokio::test]
async fn client_errors_are_never_retried() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    client.list_notes().send().await.unwrap();
    sim.reset_stats();
    let error = client
        .get_note()
        .identifier(424_242)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(seen(&sim, "get_note"), 1);
}

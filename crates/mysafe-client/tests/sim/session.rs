//! The token session: one login for many calls, refresh before expiry, one refresh
//! and replay after a 401, single flight under concurrency.

use std::time::Duration;

use mysafe_client::{Error, RetryPolicy};
use mysafe_sim::{Fault, FaultKind, SimConfig, Target};

use crate::{builder, client, seen};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_calls_on_a_cold_client_log_in_once() {
    let sim = mysafe_sim::spawn().await.unwrap();
    // Slow logins widen the window in which callers pile up behind the first.
    sim.inject(Fault {
        target: Target::Operation("get_token".into()),
        kind: FaultKind::Latency(Duration::from_millis(200)),
        times: 1,
    });
    let client = client(&sim);
    let calls = (0..1000).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.list_passwords().send().await.map(|_| ()) })
    });
    let results = futures_join(calls.collect()).await;
    let failed = results.iter().filter(|r| r.is_err()).count();
    assert_eq!(
        failed,
        0,
        "first failure: {:?}",
        results.iter().find(|r| r.is_err())
    );
    assert_eq!(sim.stats().token_requests, 1);
    assert_eq!(seen(&sim, "list_passwords"), 1000);
}

async fn futures_join(
    handles: Vec<tokio::task::JoinHandle<Result<(), Error>>>,
) -> Vec<Result<(), String>> {
    let mut results = Vec::with_capacity(handles.len());
    for handle in handles {
        results.push(match handle.await {
            Ok(result) => result.map_err(|e| e.to_string()),
            Err(join) => Err(join.to_string()),
        });
    }
    results
}

#[tokio::test]
async fn tokens_are_refreshed_before_they_expire() {
    let config = SimConfig {
        token_ttl: Duration::from_secs(4),
        ..SimConfig::default()
    };
    let sim = mysafe_sim::spawn_with(config).await.unwrap();
    let client = client(&sim);
    client.list_notes().send().await.unwrap();
    client.list_notes().send().await.unwrap();
    assert_eq!(sim.stats().token_requests, 1, "the cached token is reused");
    // A 4 s token is used for half its life, so by now it is replaced before any
    // request could carry an expired one. (Half of 4 s rather than of 2 s leaves a
    // loaded CI machine a second to make the first two calls.)
    tokio::time::sleep(Duration::from_millis(2100)).await;
    client.list_notes().send().await.unwrap();
    assert_eq!(sim.stats().token_requests, 2);
    assert_eq!(
        seen(&sim, "list_notes"),
        3,
        "no request was rejected and replayed"
    );
}

#[tokio::test]
async fn a_revoked_token_is_refreshed_and_the_call_replayed_once() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    client.list_notes().send().await.unwrap();
    sim.revoke_tokens();
    sim.reset_stats();
    client.list_notes().send().await.unwrap();
    let stats = sim.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.by_operation.get("list_notes"), Some(&2), "{stats:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_callers_share_one_refresh_after_revocation() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    client.list_notes().send().await.unwrap();
    sim.revoke_tokens();
    sim.reset_stats();
    let handles: Vec<_> = (0..50)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.list_notes().send().await.map(|_| ()) })
        })
        .collect();
    for result in futures_join(handles).await {
        result.unwrap();
    }
    assert_eq!(sim.stats().token_requests, 1);
}

#[tokio::test]
async fn a_failed_login_is_reported_and_not_retried() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = builder(&sim).client_secret("wrong").build().unwrap();
    for _ in 0..3 {
        let error = client.list_notes().send().await.unwrap_err();
        assert!(error.is_auth(), "{error:?}");
    }
    // Each call made its own attempt (nothing was waiting), none retried a 401.
    assert_eq!(sim.stats().token_requests, 3);
    assert_eq!(seen(&sim, "list_notes"), 0);
}

#[tokio::test]
async fn the_login_itself_is_retried_on_gateway_errors() {
    let sim = mysafe_sim::spawn().await.unwrap();
    sim.inject(Fault {
        target: Target::Operation("get_token".into()),
        kind: FaultKind::KongBadGateway,
        times: 2,
    });
    let client = client(&sim);
    client.list_notes().send().await.unwrap();
    assert_eq!(sim.stats().token_requests, 3);

    let never = builder(&sim)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    sim.inject(Fault {
        target: Target::Operation("get_token".into()),
        kind: FaultKind::KongGatewayTimeout,
        times: 1,
    });
    let error = never.list_notes().send().await.unwrap_err();
    assert_eq!(error.status(), Some(504), "{error:?}");
    // The next call logs in again instead of repeating the old failure.
    never.list_notes().send().await.unwrap();
}

#[tokio::test]
async fn a_tenant_is_sent_with_the_login() {
    let app = mysafe_sim::Application {
        tenant: Some("acme".into()),
        ..mysafe_sim::Application::generate()
    };
    let config = SimConfig {
        applications: vec![app],
        ..SimConfig::default()
    };
    let sim = mysafe_sim::spawn_with(config).await.unwrap();
    let without = client(&sim);
    let error = without.list_notes().send().await.unwrap_err();
    assert!(error.is_auth(), "{error:?}");
    let with = builder(&sim).tenant("acme").build().unwrap();
    with.list_notes().send().await.unwrap();
}

#[tokio::test]
async fn a_fixed_bearer_token_is_sent_as_is_and_never_refreshed() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = crate::client(&sim)
        .get_token()
        .body(mysafe_client::types::TokenRequest {
            grant_type: mysafe_client::types::GrantType::ClientCredentials,
            client_id: sim.client_id().to_owned(),
            client_secret: mysafe_client::Secret::new(sim.client_secret()),
            tenant: None,
        })
        .send()
        .await
        .unwrap()
        .into_inner();
    let fixed = mysafe_client::Client::builder()
        .base_url(sim.url())
        .bearer_token(token.access_token)
        .build()
        .unwrap();
    sim.reset_stats();
    fixed.list_notes().send().await.unwrap();
    sim.revoke_tokens();
    let error = fixed.list_notes().send().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Auth {
                kind: mysafe_client::AuthFailure::TokenRejected,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(sim.stats().token_requests, 0);
    assert_eq!(seen(&sim, "list_notes"), 2, "a fixed token is not replayed");
}

#[tokio::test]
async fn odd_token_answers_fail_cleanly() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = builder(&sim)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let answer = |body: &str| Fault {
        target: Target::Operation("get_token".into()),
        kind: FaultKind::Status {
            status: 200,
            content_type: "application/json".into(),
            body: body.into(),
        },
        times: 1,
    };
    // A token "valid forever" that the server then rejects: no overflow, no panic.
    sim.inject(answer(
        r#"{"access_token":"made-up","expires_in":9223372036854775807}"#,
    ));
    let error = client.list_notes().send().await.unwrap_err();
    assert!(error.is_auth(), "{error:?}");
    // No token at all, and a token that cannot be a header value.
    sim.inject(answer(r#"{"token_type":"Bearer","expires_in":3600}"#));
    let error = client.list_notes().send().await.unwrap_err();
    assert!(
        matches!(error, Error::Undecodable { status: 200, .. }),
        "{error:?}"
    );
    sim.inject(answer("{\"access_token\":\"line\\nbreak\"}"));
    let error = client.list_notes().send().await.unwrap_err();
    assert!(matches!(error, Error::Undecodable { .. }), "{error:?}");
    assert!(!error.to_string().contains("break"), "{error}");
    // After all that, a real login works.
    client.list_notes().send().await.unwrap();
}

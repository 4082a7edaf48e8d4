//! Every error class of `mysafe_client::Error`, produced by the simulator over a
//! real socket.

use std::time::Duration;

use mysafe_client::{
    ApiCode, AuthFailure, Error, GatewayKind, Identifier, RetryPolicy, Secret, types,
};
use mysafe_sim::{Application, Fault, FaultKind, SimConfig, Target};

use crate::{builder, client};

fn on(operation: &str, kind: FaultKind, times: u32) -> Fault {
    Fault {
        target: Target::Operation(operation.to_owned()),
        kind,
        times,
    }
}

async fn new_password(client: &mysafe_client::Client, name: &str) -> Identifier {
    let created = client
        .create_password()
        .body(
            types::CreatePasswordRequest::builder()
                .name(name)
                .username("u")
                .password(Secret::new("pw")),
        )
        .send()
        .await
        .unwrap();
    created.into_inner().password_entity.identifier
}

#[tokio::test]
async fn mysafe_codes_1001_1005_1006_1009() {
    let config = SimConfig {
        applications: vec![Application::generate(), Application::generate()],
        ..SimConfig::default()
    };
    let sim = mysafe_sim::spawn_with(config).await.unwrap();
    let client = client(&sim);

    // 1005: no such password.
    let error = client
        .disable_password()
        .identifier(987_654)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_not_found(), "{error:?}");
    assert_eq!(error.status(), Some(400));
    assert!(error.to_string().contains("1005"), "{error}");

    // 1006: the password belongs to the other application.
    let other = &sim.config().applications[1];
    let owner = builder(&sim)
        .client_id(other.client_id.clone())
        .client_secret(other.client_secret.clone())
        .build()
        .unwrap();
    let theirs = new_password(&owner, "theirs").await;
    let error = client
        .disable_password()
        .identifier(&theirs)
        .send()
        .await
        .unwrap_err();
    assert!(error.is_access_denied(), "{error:?}");
    assert!(!error.is_not_found());

    // 1009: get of an inactive password.
    let mine = new_password(&client, "mine").await;
    client
        .disable_password()
        .identifier(&mine)
        .send()
        .await
        .unwrap();
    let error = client
        .get_password()
        .identifier(&mine)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.api_code(), Some(ApiCode::Inactive), "{error:?}");

    // 1001: a note over 900 characters.
    let error = client
        .create_note()
        .body(
            types::CreateNoteRequest::builder()
                .name("long")
                .note(Secret::new("x".repeat(901))),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        error.api_code(),
        Some(ApiCode::InvalidParameter),
        "{error:?}"
    );
}

#[tokio::test]
async fn code_1010_and_unknown_codes_from_the_wire() {
    // The generated client only sends numeric identifiers, so the server's 1010 is
    // replayed as an injected answer.
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    let body = r#"{"code":400,"response":{"status":400,"message":"1010: Unexpected identifier type","error":true},"exception":{"code":1010,"message":"1010: Unexpected identifier type","detail":null}}"#;
    sim.inject(on(
        "get_note",
        FaultKind::Status {
            status: 400,
            content_type: "application/json".into(),
            body: body.into(),
        },
        1,
    ));
    let error = client.get_note().identifier(1).send().await.unwrap_err();
    assert_eq!(
        error.api_code(),
        Some(ApiCode::InvalidIdentifier),
        "{error:?}"
    );

    let body = r#"{"response":{"status":400,"message":"1011: Device not found","error":true},"exception":{"code":1011,"message":"1011: Device not found"}}"#;
    sim.inject(on(
        "get_note",
        FaultKind::Status {
            status: 400,
            content_type: "application/json".into(),
            body: body.into(),
        },
        1,
    ));
    let error = client.get_note().identifier(1).send().await.unwrap_err();
    assert_eq!(error.api_code(), Some(ApiCode::Other(1011)), "{error:?}");
}

#[tokio::test]
async fn gateway_errors_carry_status_and_request_id() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim).with_retry_policy(RetryPolicy::never());
    client.list_notes().send().await.unwrap();

    for (kind, status, expected) in [
        (FaultKind::KongBadGateway, 502, GatewayKind::BadGateway),
        (
            FaultKind::KongServiceUnavailable,
            503,
            GatewayKind::Unavailable,
        ),
        (FaultKind::KongGatewayTimeout, 504, GatewayKind::Timeout),
        (FaultKind::HtmlBadGateway, 502, GatewayKind::BadGateway),
    ] {
        sim.inject(on("list_notes", kind.clone(), 1));
        let error = client.list_notes().send().await.unwrap_err();
        match &error {
            Error::Gateway {
                status: got,
                kind: got_kind,
                request_id,
                ..
            } => {
                assert_eq!((*got, *got_kind), (status, expected), "{kind:?}");
                if !matches!(kind, FaultKind::HtmlBadGateway) {
                    assert!(
                        request_id.is_some(),
                        "{kind:?}: Kong's JSON has a request id"
                    );
                }
            }
            other => panic!("{kind:?} gave {other:?}"),
        }
        assert!(error.is_retryable());
    }
}

#[tokio::test]
async fn unknown_route_is_the_gateways_404() {
    let sim = mysafe_sim::spawn().await.unwrap();
    // A base URL with a wrong path prefix: even the login hits no route.
    let client = builder(&sim)
        .base_url(format!("{}/wrong", sim.url()))
        .build()
        .unwrap();
    let error = client.list_passwords().send().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Gateway {
                status: 404,
                kind: GatewayKind::NoRoute,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_not_found() && !error.is_retryable());
}

#[tokio::test]
async fn bad_credentials_and_rejected_tokens_are_told_apart() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let wrong = builder(&sim)
        .client_secret("not-the-secret")
        .build()
        .unwrap();
    let error = wrong.list_notes().send().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Auth {
                kind: AuthFailure::BadCredentials,
                status: 401,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.to_string().contains("not-the-secret"));

    // A route that keeps rejecting the token, even a fresh one.
    let client = client(&sim);
    client.list_notes().send().await.unwrap();
    let rejected = FaultKind::Status {
        status: 401,
        content_type: "application/json".into(),
        body: r#"{"message":"You are not authorized to access this resource."}"#.into(),
    };
    sim.inject(on("list_notes", rejected, 2));
    let error = client.list_notes().send().await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::Auth {
                kind: AuthFailure::TokenRejected,
                ..
            }
        ),
        "{error:?}"
    );
}

#[tokio::test]
async fn transport_and_timeout() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    client.list_notes().send().await.unwrap();

    sim.inject(on("create_note", FaultKind::DropConnection, 1));
    let error = client
        .create_note()
        .body(
            types::CreateNoteRequest::builder()
                .name("n")
                .note(Secret::new("x")),
        )
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());

    let impatient = builder(&sim)
        .timeout(Duration::from_millis(500))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    impatient.list_notes().send().await.unwrap();
    sim.inject(on(
        "list_notes",
        FaultKind::Latency(Duration::from_secs(3)),
        1,
    ));
    let error = impatient.list_notes().send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");

    // Nothing listens on the port any more.
    let url = sim.url();
    sim.shutdown().await;
    let gone = client_at(&url);
    let error = gone.list_notes().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

fn client_at(url: &str) -> mysafe_client::Client {
    mysafe_client::Client::builder()
        .base_url(url)
        .client_id("a")
        .client_secret("b")
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

#[tokio::test]
async fn undecodable_bodies_keep_status_and_excerpt() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim).with_retry_policy(RetryPolicy::never());
    let mine = new_password(&client, "mine").await;

    let answer = |status: u16, content_type: &str, body: &str| FaultKind::Status {
        status,
        content_type: content_type.into(),
        body: body.into(),
    };
    let cases = [
        (
            answer(200, "text/html", "<html><body>Maintenance</body></html>"),
            200,
            "Maintenance",
        ),
        (answer(200, "application/json", ""), 200, "<empty body>"),
        (answer(500, "text/plain", ""), 500, "<empty body>"),
        (
            answer(
                200,
                "application/json",
                r#"{"response":{"status":200},"password_entity":{"identifier":"5","password":"leaked-pw","users_allowed":"everyone"}}"#,
            ),
            200,
            "[REDACTED]",
        ),
        (answer(400, "application/json", "[1,2]"), 400, "[1,2]"),
    ];
    for (kind, status, shown) in cases {
        sim.inject(on("get_password", kind.clone(), 1));
        let error = client
            .get_password()
            .identifier(&mine)
            .send()
            .await
            .unwrap_err();
        match &error {
            Error::Undecodable {
                status: got,
                excerpt,
                ..
            } => {
                assert_eq!(*got, status, "{kind:?}");
                assert!(excerpt.contains(shown), "{kind:?}: {excerpt}");
            }
            other => panic!("{kind:?} gave {other:?}"),
        }
        assert!(!format!("{error} {error:?}").contains("leaked-pw"));
    }

    sim.inject(on("get_password", FaultKind::TruncatedBody, 1));
    let error = client
        .get_password()
        .identifier(&mine)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Transport { .. }),
        "a body cut short: {error:?}"
    );
    assert!(!format!("{error} {error:?}").contains("\"pw\""));
}

//! Every operation through the generated client: the simulator's answers have the
//! statuses and shapes the spec gives, as the client decodes them.

mod common;

use common::TIMEOUT;
use mysafe_client::types::{
    CreateApiSecretRequest, CreateNoteRequest, CreatePasswordRequest, GrantType, TokenRequest,
    UpdateApiSecretRequest, UpdateNoteRequest, UpdatePasswordRequest,
};
use mysafe_client::{AuthFailure, Client, Error, RetryPolicy, Secret};

async fn authed_client(sim: &mysafe_sim::Sim) -> Client {
    // The client logs in by itself (the generated `get_token`, through its hooks).
    Client::builder()
        .base_url(sim.url())
        .client_id(sim.client_id())
        .client_secret(sim.client_secret())
        .timeout(TIMEOUT)
        .build()
        .expect("client")
}

/// The MySafe code of an error answer, which must be a 400 the spec declares.
fn mysafe_code<T: std::fmt::Debug>(result: Result<T, Error>) -> i32 {
    match result {
        Err(Error::Api { status, code, .. }) => {
            assert_eq!(status, 400);
            i32::try_from(code.code()).expect("a four-digit code")
        }
        other => panic!("expected a MySafe error, got {other:?}"),
    }
}

#[tokio::test]
async fn passwords() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = authed_client(&sim).await;
    let created = client
        .create_password()
        .body(CreatePasswordRequest {
            groups_allowed: vec![],
            name: "db".parse().unwrap(),
            notes: None,
            password: Secret::new("pw"),
            secret_key: None,
            tags: Some("prod".into()),
            url: None,
            username: "admin".parse().unwrap(),
            users_allowed: vec![],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = i64::try_from(&created.password_entity.identifier).unwrap();

    let listed = client.list_passwords().tag("prod").send().await.unwrap();
    assert_eq!(listed.password_on_list.len(), 1);
    let got = client.get_password().identifier(id).send().await.unwrap();
    assert_eq!(
        got.password_entity.password.as_ref().map(Secret::expose),
        Some("pw")
    );
    let updated = client
        .update_password()
        .identifier(id)
        .body(UpdatePasswordRequest {
            password: Some(Secret::new("pw2")),
            ..UpdatePasswordRequest::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.status(), 200);
    let disabled = client
        .disable_password()
        .identifier(id)
        .send()
        .await
        .unwrap();
    assert_eq!(
        disabled.response.message.as_deref(),
        Some("Password successfully deactivated")
    );
    assert_eq!(
        mysafe_code(client.get_password().identifier(id).send().await),
        1009
    );
    let enabled = client
        .enable_password()
        .identifier(id)
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.status(), 200);
    assert_eq!(
        mysafe_code(client.get_password().identifier(id + 100).send().await),
        1005
    );
}

#[tokio::test]
async fn notes() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = authed_client(&sim).await;
    let created = client
        .create_note()
        .body(CreateNoteRequest {
            groups_allowed: vec![],
            name: "n".parse().unwrap(),
            note: Secret::new("content"),
            tags: None,
            users_allowed: vec![],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = i64::try_from(&created.note_entity.identifier).unwrap();
    assert_eq!(
        client
            .list_notes()
            .name("n")
            .send()
            .await
            .unwrap()
            .note_on_list
            .len(),
        1
    );
    let got = client.get_note().identifier(id).send().await.unwrap();
    assert_eq!(
        got.note_entity.note.as_ref().map(Secret::expose),
        Some("content")
    );
    let too_long = client
        .update_note()
        .identifier(id)
        .body(UpdateNoteRequest {
            note: Some(Secret::new("x".repeat(901))),
            ..UpdateNoteRequest::default()
        })
        .send()
        .await;
    assert_eq!(mysafe_code(too_long), 1001);
    client.disable_note().identifier(id).send().await.unwrap();
    let again = client.disable_note().identifier(id).send().await.unwrap();
    assert_eq!(
        again.response.message.as_deref(),
        Some("Note has already been deactivated")
    );
    client.enable_note().identifier(id).send().await.unwrap();
}

#[tokio::test]
async fn api_secrets() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = authed_client(&sim).await;
    let created = client
        .create_api_secret()
        .body(CreateApiSecretRequest {
            client_id: "cid".parse().unwrap(),
            client_secret: Some(Secret::new("cs")),
            groups_allowed: vec![],
            identifier_code: Some("code".into()),
            method: None,
            name: "api".parse().unwrap(),
            notes: None,
            tags: None,
            url: "https://api.example".parse().unwrap(),
            users_allowed: vec![],
        })
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let id = i64::try_from(&created.api_entity.identifier).unwrap();
    let listed = client
        .list_api_secrets()
        .identifier_code("code")
        .send()
        .await
        .unwrap();
    assert_eq!(listed.api_secret_on_list.len(), 1);
    let got = client.get_api_secret().identifier(id).send().await.unwrap();
    assert_eq!(
        got.api_secret_entity
            .client_secret
            .as_ref()
            .map(Secret::expose),
        Some("cs")
    );
    let updated = client
        .update_api_secret()
        .identifier(id)
        .body(UpdateApiSecretRequest {
            notes: Some("rotated".into()),
            ..UpdateApiSecretRequest::default()
        })
        .send()
        .await
        .unwrap();
    assert_eq!(updated.api_entity.notes.as_deref(), Some("rotated"));
    client
        .disable_api_secret()
        .identifier(id)
        .send()
        .await
        .unwrap();
    client
        .enable_api_secret()
        .identifier(id)
        .send()
        .await
        .unwrap();
    let stats = sim.stats();
    let operations: Vec<&str> = stats.by_operation.keys().map(String::as_str).collect();
    assert_eq!(
        operations,
        [
            "create_api_secret",
            "disable_api_secret",
            "enable_api_secret",
            "get_api_secret",
            "get_token",
            "list_api_secrets",
            "update_api_secret"
        ]
    );
}

#[tokio::test]
async fn gateway_and_auth_errors_decode_as_the_error_body() {
    let sim = mysafe_sim::spawn().await.unwrap();
    // A token the simulator never issued, sent as is: no login, no refresh, and no
    // retry, so each answer below is the simulator's first.
    let anonymous = Client::builder()
        .base_url(sim.url())
        .bearer_token("not-a-token")
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    match anonymous.list_notes().send().await {
        Err(Error::Auth {
            status: 401,
            kind: AuthFailure::TokenRejected,
            message,
        }) => {
            assert_eq!(message, "You are not authorized to access this resource.");
        }
        other => panic!("expected 401, got {other:?}"),
    }
    let refused = anonymous
        .get_token()
        .body(TokenRequest {
            grant_type: GrantType::ClientCredentials,
            client_id: sim.client_id().into(),
            client_secret: Secret::new("wrong"),
            tenant: None,
        })
        .send()
        .await;
    match refused {
        Err(Error::Auth {
            status: 401,
            kind: AuthFailure::BadCredentials,
            message,
        }) => {
            assert!(message.starts_with("invalid_client: "), "{message}");
        }
        other => panic!("expected invalid_client, got {other:?}"),
    }
    sim.inject(mysafe_sim::Fault::once(
        mysafe_sim::Target::Any,
        mysafe_sim::FaultKind::KongGatewayTimeout,
    ));
    match anonymous.list_notes().send().await {
        Err(Error::Gateway {
            status: 504,
            request_id,
            ..
        }) => {
            assert!(request_id.is_some());
        }
        other => panic!("expected 504, got {other:?}"),
    }
}

/// The spec's `minLength: 1` on the fields create refuses empty (1001 "was not
/// informed"): the generated builders refuse an empty value before any request,
/// naming the field. (`password` and `note` are `Secret`s, which the server checks.)
#[tokio::test]
async fn an_empty_required_field_is_refused_before_any_request() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = authed_client(&sim).await;
    let error = client
        .create_password()
        .body(
            CreatePasswordRequest::builder()
                .name("")
                .username("admin")
                .password(Secret::new("pw")),
        )
        .send()
        .await
        .expect_err("an empty name");
    let Error::InvalidRequest(message) = &error else {
        panic!("expected InvalidRequest, got {error:?}");
    };
    assert!(
        message.contains("name") && message.contains("shorter than 1"),
        "{message}"
    );
    for empty in [
        "".parse::<mysafe_client::types::CreateNoteRequestName>()
            .err(),
        "".parse::<mysafe_client::types::CreateApiSecretRequestUrl>()
            .err(),
        "".parse::<mysafe_client::types::CreateApiSecretRequestClientId>()
            .err(),
        "".parse::<mysafe_client::types::CreatePasswordRequestUsername>()
            .err(),
    ] {
        assert!(empty.is_some());
    }
    assert_eq!(
        sim.stats().requests,
        0,
        "nothing was sent, not even a token request"
    );

    // A body that skips the types (here, raw JSON) still gets the server's 1001.
    let token = common::token(&sim).await;
    let r = common::call(
        &sim,
        &token,
        "POST",
        "/api/mysafe/password",
        Some(serde_json::json!({"name": "", "username": "u", "password": "p"})),
    )
    .await;
    assert_eq!(r.code(), Some(1001));
    assert_eq!(r.message(), "1001: Parameter 'name' was not informed!");
}

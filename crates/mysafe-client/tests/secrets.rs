//! A full session (login, every kind of call, a refresh, failures) must not show any
//! secret in its logs, its `Debug` output or its error messages.
//!
//! A test binary of its own, with the global subscriber of `support/logs.rs`.

use std::time::Duration;

use mysafe_client::{Client, ClientBuilder, Error, RetryPolicy, Secret, types};
use mysafe_sim::{Fault, FaultKind, Sim, Target};

#[path = "support/logs.rs"]
mod logs;

fn builder(sim: &Sim) -> ClientBuilder {
    Client::builder()
        .base_url(sim.url())
        .client_id(sim.client_id())
        .client_secret(sim.client_secret())
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            ..RetryPolicy::default()
        })
}

fn client(sim: &Sim) -> Client {
    builder(sim).build().unwrap()
}

const PASSWORD: &str = "pw-Zq8!correct-horse";
const TOTP_SEED: &str = "JBSWY3DPEHPK3PXP";
const NOTE: &str = "note-body-4711-private";
const API_SECRET: &str = "api-secret-0xfeedface";
const LEAKED_TOKEN: &str = "leaked-token-value-1f2e3d";

/// (operation, status, body): success bodies of the wrong shape that carry every
/// kind of secret the spec names, and statuses the spec does not document whose
/// bodies carry them too.
fn failing_answers() -> Vec<(&'static str, u16, String)> {
    vec![
        (
            "get_password",
            200,
            format!(
                r#"{{"response":{{"status":200}},"password_entity":{{"identifier":"1","password":"{PASSWORD}","secret_key":"{TOTP_SEED}","token":"{LEAKED_TOKEN}","users_allowed":"everyone"}}}}"#
            ),
        ),
        (
            "get_password",
            200,
            format!(
                r#"{{"response":{{"status":"ok"}},"password_entity":{{"identifier":"1","password":"{PASSWORD}"}}}}"#
            ),
        ),
        (
            "get_api_secret",
            200,
            format!(
                r#"{{"response":{{"status":200}},"api_secret_entity":{{"identifier":"1","client_secret":"{API_SECRET}","tags":7}}}}"#
            ),
        ),
        (
            "get_note",
            200,
            format!(
                r#"{{"response":{{"status":200}},"note_entity":{{"identifier":"1","note":"{NOTE}","users_allowed":{{}}}}}}"#
            ),
        ),
        (
            "get_password",
            418,
            format!(r#"{{"message":"teapot","password":"{PASSWORD}"}}"#),
        ),
        (
            "get_password",
            451,
            format!(r#"[{{"password":"{PASSWORD}"}}]"#),
        ),
        (
            "get_api_secret",
            429,
            format!(r#"{{"message":"API rate limit exceeded","client_secret":"{API_SECRET}"}}"#),
        ),
    ]
}

#[tokio::test]
async fn a_full_session_leaks_no_secret() {
    let captured = logs::capture();

    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    let mut shown = Vec::<String>::new();
    let mut tokens = Vec::<String>::new();

    shown.push(format!("{client:?}"));
    shown.push(format!("{:?}", builder(&sim)));

    let created = client
        .create_password()
        .body(
            types::CreatePasswordRequest::builder()
                .name("db")
                .username("admin")
                .password(Secret::new(PASSWORD))
                .secret_key(Secret::new(TOTP_SEED)),
        )
        .send()
        .await
        .unwrap();
    shown.push(format!("{created:?}"));
    let id = created.password_entity.identifier.clone();
    let got = client.get_password().identifier(&id).send().await.unwrap();
    assert_eq!(
        got.password_entity.password.as_ref().unwrap().expose(),
        PASSWORD
    );
    shown.push(format!("{got:?} {:#?}", got.password_entity));

    let note = client
        .create_note()
        .body(
            types::CreateNoteRequest::builder()
                .name("n")
                .note(Secret::new(NOTE)),
        )
        .send()
        .await
        .unwrap();
    let note_id = note.note_entity.identifier.clone();
    shown.push(format!(
        "{:?}",
        client.get_note().identifier(&note_id).send().await.unwrap()
    ));
    let api = client
        .create_api_secret()
        .body(
            types::CreateApiSecretRequest::builder()
                .name("a")
                .url("https://a.example.com")
                .client_id("a")
                .client_secret(Secret::new(API_SECRET)),
        )
        .send()
        .await
        .unwrap();
    let api_id = api.api_entity.identifier.clone();
    shown.push(format!(
        "{:?}",
        client
            .get_api_secret()
            .identifier(&api_id)
            .send()
            .await
            .unwrap()
    ));

    // A token fetched by hand through the same hooks, and a refresh after revocation.
    let token = client
        .get_token()
        .body(types::TokenRequest {
            grant_type: types::GrantType::ClientCredentials,
            client_id: sim.client_id().to_owned(),
            client_secret: Secret::new(sim.client_secret()),
            tenant: None,
        })
        .send()
        .await
        .unwrap();
    tokens.push(token.access_token.expose().to_owned());
    shown.push(format!("{token:?}"));
    sim.revoke_tokens();
    client.list_passwords().send().await.unwrap();

    // Failures: retried gateway errors, an answer that fails to decode with the
    // password in it, bad credentials.
    sim.inject(Fault {
        target: Target::Operation("get_password".into()),
        kind: FaultKind::KongBadGateway,
        times: 1,
    });
    client.get_password().identifier(&id).send().await.unwrap();
    // Answers that hold secrets and do not decode, or come with a status the
    // spec does not document: `{}` and `{:?}` of exactly what `send()` returned.
    let retry_never = client.with_retry_policy(RetryPolicy::never());
    for (operation, status, body) in failing_answers() {
        sim.inject(Fault {
            target: Target::Operation(operation.into()),
            kind: FaultKind::Status {
                status,
                content_type: "application/json".into(),
                body: body.clone(),
            },
            times: 1,
        });
        let error = match operation {
            "get_password" => retry_never
                .get_password()
                .identifier(&id)
                .send()
                .await
                .map(|_| ()),
            "get_api_secret" => retry_never
                .get_api_secret()
                .identifier(&api_id)
                .send()
                .await
                .map(|_| ()),
            "get_note" => retry_never
                .get_note()
                .identifier(&note_id)
                .send()
                .await
                .map(|_| ()),
            other => unreachable!("{other}"),
        }
        .unwrap_err();
        if status == 200 {
            assert!(
                matches!(error, Error::Undecodable { status: 200, .. }),
                "{body}: {error:?}"
            );
        }
        shown.push(format!("{error} {error:?}"));
    }
    // A token answer that does not decode, with the token in it.
    sim.inject(Fault {
        target: Target::Operation("get_token".into()),
        kind: FaultKind::Status {
            status: 200,
            content_type: "application/json".into(),
            body: format!(r#"{{"access_token":"{LEAKED_TOKEN}","expires_in":"soon"}}"#),
        },
        times: 1,
    });
    let error = builder(&sim)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
        .list_notes()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Undecodable { .. }), "{error:?}");
    shown.push(format!("{error} {error:?}"));
    let wrong = builder(&sim)
        .client_secret("wrong-secret-value")
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let error = wrong.list_notes().send().await.unwrap_err();
    shown.push(format!("{error} {error:?} {wrong:?}"));

    let logs = captured.text();
    if std::env::var_os("SHOW_LOGS").is_some() {
        eprintln!("{logs}");
    }
    assert!(
        logs.contains("operation=\"get_password\""),
        "spans carry the operation:\n{logs}"
    );
    assert!(
        logs.contains("attempts=2"),
        "the retried call is traced:\n{logs}"
    );

    let secrets = [
        sim.client_secret(),
        "wrong-secret-value",
        PASSWORD,
        TOTP_SEED,
        NOTE,
        API_SECRET,
        LEAKED_TOKEN,
    ];
    let all = format!("{logs}\n{}", shown.join("\n"));
    for secret in secrets
        .iter()
        .copied()
        .chain(tokens.iter().map(String::as_str))
    {
        assert!(!all.contains(secret), "a secret leaked: {secret}");
    }
    // The session's own tokens are not known to the test; every simulator token is
    // 64 hex digits, and none may appear.
    assert!(
        !has_hex_run(&all, 40),
        "something token-like leaked:\n{all}"
    );
}

fn has_hex_run(text: &str, length: usize) -> bool {
    let mut run = 0;
    for c in text.chars() {
        run = if c.is_ascii_hexdigit() { run + 1 } else { 0 };
        if run >= length {
            return true;
        }
    }
    false
}

//! Every operation of the spec, through the generated client and the hooks.

use mysafe_client::{Outcome, Secret, types};

use crate::{client, seen};

/// Disable, disable again, enable, enable again: the first of each pair changes the
/// state, the second is a 200 that finds it already so.
macro_rules! assert_toggles {
    ($client:expr, $disable:ident, $enable:ident, $identifier:expr) => {
        for (step, expected) in [
            ("disable", Outcome::Changed),
            ("disable again", Outcome::AlreadySo),
            ("enable", Outcome::Changed),
            ("enable again", Outcome::AlreadySo),
        ] {
            let answer = if step.starts_with("disable") {
                $client.$disable().identifier($identifier).send().await
            } else {
                $client.$enable().identifier($identifier).send().await
            }
            .unwrap();
            assert_eq!(answer.status().as_u16(), 200, "{step}");
            assert_eq!(answer.outcome(), expected, "{step}");
        }
    };
}

#[tokio::test]
async fn passwords_full_cycle() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);

    let created = client
        .create_password()
        .body(
            types::CreatePasswordRequest::builder()
                .name("db-prod")
                .username("admin")
                .password(Secret::new("pw-one"))
                .url(Some("https://db.example.com".to_owned()))
                .tags(Some("prod".to_owned())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let identifier = created.password_entity.identifier.clone();

    let listed = client.list_passwords().tag("prod").send().await.unwrap();
    let names: Vec<_> = listed
        .password_on_list
        .iter()
        .filter_map(|p| p.name.clone())
        .collect();
    assert_eq!(names, ["db-prod"]);

    let got = client
        .get_password()
        .identifier(&identifier)
        .send()
        .await
        .unwrap();
    let entity = &got.password_entity;
    assert_eq!(entity.password.as_ref().map(Secret::expose), Some("pw-one"));
    assert_eq!(entity.username.as_deref(), Some("admin"));

    let updated = client
        .update_password()
        .identifier(&identifier)
        .body(types::UpdatePasswordRequest::builder().password(Secret::new("pw-two")))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.password_entity.identifier, identifier);
    let got = client
        .get_password()
        .identifier(&identifier)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.password_entity.password.as_ref().map(Secret::expose),
        Some("pw-two")
    );

    assert_toggles!(client, disable_password, enable_password, &identifier);

    for op in [
        "create_password",
        "list_passwords",
        "get_password",
        "update_password",
        "disable_password",
        "enable_password",
    ] {
        assert!(seen(&sim, op) >= 1, "{op} never reached the simulator");
    }
    assert_eq!(
        sim.stats().token_requests,
        1,
        "one login for the whole session"
    );
}

#[tokio::test]
async fn notes_full_cycle() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);

    let created = client
        .create_note()
        .body(
            types::CreateNoteRequest::builder()
                .name("recovery codes")
                .note(Secret::new("1111 2222 3333")),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let identifier = created.note_entity.identifier.clone();

    let listed = client.list_notes().send().await.unwrap();
    assert!(
        listed
            .note_on_list
            .iter()
            .any(|n| n.identifier == identifier)
    );

    let got = client
        .get_note()
        .identifier(&identifier)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.note_entity.note.as_ref().map(Secret::expose),
        Some("1111 2222 3333")
    );

    client
        .update_note()
        .identifier(&identifier)
        .body(types::UpdateNoteRequest::builder().name(Some("old recovery codes".to_owned())))
        .send()
        .await
        .unwrap();
    let got = client
        .get_note()
        .identifier(&identifier)
        .send()
        .await
        .unwrap();
    assert_eq!(got.note_entity.name.as_deref(), Some("old recovery codes"));

    assert_toggles!(client, disable_note, enable_note, &identifier);
}

#[tokio::test]
async fn api_secrets_full_cycle() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);

    let created = client
        .create_api_secret()
        .body(
            types::CreateApiSecretRequest::builder()
                .name("billing")
                .url("https://billing.example.com")
                .client_id("billing-app")
                .client_secret(Secret::new("billing-secret"))
                .identifier_code(Some("billing-1".to_owned())),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status().as_u16(), 201);
    let identifier = created.api_entity.identifier.clone();

    let listed = client.list_api_secrets().send().await.unwrap();
    assert!(
        listed
            .api_secret_on_list
            .iter()
            .any(|s| s.identifier == identifier)
    );

    let got = client
        .get_api_secret()
        .identifier(&identifier)
        .send()
        .await
        .unwrap();
    let entity = &got.api_secret_entity;
    assert_eq!(entity.client_id.as_deref(), Some("billing-app"));
    assert_eq!(
        entity.client_secret.as_ref().map(Secret::expose),
        Some("billing-secret")
    );

    let updated = client
        .update_api_secret()
        .identifier(&identifier)
        .body(types::UpdateApiSecretRequest::builder().notes(Some("rotated".to_owned())))
        .send()
        .await
        .unwrap();
    assert_eq!(updated.api_entity.identifier, identifier);

    assert_toggles!(client, disable_api_secret, enable_api_secret, &identifier);
}

#[tokio::test]
async fn the_token_operation_itself_goes_through_the_hooks_without_a_bearer() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
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
    assert!(!token.access_token.expose().is_empty());
    assert_eq!(token.expires_in, Some(3600));
    assert_eq!(sim.stats().token_requests, 1, "no login before the login");
}

/// An entry of a list goes straight into the next call, and what `send()` fails
/// with is the crate's `Error`.
#[tokio::test]
async fn identifiers_chain_from_a_list_into_a_disable() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    for name in ["leaked-1", "leaked-2"] {
        client
            .create_password()
            .body(
                types::CreatePasswordRequest::builder()
                    .name(name)
                    .username("u")
                    .password(Secret::new("pw"))
                    .tags(Some("leaked".to_owned())),
            )
            .send()
            .await
            .unwrap();
    }
    let listed = client.list_passwords().tag("leaked").send().await.unwrap();
    assert_eq!(listed.password_on_list.len(), 2);
    for entry in listed.into_inner().password_on_list {
        let answer = client
            .disable_password()
            .identifier(entry.identifier)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.outcome(), Outcome::Changed);
    }
    let listed = client.list_passwords().tag("leaked").send().await.unwrap();
    assert!(listed.password_on_list.is_empty(), "both are inactive now");

    // The README's promise: the error type of `send()` is `mysafe_client::Error`.
    let e: mysafe_client::Error = client
        .disable_password()
        .identifier(10)
        .send()
        .await
        .unwrap_err();
    assert!(e.is_not_found(), "{e:?}");
}

#[tokio::test]
async fn an_identifier_that_is_not_a_number_fails_before_anything_is_sent() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = client(&sim);
    let wrong = mysafe_client::Identifier::new("abc");
    let error = client
        .disable_password()
        .identifier(&wrong)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(error, mysafe_client::Error::InvalidRequest(_)),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        r#"invalid request: conversion to `i64` for identifier failed: identifier "abc" is not an integer"#
    );
    assert_eq!(
        sim.stats().requests,
        0,
        "nothing was sent, not even a login"
    );
}

#[test]
fn calls_can_be_spawned() {
    // The hooks' futures must be Send, or no one could `tokio::spawn` a call.
    fn send<T: Send>(_: &T) {}
    let client = mysafe_client::Client::builder()
        .base_url("http://127.0.0.1:9")
        .client_id("a")
        .client_secret("b")
        .build()
        .unwrap();
    let call = client.disable_password().identifier(1).send();
    send(&call);
}

/// A client built with `route_prefix("/iso")` sends every call there, the token
/// request included, and nothing under the spec's own `/api`.
#[tokio::test]
async fn every_call_goes_under_the_chosen_route_prefix() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = crate::builder(&sim).route_prefix("/iso").build().unwrap();

    let created = client
        .create_note()
        .body(
            types::CreateNoteRequest::builder()
                .name("iso-note")
                .note(Secret::new("body")),
        )
        .send()
        .await
        .unwrap();
    let identifier = created.into_inner().note_entity.identifier;
    client
        .get_note()
        .identifier(identifier.clone())
        .send()
        .await
        .unwrap();
    let disabled = client
        .disable_note()
        .identifier(identifier)
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.outcome(), Outcome::Changed);
    client.list_notes().send().await.unwrap();

    let stats = sim.stats();
    assert_eq!(stats.by_prefix.get("/iso"), Some(&5), "{stats:?}");
    assert_eq!(stats.by_prefix.get("/api"), None, "{stats:?}");
    assert_eq!(stats.token_requests, 1);
    assert_eq!(seen(&sim, "disable_note"), 1);
}

#[test]
fn a_route_prefix_the_spec_does_not_list_is_refused() {
    let error = mysafe_client::Client::builder()
        .base_url("https://h")
        .client_id("app")
        .client_secret("s")
        .route_prefix("/v2")
        .build()
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains(r#"route prefix "/v2" is not one"#),
        "{error}"
    );
}

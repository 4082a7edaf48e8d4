//! The API secret operations: success paths and every documented error.

mod common;

use common::*;
use mysafe_client::types::{ApiSecretListResponse, ApiSecretResponse, ApiSecretWriteResponse};
use serde_json::{Value, json};

fn secret_body(name: &str, code: &str) -> Value {
    json!({
        "name": name,
        "url": "https://gcp.com",
        "client_id": "gf455f7g8fb5dfg8fd545bffbv",
        "client_secret": "gf5464g8fds",
        "identifier_code": code,
        "tags": "Cloud",
        "method": "get",
        "users_allowed": [{"username": "pduarte", "can_edit": true}]
    })
}

async fn create(sim: &mysafe_sim::Sim, token: &str, name: &str, code: &str) -> String {
    let r = call(
        sim,
        token,
        "POST",
        "/api/mysafe/secretapi",
        Some(secret_body(name, code)),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["api_entity"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn create_get_list_update_and_toggle() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;

    let r = call(
        &sim,
        &token,
        "POST",
        "/api/mysafe/secretapi",
        Some(secret_body("GCP", "hyga125")),
    )
    .await;
    assert_eq!(r.status, 201);
    let created: ApiSecretWriteResponse = serde_json::from_value(r.body).unwrap();
    assert_eq!(
        created.response.message.as_deref(),
        Some("Api secret successfully registered")
    );
    assert_eq!(
        created
            .api_entity
            .client_secret
            .as_ref()
            .map(|s| s.expose()),
        Some("gf5464g8fds")
    );
    assert_eq!(
        created.api_entity.users_allowed[0].username.as_deref(),
        Some("pduarte")
    );
    let id = created.api_entity.identifier;

    let r = call(
        &sim,
        &token,
        "GET",
        &format!("/api/mysafe/secretapi/{id}"),
        None,
    )
    .await;
    let got: ApiSecretResponse = serde_json::from_value(r.body).unwrap();
    assert_eq!(
        got.api_secret_entity.identifier_code.as_deref(),
        Some("hyga125")
    );
    // The get page names shared users `name`.
    assert_eq!(
        got.api_secret_entity.users_allowed[0].name.as_deref(),
        Some("pduarte")
    );

    let r = call(
        &sim,
        &token,
        "PUT",
        &format!("/api/mysafe/secretapi/update/{id}"),
        Some(json!({"client_secret": "rotated", "notes": "new"})),
    )
    .await;
    assert_eq!(
        (r.status, r.message()),
        (201, "Api secret successfully registered")
    );
    let r = call(
        &sim,
        &token,
        "GET",
        &format!("/api/mysafe/secretapi/{id}"),
        None,
    )
    .await;
    assert_eq!(r.body["api_secret_entity"]["client_secret"], "rotated");
    assert_eq!(r.body["api_secret_entity"]["name"], "GCP");

    create(&sim, &token, "AWS", "aws1").await;
    let r = call(
        &sim,
        &token,
        "GET",
        "/api/mysafe/secretapi?identifier_code=aws1",
        None,
    )
    .await;
    let list: ApiSecretListResponse = serde_json::from_value(r.body).unwrap();
    assert_eq!(list.api_secret_on_list.len(), 1);
    assert_eq!(list.api_secret_on_list[0].name.as_deref(), Some("AWS"));
    let r = call(&sim, &token, "GET", "/api/mysafe/secretapi?tag=cloud", None).await;
    assert_eq!(
        r.body["api_secret_on_list"].as_array().map(Vec::len),
        Some(2)
    );

    for (action, message) in [
        ("inactive", "Api secret successfully deactivated"),
        ("inactive", "Api secret has already been deactivated"),
        ("active", "Api secret activated successfully"),
        ("active", "Api secret has already been activated"),
    ] {
        let r = call(
            &sim,
            &token,
            "POST",
            &format!("/api/mysafe/secretapi/{action}/{id}"),
            None,
        )
        .await;
        assert_eq!((r.status, r.message()), (200, message));
    }
}

#[tokio::test]
async fn identifier_code_is_unique_per_owner() {
    let (sim, token, theirs) = two_apps().await;
    let first = create(&sim, &token, "one", "code-1").await;
    let second = create(&sim, &token, "two", "code-2").await;

    let duplicate = "1001: Identifier already found in another API key of this user";
    let r = call(
        &sim,
        &token,
        "POST",
        "/api/mysafe/secretapi",
        Some(secret_body("three", "code-1")),
    )
    .await;
    assert_eq!((r.code(), r.message()), (Some(1001), duplicate));
    let r = call(
        &sim,
        &token,
        "PUT",
        &format!("/api/mysafe/secretapi/update/{second}"),
        Some(json!({"identifier_code": "code-1"})),
    )
    .await;
    assert_eq!((r.code(), r.message()), (Some(1001), duplicate));
    // Re-sending an item's own code is not a clash, and another owner may reuse it.
    let r = call(
        &sim,
        &token,
        "PUT",
        &format!("/api/mysafe/secretapi/update/{first}"),
        Some(json!({"identifier_code": "code-1"})),
    )
    .await;
    assert_eq!(r.status, 201);
    create(&sim, &theirs, "theirs", "code-1").await;
}

#[tokio::test]
async fn documented_errors() {
    let (sim, token, theirs) = two_apps().await;

    for field in ["name", "url", "client_id"] {
        let mut body = secret_body("x", "c");
        body.as_object_mut().unwrap().remove(field);
        let r = call(&sim, &token, "POST", "/api/mysafe/secretapi", Some(body)).await;
        assert_eq!(
            r.message(),
            format!("1001: Parameter '{field}' was not informed!")
        );
    }
    let r = call(&sim, &token, "GET", "/api/mysafe/secretapi/9", None).await;
    assert_eq!(
        (r.code(), r.message()),
        (Some(1005), "1005: Api secret not found")
    );
    let r = call(&sim, &token, "GET", "/api/mysafe/secretapi/1.5", None).await;
    assert_eq!(
        (r.code(), r.message()),
        (Some(1010), "1010: Unexpected identifier type")
    );

    let foreign = create(&sim, &theirs, "theirs", "t").await;
    let r = call(
        &sim,
        &token,
        "GET",
        &format!("/api/mysafe/secretapi/{foreign}"),
        None,
    )
    .await;
    assert_eq!(
        (r.code(), r.message()),
        (Some(1006), "1006: User does not have access")
    );

    let id = create(&sim, &token, "mine", "m").await;
    call(
        &sim,
        &token,
        "POST",
        &format!("/api/mysafe/secretapi/inactive/{id}"),
        None,
    )
    .await;
    let r = call(
        &sim,
        &token,
        "GET",
        &format!("/api/mysafe/secretapi/{id}"),
        None,
    )
    .await;
    assert_eq!(
        (r.code(), r.message()),
        (Some(1009), "1009: Inactive Api secret")
    );
}

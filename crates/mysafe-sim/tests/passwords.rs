//! The password operations: success paths and every documented error.

mod common;

use common::*;
use mysafe_client::types::{PasswordListResponse, PasswordResponse, StatusResponse};
use serde_json::json;

#[tokio::test]
async fn create_get_list_update_round_trip_through_the_generated_types() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;

    let created = call(
        &sim,
        &token,
        "POST",
        "/api/mysafe/password",
        Some(password_body("senseg account")),
    )
    .await;
    assert_eq!(created.status, 201);
    assert_eq!(created.body["code"], 201);
    let created: PasswordResponse = serde_json::from_value(created.body).unwrap();
    assert_eq!(
        created.response.message.as_deref(),
        Some("Password successfully registered")
    );
    let entity = &created.password_entity;
    assert_eq!(entity.name.as_deref(), Some("senseg account"));
    assert_eq!(entity.note.as_deref(), Some("Access details"));
    assert!(
        entity.password.is_none(),
        "create answers leave the secret out"
    );
    let id = &entity.identifier;

    let got = call(
        &sim,
        &token,
        "GET",
        &format!("/api/mysafe/password/{id}"),
        None,
    )
    .await;
    assert_eq!(got.status, 200);
    let got: PasswordResponse = serde_json::from_value(got.body).unwrap();
    assert_eq!(got.response.message.as_deref(), Some("Success"));
    assert_eq!(
        got.password_entity.password.as_ref().map(|s| s.expose()),
        Some("8jhfy@3789")
    );
    assert_eq!(
        got.password_entity.secret_key.as_ref().map(|s| s.expose()),
        Some("JBSWY3DPEHPK3PXP")
    );
    assert_eq!(got.password_entity.notes.as_deref(), Some("Access details"));

    let updated = call(
        &sim,
        &token,
        "PUT",
        &format!("/api/mysafe/password/update/{id}"),
        Some(json!({"password": "n3w-p4ss", "tags": "rotated"})),
    )
    .await;
    assert_eq!(updated.status, 200);
    let updated: PasswordResponse = serde_json::from_value(updated.body).unwrap();
    assert_eq!(
        updated.response.message.as_deref(),
        Some("Password successfully updated")
    );
    assert_eq!(
        updated.password_entity.name.as_deref(),
        Some("senseg account"),
        "unsent fields are kept"
    );
    assert_eq!(updated.password_entity.tags.as_deref(), Some("rotated"));

    let got = call(
        &sim,
        &token,
        "GET",
        &format!("/api/mysafe/password/{id}"),
        None,
    )
    .await;
    assert_eq!(got.body["password_entity"]["password"], "n3w-p4ss");

    create_password(&sim, &token, "gmail").await;
    let list = call(&sim, &token, "GET", "/api/mysafe/password", None).await;
    assert_eq!(list.status, 200);
    let list: PasswordListResponse = serde_json::from_value(list.body).unwrap();
    let names: Vec<_> = list
        .password_on_list
        .iter()
        .map(|p| p.name.clone().unwrap())
        .collect();
    assert_eq!(names, ["senseg account", "gmail"]);
    assert!(
        list.password_on_list
            .iter()
            .all(|p| p.can_write == Some(true))
    );
}

#[tokio::test]
async fn list_filters_by_name_username_url_and_tag() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let mut body = password_body("gmail");
    body["tags"] = json!("mail, personal");
    body["username"] = json!("me@gmail.com");
    call(&sim, &token, "POST", "/api/mysafe/password", Some(body)).await;
    create_password(&sim, &token, "github").await;
    for (query, expected) in [
        ("", 2),
        ("?name=gmail", 1),
        ("?name=nothing", 0),
        ("?tag=personal", 1),
        ("?tag=tag1", 1),
        ("?username=me%40gmail.com", 1),
        ("?url=www.senhasegura.com", 2),
    ] {
        let list = call(
            &sim,
            &token,
            "GET",
            &format!("/api/mysafe/password{query}"),
            None,
        )
        .await;
        let count = list.body["password_on_list"].as_array().map_or(0, Vec::len);
        assert_eq!(count, expected, "{query}");
    }
}

#[tokio::test]
async fn disable_and_enable_report_whether_the_state_changed() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let id = create_password(&sim, &token, "p").await;
    let steps = [
        ("inactive", "Password successfully deactivated"),
        ("inactive", "Password has already been deactivated"),
        ("active", "Password successfully activated"),
        ("active", "Password has already been activated"),
    ];
    for (action, message) in steps {
        let r = call(
            &sim,
            &token,
            "POST",
            &format!("/api/mysafe/password/{action}/{id}"),
            None,
        )
        .await;
        assert_eq!(r.status, 200, "{action}");
        let status: StatusResponse = serde_json::from_value(r.body).unwrap();
        assert_eq!(status.response.message.as_deref(), Some(message));
        assert_eq!(status.response.mensagem.as_deref(), Some(message));
        assert_eq!(status.response.error, Some(false));
    }
}

#[tokio::test]
async fn an_inactive_password_is_1009_on_get_and_left_out_of_the_list() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let id = create_password(&sim, &token, "p").await;
    call(
        &sim,
        &token,
        "POST",
        &format!("/api/mysafe/password/inactive/{id}"),
        None,
    )
    .await;
    let r = call(
        &sim,
        &token,
        "GET",
        &format!("/api/mysafe/password/{id}"),
        None,
    )
    .await;
    assert_eq!((r.status, r.code()), (400, Some(1009)));
    assert_eq!(r.message(), "1009: Inactive password");
    let list = call(&sim, &token, "GET", "/api/mysafe/password", None).await;
    assert!(list.body.get("password_on_list").is_none());
}

#[tokio::test]
async fn create_without_a_required_field_is_1001_naming_it() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    for field in ["name", "username", "password"] {
        let mut body = password_body("p");
        body.as_object_mut().unwrap().remove(field);
        let r = call(&sim, &token, "POST", "/api/mysafe/password", Some(body)).await;
        assert_eq!((r.status, r.code()), (400, Some(1001)), "{field}");
        assert_eq!(
            r.message(),
            format!("1001: Parameter '{field}' was not informed!")
        );
        assert_eq!(r.body["exception"]["message"], r.message());
        assert_eq!(r.body["response"]["error"], true);
    }
    let r = call(&sim, &token, "GET", "/api/mysafe/password", None).await;
    assert!(
        r.body.get("password_on_list").is_none(),
        "nothing was created"
    );
}

/// The pages are silent on updates; the simulator refuses to blank a field that
/// create requires, with create's 1001, and leaves the password as it was.
#[tokio::test]
async fn update_cannot_blank_a_field_create_requires() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let id = create_password(&sim, &token, "p").await;
    let update = format!("/api/mysafe/password/update/{id}");
    for field in ["name", "username", "password"] {
        let body = json!({ field: "", "tags": "changed" });
        let r = call(&sim, &token, "PUT", &update, Some(body)).await;
        assert_eq!((r.status, r.code()), (400, Some(1001)), "{field}");
        assert_eq!(
            r.message(),
            format!("1001: Parameter '{field}' was not informed!")
        );
    }
    let got = call(
        &sim,
        &token,
        "GET",
        &format!("/api/mysafe/password/{id}"),
        None,
    )
    .await;
    assert_eq!(got.body["password_entity"]["name"], "p");
    assert_eq!(got.body["password_entity"]["password"], "8jhfy@3789");
    assert_eq!(got.body["password_entity"]["tags"], "tag1, tag2");
    // Leaving them out (or sending null) keeps them.
    let body = json!({ "name": null, "tags": "changed" });
    let r = call(&sim, &token, "PUT", &update, Some(body)).await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    assert_eq!(r.body["password_entity"]["name"], "p");
}

#[tokio::test]
async fn bad_bodies_get_a_1001_that_does_not_echo_the_secret() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let mut body = password_body("p");
    body["password"] = json!(987654321);
    let r = call(&sim, &token, "POST", "/api/mysafe/password", Some(body)).await;
    assert_eq!((r.status, r.code()), (400, Some(1001)));
    assert_eq!(
        r.message(),
        "1001: Parameter 'password' has an invalid value"
    );
    assert!(!r.body.to_string().contains("987654321"));

    let raw = http()
        .post(format!("{}/api/mysafe/password", sim.url()))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"name\": \"p\", ")
        .send()
        .await
        .unwrap();
    let r = reply(raw).await;
    assert_eq!((r.status, r.code()), (400, Some(1001)));
}

#[tokio::test]
async fn unknown_identifiers_are_1005_and_non_numeric_ones_1010() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    for (method, path) in [
        ("GET", "/api/mysafe/password/{}"),
        ("PUT", "/api/mysafe/password/update/{}"),
        ("POST", "/api/mysafe/password/active/{}"),
        ("POST", "/api/mysafe/password/inactive/{}"),
    ] {
        let body = (method == "PUT").then(|| json!({"name": "x"}));
        let r = call(
            &sim,
            &token,
            method,
            &path.replace("{}", "4242"),
            body.clone(),
        )
        .await;
        assert_eq!((r.status, r.code()), (400, Some(1005)), "{method} {path}");
        assert_eq!(r.message(), "1005: Password not found");
        let r = call(&sim, &token, method, &path.replace("{}", "abc"), body).await;
        assert_eq!((r.status, r.code()), (400, Some(1010)), "{method} {path}");
        assert_eq!(r.message(), "1010: Unexpected identifier type");
    }
}

#[tokio::test]
async fn another_applications_password_is_1006() {
    let (sim, mine, theirs) = two_apps().await;
    let id = create_password(&sim, &theirs, "theirs").await;
    for (method, path) in [
        ("GET", format!("/api/mysafe/password/{id}")),
        ("PUT", format!("/api/mysafe/password/update/{id}")),
        ("POST", format!("/api/mysafe/password/active/{id}")),
        ("POST", format!("/api/mysafe/password/inactive/{id}")),
    ] {
        let body = (method == "PUT").then(|| json!({"name": "x"}));
        let r = call(&sim, &mine, method, &path, body).await;
        assert_eq!((r.status, r.code()), (400, Some(1006)), "{method} {path}");
        assert_eq!(r.message(), "1006: User does not have access");
    }
    let list = call(&sim, &mine, "GET", "/api/mysafe/password", None).await;
    assert!(list.body.get("password_on_list").is_none());
    // Nothing changed for the owner.
    let r = call(
        &sim,
        &theirs,
        "GET",
        &format!("/api/mysafe/password/{id}"),
        None,
    )
    .await;
    assert_eq!(r.body["password_entity"]["name"], "theirs");
}

#[tokio::test]
async fn sharing_grants_view_or_edit_to_the_named_application() {
    let (sim, mine, theirs) = two_apps().await;
    let me = sim.client_id().to_owned();
    let mut view_only = password_body("view");
    view_only["users_allowed"] = json!([{"username": me}]);
    let mut editable = password_body("edit");
    editable["users_allowed"] = json!([{"username": me, "can_edit": true}]);
    let view_id = call(
        &sim,
        &theirs,
        "POST",
        "/api/mysafe/password",
        Some(view_only),
    )
    .await
    .body["password_entity"]["identifier"]
        .clone();
    let edit_id = call(
        &sim,
        &theirs,
        "POST",
        "/api/mysafe/password",
        Some(editable),
    )
    .await
    .body["password_entity"]["identifier"]
        .clone();
    let (view_id, edit_id) = (view_id.as_str().unwrap(), edit_id.as_str().unwrap());

    let r = call(
        &sim,
        &mine,
        "GET",
        &format!("/api/mysafe/password/{view_id}"),
        None,
    )
    .await;
    assert_eq!(r.status, 200);
    let r = call(
        &sim,
        &mine,
        "POST",
        &format!("/api/mysafe/password/inactive/{view_id}"),
        None,
    )
    .await;
    assert_eq!(r.code(), Some(1006), "view-only shares cannot disable");
    let r = call(
        &sim,
        &mine,
        "POST",
        &format!("/api/mysafe/password/inactive/{edit_id}"),
        None,
    )
    .await;
    assert_eq!(r.status, 200);

    let list: PasswordListResponse = serde_json::from_value(
        call(&sim, &mine, "GET", "/api/mysafe/password", None)
            .await
            .body,
    )
    .unwrap();
    let rights: Vec<_> = list
        .password_on_list
        .iter()
        .map(|p| (p.name.clone().unwrap(), p.can_write))
        .collect();
    assert_eq!(
        rights,
        [("view".to_owned(), Some(false))],
        "the disabled one is not listed"
    );
}

/// An update that sends `users_allowed: []` removes every share, while an update
/// that leaves the field out keeps them; the generated request type must be able to
/// send the empty list.
#[tokio::test]
async fn update_with_an_empty_share_list_clears_sharing() {
    let (sim, mine, theirs) = two_apps().await;
    let me = sim.client_id().to_owned();
    let mut shared = password_body("shared");
    shared["users_allowed"] = json!([{"username": me}]);
    let id = call(&sim, &theirs, "POST", "/api/mysafe/password", Some(shared))
        .await
        .body["password_entity"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let get = format!("/api/mysafe/password/{id}");
    let update = format!("/api/mysafe/password/update/{id}");

    let keep =
        mysafe_client::types::UpdatePasswordRequest::builder().name(Some("renamed".to_owned()));
    let keep: mysafe_client::types::UpdatePasswordRequest = keep.try_into().unwrap();
    let body = serde_json::to_value(&keep).unwrap();
    assert!(body.get("users_allowed").is_none(), "{body}");
    assert_eq!(
        call(&sim, &theirs, "PUT", &update, Some(body)).await.status,
        200
    );
    assert_eq!(call(&sim, &mine, "GET", &get, None).await.status, 200);

    let clear =
        mysafe_client::types::UpdatePasswordRequest::builder().users_allowed(Some(Vec::new()));
    let clear: mysafe_client::types::UpdatePasswordRequest = clear.try_into().unwrap();
    let body = serde_json::to_value(&clear).unwrap();
    assert_eq!(body["users_allowed"], json!([]));
    assert_eq!(
        call(&sim, &theirs, "PUT", &update, Some(body)).await.status,
        200
    );
    let r = call(&sim, &mine, "GET", &get, None).await;
    assert_eq!(r.code(), Some(1006), "the share was removed");
}

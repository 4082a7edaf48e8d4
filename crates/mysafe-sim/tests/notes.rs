//! The note operations: success paths and every documented error.

mod common;

use common::*;
use mysafe_client::types::{NoteListResponse, NoteResponse};
use serde_json::{Value, json};

fn note_body(name: &str, content: &str) -> Value {
    json!({"name": name, "note": content, "tags": "meeting", "groups_allowed": [{"name": "TC team"}]})
}

async fn create_note(sim: &mysafe_sim::Sim, token: &str, name: &str) -> String {
    let r = call(
        sim,
        token,
        "POST",
        "/api/mysafe/note",
        Some(note_body(name, "top secret")),
    )
    .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    r.body["note_entity"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn create_get_list_update_and_toggle() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;

    let created = call(
        &sim,
        &token,
        "POST",
        "/api/mysafe/note",
        Some(note_body("Staff meeting", "top secret")),
    )
    .await;
    assert_eq!(created.status, 201);
    let created: NoteResponse = serde_json::from_value(created.body).unwrap();
    assert_eq!(
        created.response.message.as_deref(),
        Some("Note successfully registered")
    );
    assert!(
        created.note_entity.note.is_none(),
        "create answers leave the content out"
    );
    assert_eq!(
        created.note_entity.groups_allowed[0].name.as_deref(),
        Some("TC team")
    );
    assert_eq!(created.note_entity.groups_allowed[0].can_edit, Some(false));
    let id = created.note_entity.identifier;

    let got: NoteResponse = serde_json::from_value(
        call(&sim, &token, "GET", &format!("/api/mysafe/note/{id}"), None)
            .await
            .body,
    )
    .unwrap();
    assert_eq!(got.response.message.as_deref(), Some("Success"));
    assert_eq!(
        got.note_entity.note.as_ref().map(|n| n.expose()),
        Some("top secret")
    );

    let updated = call(
        &sim,
        &token,
        "PUT",
        &format!("/api/mysafe/note/update/{id}"),
        Some(json!({"note": "declassified"})),
    )
    .await;
    assert_eq!(updated.status, 200);
    assert_eq!(updated.message(), "Note successfully update");
    let got = call(&sim, &token, "GET", &format!("/api/mysafe/note/{id}"), None).await;
    assert_eq!(got.body["note_entity"]["note"], "declassified");
    assert_eq!(got.body["note_entity"]["name"], "Staff meeting");

    create_note(&sim, &token, "Other").await;
    let list: NoteListResponse = serde_json::from_value(
        call(&sim, &token, "GET", "/api/mysafe/note?tag=meeting", None)
            .await
            .body,
    )
    .unwrap();
    assert_eq!(list.note_on_list.len(), 2);
    let list = call(&sim, &token, "GET", "/api/mysafe/note?name=Other", None).await;
    assert_eq!(list.body["note_on_list"].as_array().map(Vec::len), Some(1));

    for (action, message) in [
        ("inactive", "Note successfully deactivated"),
        ("inactive", "Note has already been deactivated"),
        ("active", "Note successfully activated"),
        ("active", "Note has already been activated"),
    ] {
        let r = call(
            &sim,
            &token,
            "POST",
            &format!("/api/mysafe/note/{action}/{id}"),
            None,
        )
        .await;
        assert_eq!((r.status, r.message()), (200, message));
    }
}

#[tokio::test]
async fn content_is_limited_to_900_characters() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    // 900 characters of two bytes each: the limit counts characters, not bytes.
    let at_limit = "é".repeat(900);
    let r = call(
        &sim,
        &token,
        "POST",
        "/api/mysafe/note",
        Some(note_body("ok", &at_limit)),
    )
    .await;
    assert_eq!(r.status, 201);
    let id = r.body["note_entity"]["identifier"]
        .as_str()
        .unwrap()
        .to_owned();
    let over = "x".repeat(901);
    let r = call(
        &sim,
        &token,
        "POST",
        "/api/mysafe/note",
        Some(note_body("long", &over)),
    )
    .await;
    assert_eq!((r.status, r.code()), (400, Some(1001)));
    assert_eq!(
        r.message(),
        "1001: Parameter note limited to 900 characters"
    );
    let r = call(
        &sim,
        &token,
        "PUT",
        &format!("/api/mysafe/note/update/{id}"),
        Some(json!({"note": over})),
    )
    .await;
    assert_eq!(
        r.message(),
        "1001: Parameter note limited to 900 characters"
    );
    let got = call(&sim, &token, "GET", &format!("/api/mysafe/note/{id}"), None).await;
    assert_eq!(
        got.body["note_entity"]["note"],
        at_limit.as_str(),
        "the refused update changed nothing"
    );
}

#[tokio::test]
async fn documented_errors() {
    let (sim, token, theirs) = two_apps().await;

    for (field, body) in [
        ("name", json!({"note": "x"})),
        ("note", json!({"name": "x"})),
    ] {
        let r = call(&sim, &token, "POST", "/api/mysafe/note", Some(body)).await;
        assert_eq!(
            r.message(),
            format!("1001: Parameter '{field}' was not informed!")
        );
    }
    let r = call(&sim, &token, "GET", "/api/mysafe/note/77", None).await;
    assert_eq!(
        (r.code(), r.message()),
        (Some(1005), "1005: Note not found")
    );
    let r = call(&sim, &token, "POST", "/api/mysafe/note/active/seven", None).await;
    assert_eq!(
        (r.code(), r.message()),
        (Some(1010), "1010: Unexpected identifier type")
    );

    let foreign = create_note(&sim, &theirs, "theirs").await;
    let r = call(
        &sim,
        &token,
        "POST",
        &format!("/api/mysafe/note/inactive/{foreign}"),
        None,
    )
    .await;
    assert_eq!(
        (r.code(), r.message()),
        (Some(1006), "1006: User does not have access")
    );

    let id = create_note(&sim, &token, "mine").await;
    call(
        &sim,
        &token,
        "POST",
        &format!("/api/mysafe/note/inactive/{id}"),
        None,
    )
    .await;
    let r = call(&sim, &token, "GET", &format!("/api/mysafe/note/{id}"), None).await;
    assert_eq!((r.code(), r.message()), (Some(1009), "1009: Inactive note"));
}

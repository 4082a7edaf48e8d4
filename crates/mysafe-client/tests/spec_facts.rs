//! The facts about the vendor's API that the hand-written layer relies on, checked
//! against the spec that records them (`openapi/mysafe.yaml`): the messages that
//! tell an enable or disable that changed the state from one that found it already
//! so (`x-outcome-messages`, read by `outcome.rs`), and the MySafe error codes
//! (`x-known-codes`, named by `ApiCode`). `cargo xtask docs check` reports what the
//! vendor's pages add to either list.

use mysafe_client::types::StatusResponse;
use mysafe_client::{ApiCode, Outcome};
use serde_json::{Value, json};

fn spec() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../openapi/mysafe.yaml");
    let text = std::fs::read_to_string(path).expect("the spec is readable");
    serde_yaml_ng::from_str(&text).expect("the spec is YAML")
}

/// Every operation of the spec, as (operationId, operation).
fn operations(spec: &Value) -> Vec<(String, Value)> {
    spec["paths"]
        .as_object()
        .expect("the spec has paths")
        .values()
        .flat_map(|item| item.as_object().into_iter().flat_map(|m| m.values()))
        .filter_map(|op| Some((op.get("operationId")?.as_str()?.to_owned(), op.clone())))
        .collect()
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|list| {
            list.iter()
                .map(|m| m.as_str().expect("a message is a string").to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// An enable or disable answer carrying `message` under `key`.
fn answer(key: &str, message: &str) -> StatusResponse {
    serde_json::from_value(json!({
        "code": 200,
        "response": {"status": 200, key: message, "error": false}
    }))
    .expect("a status answer decodes")
}

#[test]
fn every_enable_and_disable_operation_lists_its_outcome_messages() {
    let spec = spec();
    let toggles: Vec<(String, Value)> = operations(&spec)
        .into_iter()
        .filter(|(id, _)| id.starts_with("enable_") || id.starts_with("disable_"))
        .collect();
    assert_eq!(toggles.len(), 6, "enable and disable of three item types");
    for (id, op) in &toggles {
        let messages = &op["x-outcome-messages"];
        let changed = strings(&messages["changed"]);
        let already_so = strings(&messages["already_so"]);
        assert!(
            !changed.is_empty() && !already_so.is_empty(),
            "{id}: x-outcome-messages needs both lists"
        );
        assert!(
            changed.iter().all(|m| !already_so.contains(m)),
            "{id}: a message in both lists"
        );
    }
}

#[test]
fn outcome_reads_every_message_of_the_spec_as_the_spec_says() {
    let spec = spec();
    let mut checked = 0;
    for (id, op) in operations(&spec) {
        let messages = &op["x-outcome-messages"];
        for (list, expected) in [
            ("changed", Outcome::Changed),
            ("already_so", Outcome::AlreadySo),
        ] {
            for message in strings(&messages[list]) {
                // The English key, the Portuguese one, and the `Message` spelling.
                for key in ["message", "mensagem", "Message"] {
                    assert_eq!(
                        answer(key, &message).outcome(),
                        expected,
                        "{id}: {message:?} under {key}"
                    );
                }
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 12, "two messages for each of the six operations");
}

#[test]
fn api_code_names_exactly_the_codes_of_the_spec() {
    let spec = spec();
    let known = spec
        .pointer("/components/schemas/Exception/properties/code/x-known-codes")
        .and_then(Value::as_array)
        .expect("the error schema lists its codes in x-known-codes");
    let mut codes = Vec::new();
    for entry in known {
        let code = entry["code"].as_i64().expect("a code is a number");
        let name = entry["name"].as_str().expect("a code has a name");
        let api_code = ApiCode::from_code(code);
        assert_eq!(format!("{api_code:?}"), name, "code {code}");
        assert_eq!(api_code.code(), code);
        codes.push(code);
    }
    assert!(!codes.is_empty());
    // A code the spec does not list is one the crate does not know either.
    for code in (0..=2000).filter(|c| !codes.contains(c)) {
        assert_eq!(
            ApiCode::from_code(code),
            ApiCode::Other(code),
            "code {code}"
        );
    }
}

//! One pair of specs per change class: the base test spec and one edit of it.

use serde_json::{Value, json};

use super::compare;
use crate::diff::change::{Class, Rule};
use crate::diff::testkit::{at, base, edited, push, query, remove, set};

const LIST: &str = "/paths/~1items/get";
const CREATE: &str = "/paths/~1items/post";
const GET: &str = "/paths/~1items~1{id}/get";
const SCHEMAS: &str = "/components/schemas";

/// Every change between the base spec and its edit, as (class, text, rule id).
fn diff(edit: impl FnOnce(&mut Value)) -> Vec<(Class, String, &'static str)> {
    let old = base();
    let new = edited(edit);
    let mut out: Vec<_> = compare(&old.raw, &new.raw)
        .into_iter()
        .map(|c| (c.class, c.to_string(), c.rule.id()))
        .collect();
    out.sort();
    out
}

fn one(class: Class, text: &str, rule: Rule) -> Vec<(Class, String, &'static str)> {
    assert_eq!(class, rule.class(), "the rule gives the class");
    vec![(class, text.to_owned(), rule.id())]
}

use Class::{Breaking, Compatible, NeedsReview};

#[test]
fn identical_specs_have_no_changes() {
    assert_eq!(diff(|_| {}), vec![]);
}

#[test]
fn documentation_only_edits_are_not_changes() {
    let changes = diff(|s| {
        set(s, LIST, "summary", json!("List the items."));
        set(
            s,
            &format!("{SCHEMAS}/Item/properties/url"),
            "description",
            json!("A URL."),
        );
        set(
            s,
            "/components/securitySchemes/bearer",
            "description",
            json!("A token."),
        );
    });
    assert_eq!(changes, vec![]);
}

#[test]
fn removed_operation_is_breaking() {
    assert_eq!(
        diff(|s| remove(s, "/paths", "/items/{id}")),
        one(
            Breaking,
            "operation `get_item`: removed (GET /items/{id})",
            Rule::OperationRemoved
        )
    );
}

#[test]
fn added_operation_is_compatible() {
    let changes = diff(|s| {
        let op = at(s, GET).clone();
        let mut op = op;
        set(&mut op, "", "operationId", json!("find_item"));
        set(s, "/paths/~1items~1{id}", "head", op);
    });
    assert_eq!(
        changes,
        one(
            Compatible,
            "operation `find_item`: added (HEAD /items/{id})",
            Rule::OperationAdded
        )
    );
}

#[test]
fn moved_operation_is_breaking() {
    let changes = diff(|s| {
        let item = at(s, "/paths/~1items~1{id}").clone();
        remove(s, "/paths", "/items/{id}");
        set(s, "/paths", "/things/{id}", item);
    });
    assert_eq!(
        changes,
        one(
            Breaking,
            "operation `get_item`: moved from GET /items/{id} to GET /things/{id}",
            Rule::OperationMoved
        )
    );
}

#[test]
fn optional_parameter_added_is_compatible() {
    assert_eq!(
        diff(|s| push(
            s,
            &format!("{LIST}/parameters"),
            query("limit", json!({"type": "integer"}))
        )),
        one(
            Compatible,
            "operation `list_items`: query parameter `limit`: added, optional",
            Rule::OptionalParameterAdded
        )
    );
}

#[test]
fn required_parameter_added_is_breaking() {
    let mut p = query("limit", json!({"type": "integer"}));
    set(&mut p, "", "required", json!(true));
    assert_eq!(
        diff(|s| push(s, &format!("{LIST}/parameters"), p)),
        one(
            Breaking,
            "operation `list_items`: query parameter `limit`: added, required",
            Rule::RequiredParameterAdded
        )
    );
}

#[test]
fn removed_parameter_needs_review() {
    assert_eq!(
        diff(|s| *at(s, &format!("{LIST}/parameters")) = json!([])),
        one(
            NeedsReview,
            "operation `list_items`: query parameter `tag`: removed",
            Rule::ParameterRemoved
        )
    );
}

#[test]
fn parameter_made_required_is_breaking_and_made_optional_compatible() {
    assert_eq!(
        diff(|s| set(s, &format!("{LIST}/parameters/0"), "required", json!(true))),
        one(
            Breaking,
            "operation `list_items`: query parameter `tag`: made required",
            Rule::ParameterMadeRequired
        )
    );
    // The other direction: the edited spec is the base, the base the edit.
    let old = edited(|s| set(s, &format!("{LIST}/parameters/0"), "required", json!(true)));
    let changes = compare(&old.raw, &base().raw);
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].rule, Rule::ParameterMadeOptional);
    assert_eq!(changes[0].class, Compatible);
}

#[test]
fn parameter_type_change_is_breaking() {
    assert_eq!(
        diff(|s| *at(s, &format!("{GET}/parameters/0/schema")) = json!({"type": "string"})),
        one(
            Breaking,
            "operation `get_item`: path parameter `id`: type integer -> string",
            Rule::TypeChanged
        )
    );
}

#[test]
fn request_field_added_required_is_breaking_optional_compatible() {
    let changes = diff(|s| {
        let item = format!("{SCHEMAS}/NewItem");
        set(
            s,
            &format!("{item}/properties"),
            "owner",
            json!({"type": "string"}),
        );
        set(
            s,
            &format!("{item}/properties"),
            "note",
            json!({"type": "string"}),
        );
        push(s, &format!("{item}/required"), json!("owner"));
    });
    assert_eq!(
        changes,
        vec![
            (
                Breaking,
                "NewItem.owner: added, required".to_owned(),
                "request-field-added-required"
            ),
            (
                Compatible,
                "NewItem.note: added, optional".to_owned(),
                "request-field-added-optional"
            ),
        ]
    );
}

#[test]
fn removed_request_field_needs_review() {
    assert_eq!(
        diff(|s| remove(s, &format!("{SCHEMAS}/NewItem/properties"), "url")),
        one(
            NeedsReview,
            "NewItem.url: removed",
            Rule::RequestFieldRemoved
        )
    );
}

#[test]
fn request_field_made_required_is_breaking_made_optional_compatible() {
    let changes = diff(|s| {
        *at(s, &format!("{SCHEMAS}/NewItem/required")) = json!(["url"]);
    });
    assert_eq!(
        changes,
        vec![
            (
                Breaking,
                "NewItem.url: made required".to_owned(),
                "request-field-made-required"
            ),
            (
                Compatible,
                "NewItem.name: made optional".to_owned(),
                "request-field-made-optional"
            ),
        ]
    );
}

#[test]
fn response_field_added_is_compatible() {
    assert_eq!(
        diff(|s| set(
            s,
            &format!("{SCHEMAS}/Item/properties"),
            "owner",
            json!({"type": "string"})
        )),
        one(
            Compatible,
            "Item.owner: added, optional",
            Rule::ResponseFieldAdded
        )
    );
}

#[test]
fn removed_optional_response_field_is_compatible() {
    assert_eq!(
        diff(|s| remove(s, &format!("{SCHEMAS}/Item/properties"), "url")),
        one(
            Compatible,
            "Item.url: removed",
            Rule::ResponseOptionalFieldRemoved
        )
    );
}

#[test]
fn response_field_made_optional_is_breaking_made_required_compatible() {
    let changes = diff(|s| *at(s, &format!("{SCHEMAS}/Item/required")) = json!(["id", "url"]));
    assert_eq!(
        changes,
        vec![
            (
                Breaking,
                "Item.name: made optional".to_owned(),
                "response-field-made-optional"
            ),
            (
                Compatible,
                "Item.url: made required".to_owned(),
                "response-field-made-required"
            ),
        ]
    );
}

#[test]
fn nullable_breaks_responses_not_requests() {
    let changes = diff(|s| {
        set(
            s,
            &format!("{SCHEMAS}/Item/properties/url"),
            "nullable",
            json!(true),
        );
        set(
            s,
            &format!("{SCHEMAS}/NewItem/properties/url"),
            "nullable",
            json!(true),
        );
    });
    assert_eq!(
        changes,
        vec![
            (
                Breaking,
                "Item.url: made nullable".to_owned(),
                "response-made-nullable"
            ),
            (
                Compatible,
                "NewItem.url: made nullable".to_owned(),
                "request-made-nullable"
            ),
        ]
    );
}

#[test]
fn format_change_is_breaking() {
    assert_eq!(
        diff(|s| set(
            s,
            &format!("{SCHEMAS}/Item/properties/size"),
            "format",
            json!("int64")
        )),
        one(
            Breaking,
            "Item.size: format int32 -> int64",
            Rule::FormatChanged
        )
    );
}

#[test]
fn type_change_is_breaking() {
    assert_eq!(
        diff(|s| *at(s, &format!("{SCHEMAS}/Item/properties/size")) = json!({"type": "string"})),
        one(
            Breaking,
            "Item.size: type integer -> string",
            Rule::TypeChanged
        )
    );
}

#[test]
fn response_enum_value_added_needs_review_removed_compatible() {
    let changes = diff(|s| *at(s, &format!("{SCHEMAS}/Kind/enum")) = json!(["a", "c"]));
    assert_eq!(
        changes,
        vec![
            (
                NeedsReview,
                "Kind: enum value \"c\" added".to_owned(),
                "response-enum-value-added"
            ),
            (
                Compatible,
                "Kind: enum value \"b\" removed".to_owned(),
                "response-enum-value-removed"
            ),
        ]
    );
}

#[test]
fn request_enum_value_removed_is_breaking_added_compatible() {
    let changes = diff(|s| *at(s, &format!("{SCHEMAS}/NewKind/enum")) = json!(["a", "c"]));
    assert_eq!(
        changes,
        vec![
            (
                Breaking,
                "NewKind: enum value \"b\" removed".to_owned(),
                "request-enum-value-removed"
            ),
            (
                Compatible,
                "NewKind: enum value \"c\" added".to_owned(),
                "request-enum-value-added"
            ),
        ]
    );
}

#[test]
fn error_response_added_is_compatible_removed_needs_review() {
    let changes = diff(|s| {
        let error = json!({ "$ref": "#/components/responses/Error" });
        set(s, &format!("{LIST}/responses"), "404", error);
        remove(s, &format!("{GET}/responses"), "400");
    });
    assert_eq!(
        changes,
        vec![
            (
                NeedsReview,
                "operation `get_item`: response 400: removed".to_owned(),
                "error-response-removed"
            ),
            (
                Compatible,
                "operation `list_items`: response 404: added".to_owned(),
                "error-response-added"
            ),
        ]
    );
}

#[test]
fn success_response_removed_is_breaking_added_compatible() {
    let changes = diff(|s| {
        let created = at(s, &format!("{CREATE}/responses/201")).clone();
        remove(s, &format!("{CREATE}/responses"), "201");
        set(s, &format!("{CREATE}/responses"), "200", created);
    });
    assert_eq!(
        changes,
        vec![
            (
                Breaking,
                "operation `create_item`: response 201: removed".to_owned(),
                "success-response-removed"
            ),
            (
                Compatible,
                "operation `create_item`: response 200: added".to_owned(),
                "success-response-added"
            ),
        ]
    );
}

#[test]
fn request_body_removed_is_breaking() {
    assert_eq!(
        diff(|s| remove(s, CREATE, "requestBody")),
        one(
            Breaking,
            "operation `create_item`: request body: removed",
            Rule::RequestBodyRemoved
        )
    );
}

#[test]
fn request_body_made_optional_is_compatible() {
    assert_eq!(
        diff(|s| set(
            s,
            &format!("{CREATE}/requestBody"),
            "required",
            json!(false)
        )),
        one(
            Compatible,
            "operation `create_item`: request body: made optional",
            Rule::RequestBodyMadeOptional
        )
    );
}

#[test]
fn content_type_change_is_breaking() {
    let changes = diff(|s| {
        let content = at(s, &format!("{CREATE}/requestBody/content"));
        let media = content["application/json"].clone();
        *content = json!({ "application/x-www-form-urlencoded": media });
    });
    assert_eq!(
        changes,
        vec![
            (
                Breaking,
                "operation `create_item`: request body: content type application/json removed"
                    .to_owned(),
                "request-media-type-removed"
            ),
            (
                Compatible,
                "operation `create_item`: request body: content type \
                 application/x-www-form-urlencoded added"
                    .to_owned(),
                "request-media-type-added"
            ),
        ]
    );
}

#[test]
fn security_added_is_breaking() {
    assert_eq!(
        diff(|s| remove(s, "/paths/~1login/post", "security")),
        one(
            Breaking,
            "operation `login`: security: none -> bearer",
            Rule::SecurityAdded
        )
    );
}

#[test]
fn security_removed_is_compatible() {
    assert_eq!(
        diff(|s| set(s, LIST, "security", json!([]))),
        one(
            Compatible,
            "operation `list_items`: security: bearer -> none",
            Rule::SecurityRemoved
        )
    );
}

#[test]
fn optional_security_counts_as_none() {
    // `{}` among the alternatives allows anonymous calls.
    assert_eq!(
        diff(|s| set(s, LIST, "security", json!([{}, {"bearer": []}]))),
        one(
            Compatible,
            "operation `list_items`: security: bearer -> none",
            Rule::SecurityRemoved
        )
    );
}

#[test]
fn replacing_the_security_scheme_breaks_who_used_the_old_one() {
    let changes = diff(|s| {
        set(
            s,
            "/components/securitySchemes",
            "key",
            json!({"type": "apiKey", "in": "header", "name": "X-Key"}),
        );
        set(s, "", "security", json!([{"key": []}]));
    });
    let mut expected = Vec::new();
    for op in ["create_item", "get_item", "list_items"] {
        expected.push((
            Breaking,
            format!("operation `{op}`: security: bearer removed"),
            "security-alternative-removed",
        ));
    }
    for op in ["create_item", "get_item", "list_items"] {
        expected.push((
            Compatible,
            format!("operation `{op}`: security: key added"),
            "security-alternative-added",
        ));
    }
    expected.push((
        Compatible,
        "security scheme `key`: added".to_owned(),
        "security-scheme-added",
    ));
    assert_eq!(changes, expected);
}

#[test]
fn tightened_request_constraint_is_breaking() {
    assert_eq!(
        diff(|s| set(
            s,
            &format!("{SCHEMAS}/NewItem/properties/name"),
            "maxLength",
            json!(5)
        )),
        one(
            Breaking,
            "NewItem.name: maxLength 10 -> 5",
            Rule::RequestConstraintTightened
        )
    );
}

#[test]
fn api_version_change_needs_review() {
    assert_eq!(
        diff(|s| set(s, "/info", "version", json!("2"))),
        one(
            NeedsReview,
            "`info.version`: 1 -> 2",
            Rule::ApiVersionChanged
        )
    );
}

#[test]
fn deprecation_is_compatible() {
    assert_eq!(
        diff(|s| set(s, GET, "deprecated", json!(true))),
        one(
            Compatible,
            "operation `get_item`: deprecated",
            Rule::Deprecated
        )
    );
}

#[test]
fn a_shared_schema_reports_each_change_once() {
    // `Item` is reached from list_items (through ItemList), create_item and get_item.
    let changes = diff(|s| remove(s, &format!("{SCHEMAS}/Item/properties"), "size"));
    assert_eq!(changes.len(), 1, "{changes:?}");
}

#[test]
fn changes_inside_arrays_are_found() {
    // ItemList.items is an array of a schema that is made inline: the walk follows items.
    let changes = diff(|s| {
        let mut item = at(s, &format!("{SCHEMAS}/Item")).clone();
        remove(&mut item, "/properties", "url");
        *at(s, &format!("{SCHEMAS}/ItemList/properties/items/items")) = item;
    });
    assert!(
        changes.contains(&(
            Compatible,
            "ItemList.items[].url: removed".to_owned(),
            "response-optional-field-removed"
        )),
        "{changes:?}"
    );
}

#[test]
fn recursive_schemas_terminate() {
    let tree = json!({
        "type": "object",
        "properties": { "children": { "type": "array", "items": { "$ref": "#/components/schemas/Item" } } }
    });
    let old = edited(|s| {
        set(
            s,
            &format!("{SCHEMAS}/Item/properties"),
            "children",
            tree["properties"]["children"].clone(),
        )
    });
    let new = edited(|s| {
        set(
            s,
            &format!("{SCHEMAS}/Item/properties"),
            "children",
            tree["properties"]["children"].clone(),
        );
        set(
            s,
            &format!("{SCHEMAS}/Item/properties"),
            "depth",
            json!({"type": "integer"}),
        );
    });
    let changes = compare(&old.raw, &new.raw);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0].to_string(), "Item.depth: added, optional");
}

#[test]
fn renamed_recursive_schema_terminates_and_is_no_wire_change() {
    let tree = |name: &str| {
        json!({
            "type": "object",
            "properties": {
                "children": { "type": "array", "items": { "$ref": format!("#/components/schemas/{name}") } }
            }
        })
    };
    let with = |name: &'static str| {
        edited(move |s| {
            set(s, SCHEMAS, name, tree(name));
            set(
                s,
                &format!("{SCHEMAS}/Item/properties"),
                "tree",
                json!({ "$ref": format!("#/components/schemas/{name}") }),
            );
        })
    };
    // The JSON on the wire is the same; only the Rust type's name changes.
    assert_eq!(compare(&with("Tree").raw, &with("Node").raw), vec![]);
}

#[test]
fn rule_ids_are_unique() {
    let mut ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

//! Building pairs of specs for the diff tests: a small base spec and an edit of it.

use serde_json::{Value, json};

use super::{Document, source};
use crate::spec::{self, Spec};

pub const BASE: &str = include_str!("test_spec.yaml");

pub fn base() -> Spec {
    spec::parse(BASE).expect("the test base spec is valid")
}

/// The base spec after `edit`, validated like any spec.
pub fn edited(edit: impl FnOnce(&mut Value)) -> Spec {
    let mut raw = base().raw;
    edit(&mut raw);
    let text = serde_json::to_string(&raw).expect("JSON is YAML");
    match spec::parse(&text) {
        Ok(spec) => spec,
        Err(e) => panic!("the edited spec is invalid: {e:#}"),
    }
}

/// The node at a JSON pointer, which the test expects to exist.
pub fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the test spec"))
}

/// Inserts `key: value` into the object at `pointer`.
pub fn set(doc: &mut Value, pointer: &str, key: &str, value: Value) {
    at(doc, pointer)
        .as_object_mut()
        .unwrap_or_else(|| panic!("{pointer} is not an object"))
        .insert(key.to_owned(), value);
}

/// Removes `key` from the object at `pointer`, which must have it.
pub fn remove(doc: &mut Value, pointer: &str, key: &str) {
    let removed = at(doc, pointer).as_object_mut().and_then(|m| m.remove(key));
    assert!(removed.is_some(), "no {key} in {pointer}");
}

/// Appends to the array at `pointer`.
pub fn push(doc: &mut Value, pointer: &str, value: Value) {
    at(doc, pointer)
        .as_array_mut()
        .unwrap_or_else(|| panic!("{pointer} is not an array"))
        .push(value);
}

/// An optional query parameter.
pub fn query(name: &str, schema: Value) -> Value {
    json!({ "name": name, "in": "query", "schema": schema })
}

/// A side holding `value` as its (pretty JSON) text, read like any side.
pub fn document(label: &str, value: &Value) -> Document {
    let text = serde_json::to_string_pretty(value).expect("JSON values print");
    document_text(label, &text)
}

/// A side holding `text`, read like any side.
pub fn document_text(label: &str, text: &str) -> Document {
    let side = source::Side {
        text: text.to_owned(),
        label: label.to_owned(),
        context: label.to_owned(),
        file: spec::SPEC_PATH.to_owned(),
    };
    Document::read(side).expect("the test document is OpenAPI 3.0")
}

//! The Rust surface of the generated client, and its differences, on the test spec.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::{Kind, compare, surface, ty};
use crate::codegen;
use crate::diff::change::{Class, Rule};
use crate::diff::testkit::{at, base, edited, push, query, remove, set};
use crate::spec::Spec;

const SCHEMAS: &str = "/components/schemas";

fn surface_of(spec: &Spec) -> super::Surface {
    surface(&codegen::generate(&spec.openapi).unwrap()).unwrap()
}

fn diff(edit: impl FnOnce(&mut Value)) -> Vec<(Class, String, &'static str)> {
    let old = surface_of(&base());
    let new = surface_of(&edited(edit));
    let mut out: Vec<_> = compare(&old, &new)
        .into_iter()
        .map(|c| (c.class, c.to_string(), c.rule.id()))
        .collect();
    out.sort();
    out
}

#[test]
fn types_are_shown_as_written() {
    let t: syn::Type =
        syn::parse_str("::std::option::Option<::std::vec::Vec<crate::Secret>>").unwrap();
    assert_eq!(ty(&t, &BTreeMap::new()), "Option<Vec<Secret>>");
    let t: syn::Type = syn::parse_str("super::builder::ListItems<'a>").unwrap();
    assert_eq!(ty(&t, &BTreeMap::new()), "builder::ListItems");
    let t: syn::Type = syn::parse_str("&'a ::std::collections::HashMap<K, V>").unwrap();
    assert_eq!(ty(&t, &BTreeMap::new()), "&HashMap<K, V>");
}

#[test]
fn surface_lists_types_fields_variants_methods_and_setters() {
    let s = surface_of(&base());
    let sig = |key: &str| {
        s.get(key)
            .unwrap_or_else(|| panic!("{key} missing from {:#?}", s.keys()))
            .sig
            .clone()
    };
    assert_eq!(sig("types::Item"), "struct");
    assert_eq!(sig("types::Item.url"), "Option<String>");
    assert_eq!(sig("types::Item.id"), "i64");
    assert_eq!(sig("types::Kind"), "enum");
    assert_eq!(sig("types::Kind::A"), "");
    assert_eq!(sig("Client::get_item"), "() -> builder::GetItem");
    assert_eq!(sig("builder::GetItem::id"), "(i64)");
    assert_eq!(sig("builder::ListItems::tag"), "(String)");
    assert_eq!(sig("builder::CreateItem::body"), "(types::NewItem)");
    assert_eq!(
        sig("builder::GetItem::send"),
        // `crate::Error`, the client's own (codegen's post-processing).
        "async () -> Result<ResponseValue<types::Item>, Error>"
    );
    assert_eq!(s["types::Item.url"].kind, Kind::Field);
    // progenitor's struct builders and the builders' constructors are internals.
    assert!(
        s.iter()
            .all(|(k, v)| !k.starts_with("types::builder") || v.kind == Kind::BodySetter),
        "types::builder listed"
    );
    // Of the struct builders, only the setters of body types, with their requiredness.
    assert!(s["types::builder::NewItem::name"].required);
    assert!(!s["types::builder::NewItem::url"].required);
    assert!(!s.contains_key("types::builder::Item::name"));
    assert!(s["builder::GetItem::id"].required);
    assert!(!s["builder::ListItems::tag"].required);
    assert!(!s.contains_key("builder::GetItem::new"));
}

#[test]
fn field_made_required_changes_its_type() {
    assert_eq!(
        diff(|s| push(s, &format!("{SCHEMAS}/Item/required"), json!("url"))),
        vec![(
            Class::Breaking,
            "types::Item.url: Option<String> -> String".to_owned(),
            Rule::RustItemChanged.id()
        )]
    );
}

#[test]
fn new_optional_parameter_adds_a_setter() {
    assert_eq!(
        diff(|s| push(
            s,
            "/paths/~1items/get/parameters",
            query("limit", json!({"type": "integer", "format": "int32"}))
        )),
        vec![(
            Class::Compatible,
            "builder::ListItems::limit: added: (i32)".to_owned(),
            Rule::RustItemAdded.id()
        )]
    );
}

#[test]
fn removed_operation_removes_method_and_builder_once() {
    let changes = diff(|s| remove(s, "/paths", "/items/{id}"));
    assert_eq!(
        changes,
        vec![
            (
                Class::Breaking,
                "Client::get_item: removed: () -> builder::GetItem".to_owned(),
                "rust-item-removed"
            ),
            (
                Class::Breaking,
                "builder::GetItem: removed (struct)".to_owned(),
                "rust-item-removed"
            ),
        ]
    );
}

#[test]
fn new_enum_variant_is_breaking() {
    assert_eq!(
        diff(|s| push(s, &format!("{SCHEMAS}/Kind/enum"), json!("c"))),
        vec![(
            Class::Breaking,
            "types::Kind::C: added".to_owned(),
            Rule::RustVariantAdded.id()
        )]
    );
}

#[test]
fn new_field_needs_review() {
    assert_eq!(
        diff(|s| set(
            s,
            &format!("{SCHEMAS}/Item/properties"),
            "owner",
            json!({"type": "string"})
        )),
        vec![(
            Class::NeedsReview,
            "types::Item.owner: added: Option<String>".to_owned(),
            Rule::RustFieldAdded.id()
        )]
    );
}

#[test]
fn secret_format_changes_the_field_type() {
    assert_eq!(
        diff(|s| set(
            s,
            &format!("{SCHEMAS}/Item/properties/url"),
            "format",
            json!("password")
        )),
        vec![(
            Class::Breaking,
            "types::Item.url: Option<String> -> Option<Secret>".to_owned(),
            Rule::RustItemChanged.id()
        )]
    );
}

#[test]
fn new_type_is_one_change() {
    let changes = diff(|s| {
        let mut copy = at(s, &format!("{SCHEMAS}/Item")).clone();
        set(&mut copy, "", "description", json!("A copy."));
        set(s, SCHEMAS, "Thing", copy);
    });
    assert_eq!(
        changes,
        vec![(
            Class::Compatible,
            "types::Thing: added (struct)".to_owned(),
            "rust-item-added"
        )]
    );
}

//! The whole comparison on the real spec, and the report's formats and verdict.

use serde_json::{Value, json};

use super::change::{Change, Class, Level, Rule};
use super::report::{Bump, Report};
use super::testkit::{at, push, query, remove};
use crate::spec::{self, Spec};

fn real() -> Spec {
    spec::load(&crate::project_root().join(spec::SPEC_PATH)).unwrap()
}

/// The real spec after `edit`, validated again.
fn real_edited(edit: impl FnOnce(&mut Value)) -> Spec {
    let mut raw = real().raw;
    edit(&mut raw);
    spec::parse(&serde_json::to_string(&raw).unwrap()).unwrap()
}

/// A realistic pull request: a response field made required, an operation removed,
/// a query parameter added, an enum value added.
fn realistic() -> Report {
    let new = real_edited(|s| {
        push(
            s,
            "/components/schemas/PasswordEntity/required",
            json!("url"),
        );
        remove(s, "/paths", "/api/mysafe/secretapi/inactive/{identifier}");
        push(
            s,
            "/paths/~1api~1mysafe~1note/get/parameters",
            query("limit", json!({"type": "integer", "format": "int32"})),
        );
        push(s, "/components/schemas/GrantType/enum", json!("password"));
    });
    let changes = super::compare(&real(), &new).unwrap();
    Report::new("merge base of HEAD and `main` (test)".to_owned(), changes)
}

#[test]
fn realistic_change_markdown() {
    insta::assert_snapshot!(realistic().markdown());
}

#[test]
fn realistic_change_verdict_and_counts() {
    let report = realistic();
    assert_eq!(report.count(Class::Breaking), 5);
    assert_eq!(report.count(Class::NeedsReview), 0);
    assert_eq!(report.count(Class::Compatible), 4);
    assert!(report.has_breaking());
    assert_eq!(report.bump(), Bump::Minor);
    let text = report.text();
    assert!(
        text.contains("types::PasswordEntity.url: Option<String> -> String  [rust-item-changed]"),
        "{text}"
    );
    assert!(text.starts_with("API changes against merge base of HEAD and main (test): 5 breaking, 0 needs review, 4 compatible\nverdict: minor bump"), "{text}");
}

#[test]
fn markdown_lists_breaking_changes_first_in_each_table() {
    let md = realistic().markdown();
    for table in md.split("#### ").skip(1) {
        let classes: Vec<&str> = table
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| class") && !l.starts_with("| ---"))
            .map(|l| l.split(" | ").next().unwrap_or(""))
            .collect();
        let mut sorted = classes.clone();
        sorted.sort_by_key(|c| !c.contains("breaking"));
        assert_eq!(classes, sorted, "{table}");
    }
}

#[test]
fn same_spec_is_no_api_changes() {
    let changes = super::compare(&real(), &real()).unwrap();
    let report = Report::new("`HEAD` (abc)".to_owned(), changes);
    assert_eq!(report.bump(), Bump::None);
    assert_eq!(report.text(), "no API changes (base: HEAD (abc))\n");
    assert!(report.markdown().contains("no API changes"));
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["verdict"]["bump"], "none");
    assert_eq!(json["changes"], json!([]));
}

fn change(level: Level, rule: Rule, subject: &str) -> Change {
    Change::new(level, rule, subject, "x")
}

#[test]
fn bump_follows_the_worst_class() {
    let compatible = change(Level::Spec, Rule::OperationAdded, "a");
    let review = change(Level::Rust, Rule::RustFieldAdded, "b");
    let breaking = change(Level::Spec, Rule::OperationRemoved, "c");
    let bump = |changes: Vec<Change>| Report::new(String::new(), changes).bump();
    assert_eq!(bump(vec![]), Bump::None);
    assert_eq!(bump(vec![compatible.clone()]), Bump::Patch);
    assert_eq!(bump(vec![compatible.clone(), review]), Bump::Minor);
    assert_eq!(bump(vec![compatible, breaking]), Bump::Minor);
}

#[test]
fn json_has_stable_fields() {
    let report = Report::new(
        "`main` (abc)".to_owned(),
        vec![
            change(Level::Spec, Rule::OperationAdded, "operation `a`"),
            change(Level::Rust, Rule::RustItemRemoved, "Client::b"),
        ],
    );
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["base"], "main (abc)");
    assert_eq!(
        json["summary"],
        json!({"breaking": 1, "needs_review": 0, "compatible": 1})
    );
    assert_eq!(json["verdict"]["bump"], "minor");
    assert_eq!(
        json["changes"][0],
        json!({"level": "rust", "class": "breaking", "subject": "Client::b", "change": "x", "rule": "rust-item-removed"})
    );
    assert_eq!(json["changes"][1]["subject"], "operation a");
    assert_eq!(json["rules"][0]["id"], "operation-added");
}

#[test]
fn markdown_escapes_table_breakers() {
    let mut c = change(Level::Spec, Rule::ConstraintChanged, "`X.y`");
    c.detail = "pattern a|b -> <c>".to_owned();
    let md = Report::new(String::new(), vec![c]).markdown();
    assert!(md.contains("| pattern a\\|b -&gt; &lt;c&gt; |"), "{md}");
}

#[test]
fn a_spec_progenitor_rejects_is_an_error_not_a_panic() {
    // Both sides parse, but the new one has an operation without an id, which the
    // generator refuses: the comparison reports it instead of crashing.
    let new = real_edited(|s| {
        let op = at(s, "/paths/~1api~1mysafe~1note/get");
        op.as_object_mut().unwrap().remove("operationId");
    });
    match super::compare(&real(), &new) {
        Ok(_) => panic!("expected an error"),
        Err(e) => assert!(
            format!("{e:#}").starts_with("generating the new client"),
            "{e:#}"
        ),
    }
}

//! The whole comparison on the real spec, and the report's formats and verdict.

use serde_json::{Value, json};

use super::change::{Change, Class, Level, Rule};
use super::report::{Bump, Report};
use super::testkit::{at, document, document_text, push, query, remove, set};
use super::{Document, compare};
use crate::spec;

fn real_text() -> String {
    std::fs::read_to_string(crate::project_root().join(spec::SPEC_PATH)).unwrap()
}

fn real() -> Document {
    document_text("merge base of HEAD and `main` (test)", &real_text())
}

/// The real spec after `edit`.
fn real_edited(edit: impl FnOnce(&mut Value)) -> Document {
    let mut raw = real().value;
    edit(&mut raw);
    document("working tree", &raw)
}

/// A realistic pull request: a response field made required, an operation removed,
/// a query parameter added, an enum value added.
fn realistic() -> Report {
    compare(&real(), &realistic_head())
}

fn realistic_head() -> Document {
    real_edited(|s| {
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
    })
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
    assert!(text.starts_with("API changes from merge base of HEAD and main (test) to working tree: 5 breaking, 0 needs review, 4 compatible\nverdict: minor bump"), "{text}");
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
    let report = compare(&real(), &real());
    assert_eq!(report.bump(), Bump::None);
    assert_eq!(
        report.text(),
        "no API changes (base: merge base of HEAD and main (test); head: merge base of HEAD and main (test))\n"
    );
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
    let bump = |changes: Vec<Change>| Report::new(String::new(), String::new(), changes).bump();
    assert_eq!(bump(vec![]), Bump::None);
    assert_eq!(bump(vec![compatible.clone()]), Bump::Patch);
    assert_eq!(bump(vec![compatible.clone(), review]), Bump::Minor);
    assert_eq!(bump(vec![compatible, breaking]), Bump::Minor);
}

#[test]
fn json_has_stable_fields() {
    let report = Report::new(
        "`main` (abc)".to_owned(),
        "working tree".to_owned(),
        vec![
            change(Level::Spec, Rule::OperationAdded, "operation `a`"),
            change(Level::Rust, Rule::RustItemRemoved, "Client::b"),
        ],
    );
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["base"], "main (abc)");
    assert_eq!(json["head"], "working tree");
    assert_eq!(json["rust_api"], json!({"compared": true, "reason": null}));
    assert_eq!(
        json["summary"],
        json!({"breaking": 1, "needs_review": 0, "compatible": 1})
    );
    assert_eq!(json["verdict"]["bump"], "minor");
    assert_eq!(
        json["changes"][0],
        json!({"level": "rust", "class": "breaking", "subject": "Client::b", "change": "x", "rule": "rust-item-removed", "location": null})
    );
    assert_eq!(json["changes"][1]["subject"], "operation a");
    assert_eq!(json["rules"][0]["id"], "operation-added");
}

#[test]
fn markdown_escapes_table_breakers() {
    let mut c = change(Level::Spec, Rule::ConstraintChanged, "`X.y`");
    c.detail = "pattern a|b -> <c>".to_owned();
    let md = Report::new(String::new(), String::new(), vec![c]).markdown();
    assert!(md.contains("| pattern a\\|b -&gt; &lt;c&gt; |"), "{md}");
}

#[test]
fn a_side_progenitor_cannot_generate_gets_a_spec_level_report() {
    // No operationId and a second success schema: progenitor refuses the head.
    let new = real_edited(|s| {
        let op = at(s, "/paths/~1api~1mysafe~1note/get");
        op.as_object_mut().unwrap().remove("operationId");
        remove(
            s,
            "/paths/~1api~1mysafe~1password~1{identifier}/get/responses",
            "400",
        );
    });
    let report = compare(&real(), &new);
    let reason = report
        .rust_not_compared
        .clone()
        .expect("the Rust level is skipped");
    assert!(
        reason.starts_with("the head spec does not generate: ") && reason.contains("operation ID"),
        "{reason}"
    );
    assert!(!reason.contains('\n'));
    let text = report.text();
    assert!(
        text.starts_with(&format!("Rust API not compared: {reason}\n")),
        "{text}"
    );
    assert!(text.contains("  not compared: "), "{text}");
    // The verdict is the spec level's: the removed error response needs review.
    assert_eq!(report.count(Class::NeedsReview), 1, "{text}");
    assert!(report.changes.iter().all(|c| c.level == Level::Spec));
    assert!(
        report
            .markdown()
            .contains("**Rust API not compared:** the head spec")
    );
    let json: Value = serde_json::from_str(&report.json()).unwrap();
    assert_eq!(json["rust_api"]["compared"], false);
    assert_eq!(json["rust_api"]["reason"], reason);
    assert!(
        report
            .github()
            .starts_with("::warning title=Rust API not compared::the head spec")
    );
}

#[test]
fn a_document_the_strict_parser_refuses_is_still_compared() {
    // `responses: null` and a dangling $ref: openapiv3 refuses both.
    let mut raw = real().value;
    set(
        &mut raw,
        "/paths/~1api~1mysafe~1note/get",
        "responses",
        Value::Null,
    );
    let new = document("head", &raw);
    let report = compare(&real(), &new);
    assert!(report.rust_not_compared.is_some());
    assert!(
        report
            .changes
            .iter()
            .any(|c| c.rule == Rule::SuccessResponseRemoved
                && c.subject == "operation `list_notes`: response 200"),
        "{}",
        report.text()
    );
}

#[test]
fn github_annotations_sit_on_the_spec_line_of_each_change() {
    let report = realistic();
    let out = report.github();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), report.changes.len(), "{out}");
    let text = real_text();
    let lines_of_text: Vec<&str> = text.lines().collect();
    // A removal is on the base's line of what was removed: `post:` under its path.
    let path_line = lines_of_text
        .iter()
        .position(|l| l.trim_start() == "/api/mysafe/secretapi/inactive/{identifier}:")
        .unwrap();
    let post_line = path_line
        + lines_of_text[path_line..]
            .iter()
            .position(|l| l.trim_start().starts_with("post:"))
            .unwrap()
        + 1;
    assert!(
        lines.contains(&format!(
            "::error file=openapi/mysafe.yaml,line={post_line},title=operation-removed::operation disable_api_secret: removed (POST /api/mysafe/secretapi/inactive/{{identifier}})"
        ).as_str()),
        "{out}"
    );
    // A compatible change is a notice; the edited document's lines are the head's.
    assert!(
        lines.iter().any(|l| l.starts_with("::notice file=openapi/mysafe.yaml,line=")
            && l.contains("title=parameter-added-optional::operation list_notes: query parameter limit: added, optional")),
        "{out}"
    );
    // Rust rows point at the construct they come from when its name says which.
    let field = lines
        .iter()
        .find(|l| l.contains("types::PasswordEntity.url"))
        .unwrap();
    // The head is pretty-printed JSON here: its lines are that text's.
    let head = realistic_head().side.text;
    let head_lines: Vec<&str> = head.lines().collect();
    let start = head_lines
        .iter()
        .position(|l| l.trim_start() == "\"PasswordEntity\": {")
        .unwrap();
    let url_line = start
        + head_lines[start..]
            .iter()
            .position(|l| l.trim_start() == "\"url\": {")
            .unwrap()
        + 1;
    assert!(
        field.starts_with(&format!(
            "::error file=openapi/mysafe.yaml,line={url_line},"
        )),
        "{field}"
    );
}

#[test]
fn github_escapes_what_workflow_commands_reserve() {
    let mut c = change(Level::Spec, Rule::ConstraintChanged, "`X.y`");
    c.detail = "pattern 100% a\nb, c: d".to_owned();
    let out = Report::new(String::new(), String::new(), vec![c]).github();
    assert_eq!(
        out,
        "::warning file=openapi/mysafe.yaml,title=constraint-changed::X.y: pattern 100%25 a%0Ab, c: d\n"
    );
}

#[test]
fn rules_list_counts_oasdiff_coverage_and_names_the_gaps() {
    let list = super::report::rules_list();
    let first = list.lines().next().unwrap();
    assert_eq!(
        first,
        format!(
            "{} rules; they cover {} oasdiff rule ids.",
            Rule::ALL.len(),
            super::oasdiff::covered()
        )
    );
    assert!(
        list.contains(", request-property-max-length-set (ERR),"),
        "{list}"
    );
    assert!(
        list.contains("not detected (oasdiff detects them):\n  - sunset dates"),
        "{list}"
    );
}

#[test]
fn degraded_report_markdown() {
    // The head has an operation without operationId: only the spec level is compared.
    let new = real_edited(|s| {
        let op = at(s, "/paths/~1api~1mysafe~1note/get");
        op.as_object_mut().unwrap().remove("operationId");
        set(
            s,
            "/paths/~1api~1mysafe~1note/get",
            "deprecated",
            json!(true),
        );
    });
    insta::assert_snapshot!(compare(&real(), &new).markdown());
}

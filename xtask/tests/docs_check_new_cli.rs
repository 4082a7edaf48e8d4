//! `cargo xtask docs check --fail-on ... --format json`, as a scheduled job runs
//! it: additive findings pass by default and fail with `--fail-on new`, differing
//! fields fail only with `--fail-on any`, and the JSON report parses.

use std::path::Path;
use std::process::{Command, Output};

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("the xtask binary runs")
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// A disable page whose answer has a key the spec does not know.
const NEW_KEY: &str = "`POST` `api/mysafe/password/inactive/[identifier]`\n\n```json\nHTTP/1.1 200 OK\n```\n\
                       ```json\n{\"code\": 200, \"response\": {\"status\": 200}, \"audit_id\": \"a-1\"}\n```\n";
/// A create-note page that documents `name` as an integer.
const DIFFERS: &str = "`POST` `api/mysafe/note`\n\nSend the parameters below in the request <b>body</b>.\n\n\
                       * `name` - int - required - Name of the note.\n";

#[test]
fn new_findings_fail_only_with_fail_on_new() {
    let tmp = tempfile::tempdir().unwrap();
    let page = write(tmp.path(), "new.md", NEW_KEY);
    let out = xtask(&["docs", "check", &page]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.starts_with(&format!(
            "{page}:7: disable_password 200: accepted, new: /audit_id\n"
        )),
        "{stdout}"
    );
    for fail_on in ["new", "any"] {
        let out = xtask(&["docs", "check", &page, "--fail-on", fail_on]);
        assert_eq!(out.status.code(), Some(1), "--fail-on {fail_on}");
    }
}

#[test]
fn differing_fields_fail_only_with_fail_on_any() {
    let tmp = tempfile::tempdir().unwrap();
    let page = write(tmp.path(), "differs.md", DIFFERS);
    for (fail_on, code) in [("rejected", 0), ("new", 0), ("any", 1)] {
        let out = xtask(&["docs", "check", &page, "--fail-on", fail_on]);
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "--fail-on {fail_on}: {stdout}"
        );
        assert!(
            stdout.contains(
                "differs.md:5: create_note body field /name: differs: documented as int, the spec has string\n"
            ),
            "{stdout}"
        );
    }
}

#[test]
fn the_json_format_is_one_document_with_examples_fields_notes_and_summary() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "new.md", NEW_KEY);
    write(tmp.path(), "differs.md", DIFFERS);
    let dir = tmp.path().to_string_lossy().into_owned();
    let out = xtask(&[
        "docs",
        "check",
        &dir,
        "--format",
        "json",
        "--fail-on",
        "new",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["examples"].as_array().unwrap().len(), 1);
    assert_eq!(json["examples"][0]["page"], "new.md");
    assert_eq!(json["examples"][0]["verdict"], "new");
    assert_eq!(
        json["examples"][0]["new"],
        serde_json::json!([{"kind": "key", "pointer": "/audit_id"}])
    );
    assert_eq!(json["fields"].as_array().unwrap().len(), 1);
    assert_eq!(json["fields"][0]["verdict"], "differs");
    assert_eq!(json["fields"][0]["location"], "body");
    assert_eq!(json["fields"][0]["format"], "bullet");
    assert_eq!(json["notes"], serde_json::json!([]));
    assert_eq!(json["summary"]["accepted_with_new"], 1);
    assert_eq!(json["summary"]["fields_differ"], 1);
    assert_eq!(json["fails"], true);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("a-1"));
}

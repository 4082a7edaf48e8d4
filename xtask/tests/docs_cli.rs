//! `cargo xtask docs check` as a maintainer runs it: its exit status and output.

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

const GOOD: &str = "`POST` `api/mysafe/password/inactive/[identifier]`\n\n```json\nHTTP/1.1 200 OK\n```\n\
                    ```json\n{\"code\": 200, \"response\": {\"status\": 200}}\n```\n";
/// The summary's second line for pages that document no field.
const NO_FIELDS: &str = "0 documented fields read (0 in tables, 0 in bullet lists, 0 in plain lines): \
                         0 as in the spec, 0 new, 0 differ; notes: 0 contradicted by the page's own \
                         example, 0 disagreeing between pages; 0 below a new field (not compared), \
                         0 on operations not in the spec\n";
const BAD: &str = "`POST` `api/mysafe/password/inactive/[identifier]`\n\n```json\nHTTP/1.1 200 OK\n```\n\
                   ```json\n{\"code\": 200, \"response\": {\"status\": \"ok\"}}\n```\n";

#[test]
fn all_accepted_exits_0_with_one_line_per_example_and_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let page = write(tmp.path(), "good.md", GOOD);
    let out = xtask(&["docs", "check", &page]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert_eq!(
        stdout,
        format!(
            "{page}:7: disable_password 200: accepted\n\
             1 examples in 1 pages: 1 accepted, 0 of them with something new (0 unknown keys, \
             0 unknown error codes, 0 unknown outcome messages), 0 rejected, 0 not in the spec\n\
             {NO_FIELDS}"
        )
    );
}

#[test]
fn any_rejected_exits_1_and_a_directory_is_searched() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "good.md", GOOD);
    write(tmp.path(), "bad.txt", BAD);
    write(tmp.path(), "README.md", "not a page: {\"ignored\": true}\n");
    let out = xtask(&["docs", "check", &tmp.path().to_string_lossy()]);
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert_eq!(
        stdout,
        format!(
            "bad.txt:7: disable_password 200: REJECTED: /response/status: expected integer, found string\n\
         good.md:7: disable_password 200: accepted\n\
         2 examples in 2 pages: 1 accepted, 0 of them with something new (0 unknown keys, \
         0 unknown error codes, 0 unknown outcome messages), 1 rejected, 0 not in the spec\n\
         {NO_FIELDS}"
        )
    );
}

#[test]
fn unusable_input_exits_2_with_one_line() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.md");
    let out = xtask(&["docs", "check", &missing.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.starts_with("error: ") && stderr.contains("missing.md"),
        "{stderr}"
    );

    let page = write(tmp.path(), "good.md", GOOD);
    let spec = write(tmp.path(), "spec.yaml", "openapi: [3.0.3\n");
    let out = xtask(&["docs", "check", &page, "--spec", &spec]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("invalid YAML"), "{stderr}");
}

// `--fail-on` and `--format json`, as a scheduled job runs the check: additive
// findings pass by default and fail with `--fail-on new`, differing fields fail
// only with `--fail-on any`, and the JSON report parses.

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

//! `cargo xtask codegen` as a maintainer runs it: exit codes and what it prints.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .output()
        .expect("xtask runs")
}

/// A scratch copy of the spec, edited by `edit`.
fn spec_variant(name: &str, edit: impl FnOnce(String) -> String) -> PathBuf {
    let text = std::fs::read_to_string(root().join("openapi/mysafe.yaml")).unwrap();
    let dir = std::env::temp_dir().join(format!("xtask-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, edit(text)).unwrap();
    path
}

fn generated() -> String {
    std::fs::read_to_string(root().join("crates/mysafe-client/src/generated_client.rs")).unwrap()
}

#[test]
fn committed_client_is_up_to_date() {
    let out = xtask(&["codegen", "--check"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn edited_spec_fails_check_with_diff_and_writes_nothing() {
    let before = generated();
    let spec = spec_variant("edited.yaml", |t| {
        t.replace(
            "summary: Disable (deactivate) a password.",
            "summary: Disable a password right now.",
        )
    });
    let out = xtask(&["codegen", "--check", "--spec", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("--- a/crates/mysafe-client/src/generated_client.rs"),
        "{diff}"
    );
    assert!(
        diff.contains("+    /**Disable a password right now"),
        "{diff}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("run `cargo xtask codegen`"), "{stderr}");
    assert_eq!(generated(), before, "check mode must not write");
}

/// Each bad spec gives exactly one line on stderr that names the file and the
/// problem, exit status 2, and no panic.
#[test]
fn invalid_specs_give_one_line_errors() {
    type Edit = fn(String) -> String;
    let cases: [(&str, Edit, &str); 5] = [
        (
            "bad-yaml.yaml",
            |t| t.replacen("paths:", "paths: [", 1),
            "invalid YAML",
        ),
        (
            "v31.yaml",
            |t| t.replacen("openapi: 3.0.3", "openapi: 3.1.0", 1),
            "OpenAPI 3.1.0 is not supported",
        ),
        (
            "dangling.yaml",
            |t| t.replacen("schemas/StatusResponse\"", "schemas/Nope\"", 1),
            "dangling $ref \"#/components/schemas/Nope\"",
        ),
        (
            "two-errors.yaml",
            |t| {
                t.replacen(
                    "        \"500\":\n          $ref: \"#/components/responses/InternalServerError\"",
                    "        \"500\":\n          description: boom\n          content:\n            application/json:\n              schema:\n                $ref: \"#/components/schemas/StatusResponse\"",
                    1,
                )
            },
            "error responses use 2 different schemas",
        ),
        (
            "no-idempotency.yaml",
            |t| t.replacen("      x-idempotent: true\n", "", 1),
            "operation get_token has no `x-idempotent: true|false`",
        ),
    ];
    for (name, edit, expected) in cases {
        let spec = spec_variant(name, edit);
        let out = xtask(&["codegen", "--check", "--spec", spec.to_str().unwrap()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(
            stderr.starts_with(&format!("error: {}: ", spec.display())),
            "{name}: {stderr}"
        );
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

/// The mocks are generated from the same spec: a change that reaches them shows in
/// the check's diff of `generated_httpmock.rs` as well.
#[test]
fn a_spec_change_also_stales_the_mocks() {
    let spec = spec_variant("moved.yaml", |t| {
        t.replace(
            "/api/mysafe/password/inactive/{identifier}:",
            "/api/mysafe/password/deactivate/{identifier}:",
        )
    });
    let out = xtask(&["codegen", "--check", "--spec", spec.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("--- a/crates/mysafe-client-httpmock/src/generated_httpmock.rs"),
        "{diff}"
    );
    assert!(
        diff.contains(r#"+                        regex::Regex::new("^/api/mysafe/password/deactivate/[^/]*$")"#),
        "{diff}"
    );
}

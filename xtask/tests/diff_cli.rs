//! `cargo xtask diff` as a maintainer runs it, on throwaway git repositories: the
//! exit codes and the one-line errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = include_str!("../src/diff/test_spec.yaml");
const SPEC_PATH: &str = "openapi/mysafe.yaml";

/// A git repository in a temporary directory, removed when dropped.
struct Repo(PathBuf);

impl Repo {
    fn new(name: &str, branch: &str) -> Repo {
        let dir = std::env::temp_dir().join(format!("xtask-diff-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("openapi")).unwrap();
        let repo = Repo(dir);
        repo.git(&["init", "-q", "-b", branch]);
        repo
    }

    fn git(&self, args: &[&str]) {
        let out = Command::new("git")
            .arg("-C")
            .arg(&self.0)
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(["-c", "commit.gpgsign=false"])
            .args(args)
            .output()
            .expect("git runs");
        assert!(
            out.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn write(&self, path: &str, text: &str) {
        std::fs::write(self.0.join(path), text).unwrap();
    }

    fn commit(&self, message: &str) {
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Runs `xtask diff --repo <this repo> ARGS`.
    fn diff(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("diff")
            .arg("--repo")
            .arg(self.path())
            .args(args)
            .output()
            .expect("xtask runs")
    }
}

impl Drop for Repo {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A repository whose `main` has the test spec committed.
fn with_spec(name: &str) -> Repo {
    let repo = Repo::new(name, "main");
    repo.write(SPEC_PATH, SPEC);
    repo.commit("spec");
    repo
}

#[test]
fn unchanged_spec_says_no_api_changes() {
    let repo = with_spec("same");
    let out = repo.diff(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("no API changes (base: merge base of HEAD and main ("),
        "{text}"
    );
}

#[test]
fn without_main_the_base_is_head_and_says_so() {
    let repo = Repo::new("nomain", "work");
    repo.write(SPEC_PATH, SPEC);
    repo.commit("spec");
    let out = repo.diff(&["--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("no API changes (base: HEAD (no main or origin/main"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn unknown_revision_is_one_line_and_exit_2() {
    let repo = with_spec("badrev");
    let out = repo.diff(&["--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: unknown revision `no-such-branch`: git cannot resolve it to a commit, and it is not `REV:PATH` or a file\n"
    );
    assert_eq!(stdout(&out), "");
}

#[test]
fn spec_missing_at_revision_is_one_line_and_exit_2() {
    let repo = Repo::new("missing", "main");
    repo.write("README.md", "before the spec\n");
    repo.commit("no spec yet");
    repo.write(SPEC_PATH, SPEC);
    repo.commit("spec");
    let out = repo.diff(&["--base", "HEAD~1"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: openapi/mysafe.yaml does not exist at `HEAD~1` ("),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn invalid_spec_in_working_tree_is_named() {
    let repo = with_spec("badnew");
    repo.write(SPEC_PATH, "openapi: [3.0.3\n");
    let out = repo.diff(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: openapi/mysafe.yaml (working tree): invalid YAML:"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn invalid_spec_at_base_is_named() {
    let repo = Repo::new("badold", "main");
    repo.write(SPEC_PATH, &SPEC.replace("3.0.3", "3.1.0"));
    repo.commit("3.1 spec");
    repo.write(SPEC_PATH, SPEC);
    let out = repo.diff(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: openapi/mysafe.yaml at merge base of HEAD and `main` (")
            && err.ends_with("): OpenAPI 3.1.0 is not supported: progenitor reads 3.0.x only\n"),
        "{err}"
    );
}

#[test]
fn breaking_change_fails_only_with_fail_on() {
    let repo = with_spec("breaking");
    // Removing the required `name` from Item breaks at both levels.
    let edited = SPEC.replacen(
        "        name: { type: string }\n        url: { type: string }\n        size:",
        "        url: { type: string }\n        size:",
        1,
    );
    assert_ne!(edited, SPEC);
    repo.write(SPEC_PATH, &edited);

    let out = repo.diff(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("breaking      Item.name: removed  [response-required-field-removed]"),
        "{text}"
    );
    // A required property without a schema is any JSON value to typify.
    assert!(
        text.contains(
            "breaking      types::Item.name: String -> serde_json::Value  [rust-item-changed]"
        ),
        "{text}"
    );

    let out = repo.diff(&["--fail-on", "breaking", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["summary"]["breaking"], 2);
    assert_eq!(json["verdict"]["bump"], "minor");

    let out = repo.diff(&["--format", "markdown"]);
    assert!(
        stdout(&out).starts_with("**API change report: 2 breaking"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn compatible_change_passes_fail_on() {
    let repo = with_spec("compatible");
    let edited = SPEC.replacen(
        "        - { name: tag, in: query, schema: { type: string } }\n",
        "        - { name: tag, in: query, schema: { type: string } }\n        - { name: page, in: query, schema: { type: integer } }\n",
        1,
    );
    assert_ne!(edited, SPEC);
    repo.write(SPEC_PATH, &edited);
    let out = repo.diff(&["--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("verdict: patch bump"),
        "{}",
        stdout(&out)
    );
}

/// The test spec with one more optional query parameter on `list_items`.
fn with_page_parameter() -> String {
    let edited = SPEC.replacen(
        "        - { name: tag, in: query, schema: { type: string } }\n",
        "        - { name: tag, in: query, schema: { type: string } }\n        - { name: page, in: query, schema: { type: integer } }\n",
        1,
    );
    assert_ne!(edited, SPEC);
    edited
}

/// The 1-based line of the first line of `text` that contains `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn github_format_is_one_annotation_per_change_on_its_line() {
    let repo = with_spec("github");
    let edited = with_page_parameter();
    repo.write(SPEC_PATH, &edited);
    let out = repo.diff(&["--format", "github"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let line = line_of(&edited, "name: page");
    assert_eq!(
        stdout(&out),
        format!(
            "::notice file=openapi/mysafe.yaml,line={line},title=parameter-added-optional::operation list_items: query parameter page: added, optional\n\
             ::notice file=openapi/mysafe.yaml,line={line},title=rust-item-added::builder::ListItems::page: added: (i64)\n"
        )
    );
}

#[test]
fn head_and_base_take_files_and_rev_path() {
    let repo = with_spec("sides");
    std::fs::create_dir_all(repo.path().join("vendor")).unwrap();
    repo.write("vendor/new.yaml", &with_page_parameter());
    repo.commit("vendor spec");
    // Two files in a revision, by REV:PATH; the report says what it compared.
    let out = repo.diff(&[
        "--base",
        "main:openapi/mysafe.yaml",
        "--head",
        "main:vendor/new.yaml",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("API changes from main ("), "{text}");
    assert!(text.contains(" to vendor/new.yaml at main ("), "{text}");
    assert!(
        text.contains("query parameter page: added, optional"),
        "{text}"
    );
    // A file path; `file=` is its path relative to the repository root.
    let file = repo.path().join("vendor/new.yaml");
    let out = repo.diff(&["--head", file.to_str().unwrap(), "--format", "github"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("::notice file=vendor/new.yaml,line="),
        "{}",
        stdout(&out)
    );
    // The same spec on both sides.
    let out = repo.diff(&[
        "--base",
        file.to_str().unwrap(),
        "--head",
        "HEAD:vendor/new.yaml",
    ]);
    assert!(
        stdout(&out).starts_with("no API changes (base: file "),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_head_progenitor_cannot_generate_is_still_reported_with_exit_0_or_1() {
    let repo = with_spec("nogen");
    // No operationId on list_items, and the removed 400 of get_item: spec-level rows.
    let edited = SPEC
        .replacen("      operationId: list_items\n", "", 1)
        .replacen(
            "              schema: { $ref: \"#/components/schemas/Item\" }\n        \"400\": { $ref: \"#/components/responses/Error\" }\n  /login:",
            "              schema: { $ref: \"#/components/schemas/Item\" }\n  /login:",
            1,
        );
    assert_ne!(edited, SPEC);
    repo.write(SPEC_PATH, &edited);
    let out = repo.diff(&["--fail-on", "breaking"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert!(
        first.starts_with("Rust API not compared: the head spec does not generate: "),
        "{text}"
    );
    assert!(
        text.contains(
            "needs review  operation get_item: response 400: removed  [error-response-removed]"
        ),
        "{text}"
    );
    // A breaking spec change still fails with --fail-on.
    let breaking = edited.replacen("      security: []\n", "", 1);
    repo.write(SPEC_PATH, &breaking);
    let out = repo.diff(&["--fail-on", "breaking", "--format", "markdown"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("**Rust API not compared:**"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn list_rules_prints_the_oasdiff_coverage() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["diff", "--list-rules"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(
        text.lines().next().unwrap().contains(" oasdiff rule ids."),
        "{text}"
    );
    assert!(
        text.contains("rust-required-setter-added (breaking)"),
        "{text}"
    );
}

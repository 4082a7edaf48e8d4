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
        "error: unknown revision `no-such-branch`: git cannot resolve it to a commit\n"
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
    // Removing `url` from Item breaks at both levels.
    let edited = SPEC.replacen(
        "        url: { type: string }\n        size:",
        "        size:",
        1,
    );
    assert_ne!(edited, SPEC);
    repo.write(SPEC_PATH, &edited);

    let out = repo.diff(&[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("breaking      Item.url: removed  [response-field-removed]"),
        "{text}"
    );
    assert!(
        text.contains(
            "breaking      types::Item.url: removed: Option<String>  [rust-item-removed]"
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

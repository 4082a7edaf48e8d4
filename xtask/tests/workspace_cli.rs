//! The xtask binary as it runs on real set-ups: one target directory shared by two
//! clones (or git worktrees), run from a subdirectory, or outside any clone; and
//! what it prints when the pages or the arguments hold secrets.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn this_clone() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

const GENERATED: &str = "crates/mysafe-client/src/generated_client.rs";

/// A second clone of the workspace: the two manifests that make it the workspace,
/// and the spec and the crates, which `cargo xtask codegen` reads and writes.
fn second_clone() -> tempfile::TempDir {
    let clone = tempfile::tempdir().unwrap();
    std::fs::create_dir(clone.path().join("xtask")).unwrap();
    for file in ["Cargo.toml", "xtask/Cargo.toml"] {
        std::fs::copy(this_clone().join(file), clone.path().join(file)).unwrap();
    }
    for dir in ["openapi", "crates"] {
        copy_dir(&this_clone().join(dir), &clone.path().join(dir));
    }
    clone
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            if entry.file_name() != "target" {
                copy_dir(&entry.path(), &target);
            }
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// The binary built in this clone's target directory, run the way `cargo run` (which
/// `cargo xtask` is) runs it from `clone`: cargo reuses the binary when the target
/// directory is shared, and sets the package's variables for the clone it runs in.
fn xtask_in(clone: &Path, cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(cwd)
        .env("CARGO_MANIFEST_DIR", clone.join("xtask"))
        .env("CARGO_MANIFEST_PATH", clone.join("xtask/Cargo.toml"))
        .env("CARGO_PKG_NAME", "xtask")
        .output()
        .expect("the xtask binary runs")
}

/// `codegen --check` run from `cwd` as a person runs the binary, without cargo.
fn check_outside_cargo(cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["codegen", "--check"])
        .current_dir(cwd)
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .unwrap()
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(path).unwrap()
}

#[test]
fn a_binary_shared_by_two_clones_works_on_the_clone_it_runs_in() {
    let clone = second_clone();
    let ours_before = read(this_clone().join(GENERATED));
    // The second clone's spec has a change this one's has not.
    let spec = clone.path().join("openapi/mysafe.yaml");
    let text = read(spec.clone()).replace(
        "summary: Disable (deactivate) a password.",
        "summary: Disable a password, in the second clone.",
    );
    std::fs::write(&spec, text).unwrap();

    let out = xtask_in(clone.path(), clone.path(), &["codegen", "--check"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("in the second clone"),
        "the check did not read the second clone's spec"
    );

    let out = xtask_in(clone.path(), clone.path(), &["codegen"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(read(clone.path().join(GENERATED)).contains("in the second clone"));
    assert_eq!(
        read(this_clone().join(GENERATED)),
        ours_before,
        "the first clone's client was written"
    );
}

#[test]
fn without_cargo_the_workspace_is_the_one_above_the_current_directory() {
    let clone = second_clone();
    let deep = clone.path().join("crates/mysafe-client/src");
    let out = check_outside_cargo(&deep);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // With the clone's client made stale, the check fails there, so it is the
    // clone's client that was checked.
    std::fs::write(clone.path().join(GENERATED), "// stale\n").unwrap();
    let out = check_outside_cargo(&deep);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn outside_any_clone_the_error_is_one_line() {
    let nowhere = tempfile::tempdir().unwrap();
    let out = check_outside_cargo(nowhere.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: cannot find the mysafe-rs workspace"),
        "{stderr}"
    );
}

#[test]
fn an_error_line_that_quotes_a_url_is_redacted() {
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "docs",
            "check",
            "https://admin:hunter2@pam.example.com/docs?client_secret=s3cr3t",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr
            .starts_with("error: https://***@pam.example.com/docs?client_secret=***: cannot read"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("hunter2") && !stderr.contains("s3cr3t"),
        "{stderr}"
    );
}

#[test]
fn both_report_formats_mask_the_secrets_a_page_quotes() {
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("page.md");
    std::fs::write(
        &page,
        "`GET` `https://ops:s3cr3t@pam.example.com/api/pam/device/14?client_secret=k3y`\n\n\
         ```json\n{\"code\": 200, \"device\": {}}\n```\n",
    )
    .unwrap();
    let page = page.to_string_lossy().into_owned();
    for format in ["text", "json"] {
        let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["docs", "check", "--format", format, &page])
            .output()
            .unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(0), "{stdout}");
        assert!(
            !stdout.contains("s3cr3t") && !stdout.contains("k3y"),
            "{stdout}"
        );
        assert!(
            stdout.contains("https://***@pam.example.com/api/pam/device/14?client_secret=***"),
            "{stdout}"
        );
        if format == "json" {
            serde_json::from_str::<serde_json::Value>(&stdout).expect("still one JSON document");
        }
    }
}

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
             0 documented fields read (0 in tables, 0 in bullet lists, 0 in plain lines): 0 as in \
             the spec, 0 new, 0 differ; notes: 0 contradicted by the page's own example, 0 \
             disagreeing between pages; 0 below a new field (not compared), 0 on operations not \
             in the spec\n"
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
        "bad.txt:7: disable_password 200: REJECTED: /response/status: expected integer, found string\n\
         good.md:7: disable_password 200: accepted\n\
         2 examples in 2 pages: 1 accepted, 0 of them with something new (0 unknown keys, \
         0 unknown error codes, 0 unknown outcome messages), 1 rejected, 0 not in the spec\n\
         0 documented fields read (0 in tables, 0 in bullet lists, 0 in plain lines): 0 as in \
         the spec, 0 new, 0 differ; notes: 0 contradicted by the page's own example, 0 \
         disagreeing between pages; 0 below a new field (not compared), 0 on operations not \
         in the spec\n"
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

//! The corpus: one pair of small specs per rule under `xtask/tests/diff-corpus/<rule>/`
//! (`base.yaml`, `head.yaml`, and `expected.txt`, the rows the pair must give, one
//! per line as `<class> <rule> <where>: <change>`). Pairs named `rust-*` are compared
//! at both levels (both sides generate); the others at the spec level.
//!
//! The test fails when a rule stops firing, when a pair gives a row its
//! `expected.txt` does not list, and when a rule has no pair.

use std::path::PathBuf;

use super::change::Rule;
use super::testkit::document_text;
use super::{compare, spec_diff};

fn corpus() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/diff-corpus")
}

/// The rows a pair gives, sorted.
fn rows(rule: &str) -> Vec<String> {
    let dir = corpus().join(rule);
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let old = document_text("base", &read("base.yaml"));
    let new = document_text("head", &read("head.yaml"));
    let changes = if rule.starts_with("rust-") {
        let report = compare(&old, &new);
        assert_eq!(
            report.rust_not_compared, None,
            "{rule}: both sides must generate"
        );
        report.changes
    } else {
        spec_diff::compare(&old.value, &new.value)
    };
    let mut rows: Vec<String> = changes
        .iter()
        .map(|c| format!("{} {} {c}", c.class.key(), c.rule.id()))
        .collect();
    rows.sort();
    rows
}

#[test]
fn every_pair_gives_exactly_its_expected_rows() {
    let mut failures = Vec::new();
    for rule in Rule::ALL {
        let dir = corpus().join(rule.id());
        let Ok(expected) = std::fs::read_to_string(dir.join("expected.txt")) else {
            failures.push(format!("{}: no pair in {}", rule.id(), dir.display()));
            continue;
        };
        let mut expected: Vec<String> = expected.lines().map(str::to_owned).collect();
        expected.sort();
        let fires = expected
            .iter()
            .any(|row| row.split(' ').nth(1) == Some(rule.id()));
        if !fires {
            failures.push(format!(
                "{}: expected.txt has no row of the rule",
                rule.id()
            ));
        }
        let got = rows(rule.id());
        if got != expected {
            failures.push(format!(
                "{}:\n  expected:\n    {}\n  got:\n    {}",
                rule.id(),
                expected.join("\n    "),
                got.join("\n    ")
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_pair_is_named_after_a_rule() {
    for entry in std::fs::read_dir(corpus()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            Rule::ALL.iter().any(|r| r.id() == name),
            "{name} is not a rule id"
        );
    }
}

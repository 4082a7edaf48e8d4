//! `cargo xtask docs check`: one line per example with its verdict, and a summary.

use std::fmt::Write as _;

use anyhow::Result;

use super::extract::Example;
use super::locate::{PageFindings, Target};
use super::spec_index::SpecIndex;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Accepted,
    /// Not valid JSON, or the spec's schema refuses it: the reason says where.
    Rejected(String),
    NotInSpec(String),
}

/// Validates one located example against the spec.
pub fn verdict(spec: &SpecIndex, example: &Example, target: &Target) -> Result<Verdict> {
    let (operation, status) = match target {
        Target::NotInSpec(what) => return Ok(Verdict::NotInSpec(what.clone())),
        Target::Unknown(why) => return Ok(Verdict::Rejected(why.clone())),
        Target::NoStatus { .. } => {
            return Ok(Verdict::Rejected(
                "the page does not say which status this answer is for".to_owned(),
            ));
        }
        Target::Request { operation } => (operation, None),
        Target::Response { operation, status } => (operation, Some(*status)),
    };
    let op = spec
        .operation(operation)
        .expect("located examples name operations of the spec");
    let schema = match status {
        None => match &op.body {
            Some(schema) => schema,
            None => {
                return Ok(Verdict::Rejected(format!(
                    "{operation} takes no request body"
                )));
            }
        },
        Some(status) => match op.responses.get(&status) {
            Some(Some(schema)) => schema,
            Some(None) => {
                return Ok(Verdict::Rejected(format!(
                    "the spec gives {operation}'s {status} answer no body"
                )));
            }
            None => {
                return Ok(Verdict::Rejected(format!(
                    "the spec documents no {status} answer for {operation}"
                )));
            }
        },
    };
    let value = match &example.parsed {
        Ok(value) => value,
        Err(problem) => {
            let mut why = problem.to_string();
            if let Some(value) = &problem.with_words_quoted {
                let problems = spec.validate(schema, value)?;
                if let Some(summary) = summarize(&problems) {
                    why.push_str(&format!("; with its bare words quoted, also {summary}"));
                }
            }
            return Ok(Verdict::Rejected(why));
        }
    };
    let problems = spec.validate(schema, value)?;
    Ok(summarize(&problems).map_or(Verdict::Accepted, Verdict::Rejected))
}

/// The first problem, and how many more there are.
fn summarize(problems: &[String]) -> Option<String> {
    match problems {
        [] => None,
        [one] => Some(one.clone()),
        [first, rest @ ..] => Some(format!("{first} (and {} more)", rest.len())),
    }
}

/// Totals over every page checked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub examples: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub not_in_spec: usize,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} examples in {} pages: {} accepted, {} rejected, {} not in the spec",
            self.examples, self.pages, self.accepted, self.rejected, self.not_in_spec
        )
    }
}

/// The report lines of one page (`label` is how the page is named in them).
pub fn report_page(
    spec: &SpecIndex,
    label: &str,
    findings: &PageFindings,
    summary: &mut Summary,
) -> Result<String> {
    let mut out = String::new();
    summary.pages += 1;
    let mut lines: Vec<(usize, String)> = findings
        .notes
        .iter()
        .map(|(line, note)| (*line, format!("{label}:{line}: note: {note}")))
        .collect();
    for located in &findings.examples {
        let line = located.example.line;
        let what = match &located.target {
            Target::Request { operation } => format!("{operation} request"),
            Target::Response { operation, status } => format!("{operation} {status}"),
            Target::NoStatus { operation } => format!("{operation} ?"),
            Target::NotInSpec(_) | Target::Unknown(_) => String::new(),
        };
        let verdict = verdict(spec, &located.example, &located.target)?;
        summary.examples += 1;
        let verdict = match verdict {
            Verdict::Accepted => {
                summary.accepted += 1;
                "accepted".to_owned()
            }
            Verdict::Rejected(why) => {
                summary.rejected += 1;
                format!("REJECTED: {why}")
            }
            Verdict::NotInSpec(what) => {
                summary.not_in_spec += 1;
                format!("not in the spec: {what}")
            }
        };
        let text = match &located.target {
            Target::NotInSpec(_) | Target::Unknown(_) => format!("{label}:{line}: {verdict}"),
            _ => format!("{label}:{line}: {what}: {verdict}"),
        };
        lines.push((line, text));
    }
    if findings.examples.is_empty() {
        lines.push((0, format!("{label}: no JSON example")));
    }
    lines.sort_by_key(|(line, _)| *line);
    for (_, text) in lines {
        writeln!(out, "{text}").expect("writing to a String");
    }
    Ok(out)
}

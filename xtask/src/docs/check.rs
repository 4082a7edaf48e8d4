//! `cargo xtask docs check`: one line per example with its verdict, one per
//! documented field the spec does not agree with, notes, and a summary; as text
//! or as JSON.
//!
//! An example is accepted, rejected or not in the spec (`verdict`); an accepted
//! one that carries something the spec does not know (`additions`) is
//! "accepted, new": additive findings are their own class, never rejects, and
//! fail the run only with `--fail-on new`.

use std::fmt::Write as _;

use anyhow::Result;
use serde_json::{Value, json};

use super::additions::{Addition, additions};
use super::extract::{self, Example};
use super::field_check::{self, Evidence, FieldReport, FieldVerdict, location_name};
use super::fields::{self, Format, Location};
use super::locate::{self, Target};
use super::spec_index::SpecIndex;
use super::{PageFile, extract::Event};

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

/// What makes `docs check` exit with status 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum FailOn {
    /// A rejected example (the default).
    Rejected,
    /// Also an addition: an unknown key, error code or outcome message in an
    /// example, or a documented field the spec lacks.
    New,
    /// Also a documented field whose type or required-ness differs from the spec.
    Any,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

/// Totals over every page checked.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub pages: usize,
    pub examples: usize,
    /// Accepted examples, with or without additions.
    pub accepted: usize,
    /// Accepted examples with additions ("accepted, new").
    pub with_new: usize,
    pub rejected: usize,
    pub not_in_spec: usize,
    pub new_keys: usize,
    pub new_codes: usize,
    pub new_messages: usize,
    /// Documented fields read, in tables, bullet lists and plain lines.
    pub fields_read: [usize; 3],
    pub fields_agree: usize,
    pub fields_new: usize,
    pub fields_differ: usize,
    /// Fields that differ here but that other pages document as the spec does.
    pub fields_disagree: usize,
    /// New or differing fields that an accepted example of the page has as the
    /// spec has them.
    pub fields_contradicted: usize,
    pub fields_below_new: usize,
    pub fields_not_located: usize,
}

impl Summary {
    /// Whether the run fails under `fail_on`.
    pub fn fails(&self, fail_on: FailOn) -> bool {
        self.rejected > 0
            || (fail_on >= FailOn::New && self.with_new + self.fields_new > 0)
            || (fail_on >= FailOn::Any && self.fields_differ > 0)
    }

    fn count_field(&mut self, report: &FieldReport) {
        let format = match report.field.format {
            Format::Table => 0,
            Format::Bullet => 1,
            Format::Plain => 2,
        };
        self.fields_read[format] += 1;
        match report.verdict {
            FieldVerdict::Agrees => self.fields_agree += 1,
            FieldVerdict::New { .. } => self.fields_new += 1,
            FieldVerdict::Differs(_) => self.fields_differ += 1,
            FieldVerdict::Disagree { .. } => self.fields_disagree += 1,
            FieldVerdict::Contradicted { .. } => self.fields_contradicted += 1,
            FieldVerdict::BelowNew => self.fields_below_new += 1,
            FieldVerdict::NotLocated(_) => self.fields_not_located += 1,
        }
    }

    fn json(&self) -> Value {
        json!({
            "pages": self.pages,
            "examples": self.examples,
            "accepted": self.accepted,
            "accepted_with_new": self.with_new,
            "rejected": self.rejected,
            "not_in_spec": self.not_in_spec,
            "new_keys": self.new_keys,
            "new_error_codes": self.new_codes,
            "new_outcome_messages": self.new_messages,
            "fields_read": {
                "table": self.fields_read[0],
                "bullet": self.fields_read[1],
                "plain": self.fields_read[2],
            },
            "fields_agree": self.fields_agree,
            "fields_new": self.fields_new,
            "fields_differ": self.fields_differ,
            "fields_disagree_between_pages": self.fields_disagree,
            "fields_contradicted_by_example": self.fields_contradicted,
            "fields_below_new": self.fields_below_new,
            "fields_not_in_spec": self.fields_not_located,
        })
    }
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} examples in {} pages: {} accepted, {} of them with something new ({} unknown keys, \
             {} unknown error codes, {} unknown outcome messages), {} rejected, {} not in the spec",
            self.examples,
            self.pages,
            self.accepted,
            self.with_new,
            self.new_keys,
            self.new_codes,
            self.new_messages,
            self.rejected,
            self.not_in_spec
        )?;
        let [table, bullet, plain] = self.fields_read;
        write!(
            f,
            "\n{} documented fields read ({table} in tables, {bullet} in bullet lists, {plain} in \
             plain lines): {} as in the spec, {} new, {} differ; notes: {} contradicted by the \
             page's own example, {} disagreeing between pages; {} below a new field (not \
             compared), {} on operations not in the spec",
            table + bullet + plain,
            self.fields_agree,
            self.fields_new,
            self.fields_differ,
            self.fields_contradicted,
            self.fields_disagree,
            self.fields_below_new,
            self.fields_not_located
        )
    }
}

/// One example and its verdict.
pub struct ExampleReport {
    pub line: usize,
    pub target: Target,
    pub verdict: Verdict,
    /// What it adds, when accepted.
    pub additions: Vec<Addition>,
}

/// Everything `docs check` says about one page.
pub struct PageReport {
    pub label: String,
    pub notes: Vec<(usize, String)>,
    pub examples: Vec<ExampleReport>,
    pub fields: Vec<FieldReport>,
}

/// The whole report.
pub struct Report {
    pub pages: Vec<PageReport>,
    pub summary: Summary,
}

/// Checks every example and documented field of `pages` against the spec.
pub fn check(spec: &SpecIndex, pages: &[PageFile]) -> Result<Report> {
    let mut summary = Summary::default();
    let mut reports = Vec::new();
    let mut all_fields = Vec::new();
    for page in pages {
        let read = extract::page(&page.text);
        let findings = locate::locate(&read, spec);
        let mut examples = Vec::new();
        let mut evidence = Vec::new();
        for located in &findings.examples {
            let verdict = verdict(spec, &located.example, &located.target)?;
            let additions = match (&verdict, &located.example.parsed) {
                (Verdict::Accepted, Ok(value)) => {
                    evidence.extend(as_evidence(&located.target, located.example.line, value));
                    additions(spec, &located.target, value)
                }
                _ => Vec::new(),
            };
            examples.push(ExampleReport {
                line: located.example.line,
                target: located.target.clone(),
                verdict,
                additions,
            });
        }
        let request_lines: Vec<usize> = read
            .events
            .iter()
            .filter_map(|e| match e {
                Event::Request { line, .. } => Some(*line),
                _ => None,
            })
            .collect();
        let fields = fields::read(&page.text, &request_lines);
        all_fields.push((
            page.label.clone(),
            field_check::check_page(spec, &read, fields, &evidence),
        ));
        reports.push(PageReport {
            label: page.label.clone(),
            notes: findings.notes,
            examples,
            fields: Vec::new(),
        });
    }
    field_check::settle_between_pages(&mut all_fields);
    for (report, (_, fields)) in reports.iter_mut().zip(all_fields) {
        report.fields = fields;
        summary.pages += 1;
        for example in &report.examples {
            summary.examples += 1;
            match &example.verdict {
                Verdict::Accepted => summary.accepted += 1,
                Verdict::Rejected(_) => summary.rejected += 1,
                Verdict::NotInSpec(_) => summary.not_in_spec += 1,
            }
            if !example.additions.is_empty() {
                summary.with_new += 1;
            }
            for addition in &example.additions {
                match addition {
                    Addition::Key(_) => summary.new_keys += 1,
                    Addition::Code { .. } => summary.new_codes += 1,
                    Addition::OutcomeMessage { .. } => summary.new_messages += 1,
                }
            }
        }
        for field in &report.fields {
            summary.count_field(field);
        }
    }
    Ok(Report {
        pages: reports,
        summary,
    })
}

/// What an accepted example shows of its operation, for the field checks.
fn as_evidence<'a>(
    target: &'a Target,
    line: usize,
    value: &'a serde_json::Value,
) -> Option<Evidence<'a>> {
    let (operation, location) = match target {
        Target::Request { operation } => (operation, Location::Body),
        Target::Response { operation, status } if (200..300).contains(status) => {
            (operation, Location::Response)
        }
        _ => return None,
    };
    Some(Evidence {
        line,
        operation,
        location,
        value,
    })
}

/// `get_password 200`, `create_note request`, `get_password ?`.
fn example_what(target: &Target) -> Option<String> {
    match target {
        Target::Request { operation } => Some(format!("{operation} request")),
        Target::Response { operation, status } => Some(format!("{operation} {status}")),
        Target::NoStatus { operation } => Some(format!("{operation} ?")),
        Target::NotInSpec(_) | Target::Unknown(_) => None,
    }
}

fn example_verdict_text(example: &ExampleReport) -> String {
    match &example.verdict {
        Verdict::Accepted if example.additions.is_empty() => "accepted".to_owned(),
        Verdict::Accepted => {
            let new: Vec<String> = example.additions.iter().map(|a| a.to_string()).collect();
            format!("accepted, new: {}", new.join(", "))
        }
        Verdict::Rejected(why) => format!("REJECTED: {why}"),
        Verdict::NotInSpec(what) => format!("not in the spec: {what}"),
    }
}

/// `path parameter identifier`, `body field /users_allowed/can_edit`: where the
/// page puts the field, or where the spec has it when the page does not say.
fn field_what(report: &FieldReport) -> String {
    let location = match report.field.location {
        Location::Unknown => report.location,
        documented => documented,
    };
    let name = match location {
        Location::Path | Location::Query | Location::Unknown => report.field.path.join("."),
        _ => field_check::pointer(&report.field.path),
    };
    format!("{} {name}", location_name(location))
}

/// The report line of a field, when it says more than "as in the spec".
fn field_line(report: &FieldReport) -> Option<String> {
    let what = field_what(report);
    let op = report.operation.as_deref().unwrap_or_default();
    Some(match &report.verdict {
        FieldVerdict::Agrees | FieldVerdict::BelowNew => return None,
        FieldVerdict::NotLocated(why) => format!("{what}: not in the spec: {why}"),
        FieldVerdict::Contradicted { finding, line } => match finding.as_ref() {
            FieldVerdict::New {
                near: Some(near),
                below,
            } => {
                let below = match below {
                    0 => String::new(),
                    n => format!(" ({n} fields documented below it not compared)"),
                };
                format!(
                    "{op} {what}: note: documented, not in the spec; the page's example at line \
                     {line} has {near}, the spec's name{below}"
                )
            }
            finding => format!(
                "{op} {what}: note: {}; the page's example at line {line} has the spec's type",
                finding_text(finding)
            ),
        },
        FieldVerdict::Disagree { differences, pages } => {
            let named = match pages.as_slice() {
                [one] => format!("{one} documents"),
                [first, second] => format!("{first} and {second} document"),
                [first, rest @ ..] => format!("{first} and {} more pages document", rest.len()),
                [] => "other pages document".to_owned(),
            };
            format!(
                "{op} {what}: note: {}, but {named} it as the spec does",
                differences_text(differences)
            )
        }
        finding @ (FieldVerdict::New { .. } | FieldVerdict::Differs(_)) => {
            let class = if matches!(finding, FieldVerdict::New { .. }) {
                "new"
            } else {
                "differs"
            };
            format!("{op} {what}: {class}: {}", finding_text(finding))
        }
    })
}

fn differences_text(differences: &[field_check::Difference]) -> String {
    let texts: Vec<String> = differences.iter().map(|d| d.to_string()).collect();
    texts.join("; ")
}

/// What a new or differing field's finding says.
fn finding_text(finding: &FieldVerdict) -> String {
    match finding {
        FieldVerdict::New { near, below } => {
            let mut text = "documented, not in the spec".to_owned();
            if let Some(near) = near {
                text.push_str(&format!(" (the spec has {near})"));
            }
            if *below > 0 {
                text.push_str(&format!(
                    "; {below} fields documented below it not compared"
                ));
            }
            text
        }
        FieldVerdict::Differs(differences) => differences_text(differences),
        _ => String::new(),
    }
}

impl Report {
    /// The text report, one line per example, note and field finding, page by
    /// page (without the summary).
    pub fn text(&self) -> String {
        let mut out = String::new();
        for page in &self.pages {
            let label = &page.label;
            let mut lines: Vec<(usize, String)> = page
                .notes
                .iter()
                .map(|(line, note)| (*line, format!("{label}:{line}: note: {note}")))
                .collect();
            for example in &page.examples {
                let line = example.line;
                let verdict = example_verdict_text(example);
                lines.push((
                    line,
                    match example_what(&example.target) {
                        Some(what) => format!("{label}:{line}: {what}: {verdict}"),
                        None => format!("{label}:{line}: {verdict}"),
                    },
                ));
            }
            for field in &page.fields {
                if let Some(text) = field_line(field) {
                    let line = field.field.line;
                    lines.push((line, format!("{label}:{line}: {text}")));
                }
            }
            if page.examples.is_empty() {
                lines.push((0, format!("{label}: no JSON example")));
            }
            lines.sort_by_key(|(line, _)| *line);
            for (_, text) in lines {
                writeln!(out, "{text}").expect("writing to a String");
            }
        }
        out
    }

    /// The JSON report: one object per example, documented field and note, and
    /// the summary. README "How `docs check` reads a page" documents its shape.
    pub fn json(&self, fail_on: FailOn) -> Value {
        let mut examples = Vec::new();
        let mut fields = Vec::new();
        let mut notes = Vec::new();
        for page in &self.pages {
            for (line, note) in &page.notes {
                notes.push(json!({"page": page.label, "line": line, "note": note}));
            }
            for example in &page.examples {
                examples.push(example_json(&page.label, example));
            }
            for field in &page.fields {
                fields.push(field_json(&page.label, field));
            }
        }
        json!({
            "examples": examples,
            "fields": fields,
            "notes": notes,
            "summary": self.summary.json(),
            "fails": self.summary.fails(fail_on),
        })
    }
}

fn example_json(page: &str, example: &ExampleReport) -> Value {
    let (operation, status) = match &example.target {
        Target::Request { operation } => (Some(operation), json!("request")),
        Target::Response { operation, status } => (Some(operation), json!(status)),
        Target::NoStatus { operation } => (Some(operation), Value::Null),
        Target::NotInSpec(_) | Target::Unknown(_) => (None, Value::Null),
    };
    let (verdict, reason) = match &example.verdict {
        Verdict::Accepted if example.additions.is_empty() => ("accepted", None),
        Verdict::Accepted => ("new", None),
        Verdict::Rejected(why) => ("rejected", Some(why.clone())),
        Verdict::NotInSpec(what) => ("not_in_spec", Some(what.clone())),
    };
    let new: Vec<Value> = example
        .additions
        .iter()
        .map(|addition| match addition {
            Addition::Key(pointer) => json!({"kind": "key", "pointer": pointer}),
            Addition::Code { code, pointer } => {
                json!({"kind": "error_code", "code": code, "pointer": pointer})
            }
            Addition::OutcomeMessage { pointer } => {
                json!({"kind": "outcome_message", "pointer": pointer})
            }
        })
        .collect();
    json!({
        "page": page,
        "line": example.line,
        "operation": operation,
        "status": status,
        "verdict": verdict,
        "reason": reason,
        "new": new,
    })
}

fn location_key(location: Location) -> &'static str {
    match location {
        Location::Path => "path",
        Location::Query => "query",
        Location::Body => "body",
        Location::Response => "response",
        Location::Unknown => "request",
    }
}

fn field_json(page: &str, report: &FieldReport) -> Value {
    let location = location_key(report.location);
    let contradicted_by = match &report.verdict {
        FieldVerdict::Contradicted { line, .. } => Some(*line),
        _ => None,
    };
    let finding = report.verdict.finding();
    let (differences, pages, near, below) = match finding {
        FieldVerdict::New { near, below } => (&[][..], &[][..], near.as_ref(), *below),
        FieldVerdict::Differs(d) => (d.as_slice(), &[][..], None, 0),
        FieldVerdict::Disagree { differences, pages } => {
            (differences.as_slice(), pages.as_slice(), None, 0)
        }
        _ => (&[][..], &[][..], None, 0),
    };
    let verdict = match &report.verdict {
        FieldVerdict::Agrees => "agrees",
        FieldVerdict::New { .. } => "new",
        FieldVerdict::Differs(_) => "differs",
        FieldVerdict::Disagree { .. } => "disagree",
        FieldVerdict::Contradicted { .. } => "contradicted_by_example",
        FieldVerdict::BelowNew => "below_new",
        FieldVerdict::NotLocated(_) => "not_in_spec",
    };
    json!({
        "page": page,
        "line": report.field.line,
        "operation": report.operation,
        "location": location,
        "pointer": field_check::pointer(&report.field.path),
        "format": report.field.format.name(),
        "documented": {
            "type": report.field.type_text,
            "required": report.field.required,
            "location": location_key(report.field.location),
        },
        "spec": report.spec.as_ref().map(|(ty, required)| json!({"type": ty, "required": required})),
        "verdict": verdict,
        "differences": differences.iter().map(|d| d.to_string()).collect::<Vec<_>>(),
        "pages": pages,
        "near": near,
        "below": below,
        "example_line": contradicted_by,
        "spec_lacks_it": matches!(finding, FieldVerdict::New { .. }),
    })
}

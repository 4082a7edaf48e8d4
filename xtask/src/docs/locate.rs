//! Works out which operation, and which request body or response status, each
//! example of a page belongs to.
//!
//! Each request line sets the operation of the examples below it. When a page's
//! request line and its example request disagree (the API secret pages print
//! `/api/mysafe/password/...` above a `/secretapi/...` example), the page title
//! decides, and the choice is reported as a note. The status is the last
//! `HTTP/1.1 ...` line of the section, else the section's kind (request, response,
//! errors, `400 - Bad Request`). A request line that cannot be read is settled by
//! the section heading or the page title, and a path under another route prefix
//! (`/iso/...`) is read as the spec's; both with a note.

use serde_json::Value;

use super::extract::{Event, Example, Page};
use super::spec_index::{Operation, Route, SpecIndex, is_concrete};

/// An example and what it documents.
pub struct Located {
    pub example: Example,
    pub target: Target,
}

#[derive(Clone, Debug)]
pub enum Target {
    Request {
        operation: String,
    },
    Response {
        operation: String,
        status: u16,
    },
    /// The operation is known but the page does not say which answer this is.
    NoStatus {
        operation: String,
    },
    /// The page documents something the spec has not (another API).
    NotInSpec(String),
    /// The page does not say which operation this is: why.
    Unknown(String),
}

/// Examples with their targets, and notes on choices the page forced.
pub struct PageFindings {
    pub examples: Vec<Located>,
    pub notes: Vec<(usize, String)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Request,
    Response,
    Errors,
    Other,
}

#[derive(Clone)]
struct RequestLine<'a> {
    line: usize,
    written: String,
    op: Option<&'a Operation>,
    /// The line could not be read, and nothing else named the operation.
    unreadable: bool,
}

/// The longest part of a page line a note quotes.
const QUOTED_CHARS: usize = 100;

pub fn locate(page: &Page, spec: &SpecIndex) -> PageFindings {
    let title_op = page.title.as_deref().and_then(|t| spec.by_title(t));
    let mut out = PageFindings {
        examples: Vec::new(),
        notes: Vec::new(),
    };
    let mut section = Section::Other;
    // The operation the last heading that named one names, the heading, and its level.
    let mut section_op: Option<(&Operation, &str, usize)> = None;
    let mut status: Option<u16> = None;
    // The endpoint's template line, until an example follows it.
    let mut template: Option<RequestLine> = None;
    let mut current: Option<RequestLine> = None;
    for event in &page.events {
        match event {
            Event::Heading { text, level } => {
                status = super::extract::status_section(text);
                section = classify(text);
                if let Some(op) = spec.by_title(text) {
                    section_op = Some((op, text, *level));
                } else if section_op.is_some_and(|(_, _, named)| *level > 0 && *level <= named) {
                    // A Markdown heading at the same level or above ends that section.
                    section_op = None;
                }
            }
            Event::UnreadableRequest { line, text } => {
                status = None;
                let quoted = shorten(text);
                // The section heading, unless it is the page title's operation anyway.
                let named_by = match (section_op, title_op) {
                    (_, Some(op)) if section_op.is_none_or(|(s, ..)| s.id == op.id) => {
                        Some((op, "which the page title names".to_owned()))
                    }
                    (Some((op, heading, _)), _) => Some((
                        op,
                        format!("which the section heading `{}` names", shorten(heading)),
                    )),
                    (None, _) => None,
                };
                if let Some((op, why)) = &named_by {
                    out.notes.push((
                        *line,
                        format!(
                            "cannot read the request line `{quoted}`; using {}, {why}",
                            op.id
                        ),
                    ));
                }
                let this = RequestLine {
                    line: *line,
                    written: quoted,
                    op: named_by.as_ref().map(|(op, _)| *op),
                    unreadable: named_by.is_none(),
                };
                template = Some(this.clone());
                current = Some(this);
            }
            Event::Status { code } => status = Some(*code),
            Event::Request {
                line,
                method,
                target,
            } => {
                status = None;
                let written = format!("{method} {target}");
                let op = operation_of(spec, *line, method, target, &mut out.notes);
                let this = RequestLine {
                    line: *line,
                    written,
                    op,
                    unreadable: false,
                };
                if !is_concrete(target) {
                    template = Some(this.clone());
                    current = Some(this);
                    continue;
                }
                current = Some(match &template {
                    Some(t) if same_op(t.op, this.op) => t.clone(),
                    Some(t) => {
                        let chosen = if title_op.is_some() && same_op(title_op, this.op) {
                            this.clone()
                        } else {
                            t.clone()
                        };
                        let why = if title_op.is_some() && same_op(title_op, chosen.op) {
                            "which the page title names"
                        } else {
                            "the endpoint's own line"
                        };
                        out.notes.push((
                            *line,
                            format!(
                                "the request line (line {}) says `{}` ({}), the example request says `{}` ({}); using {}, {why}",
                                t.line,
                                t.written,
                                op_name(t.op),
                                this.written,
                                op_name(this.op),
                                op_name(chosen.op),
                            ),
                        ));
                        chosen
                    }
                    None => this,
                });
            }
            Event::Example(example) => {
                template = None;
                let op = match &current {
                    Some(line) => line.op.ok_or_else(|| {
                        if line.unreadable {
                            Target::Unknown(format!(
                                "no operation: the request line (line {}) cannot be read, and \
                                 neither a section heading nor the page title names one",
                                line.line
                            ))
                        } else {
                            Target::NotInSpec(line.written.clone())
                        }
                    }),
                    None => title_op.ok_or_else(|| {
                        Target::NotInSpec(
                            "no request line, and the page title names no operation".to_owned(),
                        )
                    }),
                };
                let target = match op {
                    Err(target) => target,
                    Ok(op) => target_of(op, section, status, example),
                };
                out.examples.push(Located {
                    example: example.clone(),
                    target,
                });
            }
        }
    }
    out
}

/// The operation a readable request line names, with a note when the page's
/// spelling had to be read generously (another method, another route prefix).
fn operation_of<'a>(
    spec: &'a SpecIndex,
    line: usize,
    method: &str,
    target: &str,
    notes: &mut Vec<(usize, String)>,
) -> Option<&'a Operation> {
    let mut route = spec.route(method, target);
    if matches!(route, Route::NotInSpec)
        && let Some((other, prefix)) = spec.route_under_other_prefix(method, target)
    {
        if let Route::Exact(op) | Route::OtherMethod(op) = other {
            notes.push((
                line,
                format!(
                    "`{method} {target}` is under `/{prefix}/`, a route prefix some \
                     installations serve the API under; read as {} {} ({})",
                    op.method, op.path, op.id
                ),
            ));
        }
        route = other;
    }
    match route {
        Route::Exact(op) => Some(op),
        Route::OtherMethod(op) => {
            notes.push((
                line,
                format!(
                    "the page says {method}, the spec has {} {} ({}); using {}",
                    op.method, op.path, op.id, op.id
                ),
            ));
            Some(op)
        }
        Route::NotInSpec => None,
    }
}

/// At most [`QUOTED_CHARS`] of `text`, for a note.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(QUOTED_CHARS) {
        Some((end, _)) => format!("{}...", &text[..end]),
        None => text.to_owned(),
    }
}

fn target_of(op: &Operation, section: Section, status: Option<u16>, example: &Example) -> Target {
    let operation = op.id.clone();
    let response = |status| Target::Response {
        operation: op.id.clone(),
        status,
    };
    if let Some(status) = status {
        return response(status);
    }
    let default = op.default_success();
    match section {
        Section::Errors => match example.parsed.as_ref().ok().and_then(status_in_body) {
            Some(status) => response(status),
            None => Target::NoStatus { operation },
        },
        Section::Request if op.body.is_some() => Target::Request { operation },
        Section::Other if op.body.is_some() => Target::Request { operation },
        _ => match default {
            Some(status) => response(status),
            None => Target::NoStatus { operation },
        },
    }
}

/// An error example's status, as its MySafe envelope repeats it.
fn status_in_body(body: &Value) -> Option<u16> {
    let status = body
        .pointer("/response/status")
        .or_else(|| body.get("code"))
        .and_then(Value::as_u64)?;
    u16::try_from(status)
        .ok()
        .filter(|s| (400..600).contains(s))
}

fn classify(heading: &str) -> Section {
    let text = heading.to_lowercase();
    if super::extract::status_section(&text).is_some_and(|s| s >= 400)
        || text.contains("error")
        || text.contains("erro")
    {
        Section::Errors
    } else if ["respon", "respos", "retorno", "reponse"]
        .iter()
        .any(|w| text.contains(w))
    {
        Section::Response
    } else if text.contains("request") || text.contains("requisi") {
        Section::Request
    } else {
        Section::Other
    }
}

fn same_op(a: Option<&Operation>, b: Option<&Operation>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.id == b.id,
        (None, None) => true,
        _ => false,
    }
}

fn op_name(op: Option<&Operation>) -> &str {
    op.map_or("not in the spec", |op| op.id.as_str())
}

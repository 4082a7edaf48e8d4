//! Compares the fields a page documents (`fields`) with the spec: each is put on
//! an operation (the page title's, from `x-doc-titles`, else the request line
//! above it) and looked up where the page says it goes (path, query, body or
//! the success response).
//!
//! A field the spec lacks is new; one the spec has with another type, or (for
//! request parameters and body fields) another required-ness, differs. Two kinds
//! of evidence turn either into a note instead:
//!
//! - the page contradicts itself: an accepted example of the same operation on the
//!   page has the spec's name for the field (`password_on_list` where the table
//!   says `passwords_on_list`) or the spec's type for it;
//! - other pages document the same field as the spec does (often another doc
//!   version): the note names them.

use std::collections::HashMap;

use serde_json::Value;

use super::extract::{Event, Page};
use super::fields::{DocField, Location};
use super::spec_facts;
use super::spec_index::{Route, SpecIndex, json_type};

/// A documented field and what the spec says of it.
#[derive(Debug, Clone)]
pub struct FieldReport {
    pub field: DocField,
    /// The operation the field is put on; `None` when the page names none that
    /// the spec has.
    pub operation: Option<String>,
    /// Where the field is looked up: the page's location, or where the spec has it
    /// when the page does not say.
    pub location: Location,
    /// The spec's JSON type and required-ness, when it has the field.
    pub spec: Option<(Option<String>, bool)>,
    pub verdict: FieldVerdict,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldVerdict {
    Agrees,
    /// The spec lacks the field. `near` is a spec property one or two letters away
    /// (`password_on_list` for `passwords_on_list`); `below` counts the fields
    /// documented under it, which are not compared.
    New {
        near: Option<String>,
        below: usize,
    },
    Differs(Vec<Difference>),
    /// Differs here, but the pages named document it as the spec does.
    Disagree {
        differences: Vec<Difference>,
        pages: Vec<String>,
    },
    /// New or differing, but an accepted example of the page (at `line`) agrees
    /// with the spec: the page contradicts itself.
    Contradicted {
        finding: Box<FieldVerdict>,
        line: usize,
    },
    /// Documented under a field the spec lacks: not compared.
    BelowNew,
    /// The page puts the field on no operation the spec has.
    NotLocated(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    Type { documented: String, spec: String },
    Required { documented: bool },
    Location { spec: Location },
}

impl std::fmt::Display for Difference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Difference::Type { documented, spec } => {
                write!(f, "documented as {documented}, the spec has {spec}")
            }
            Difference::Required { documented: true } => {
                write!(f, "documented as required, optional in the spec")
            }
            Difference::Required { documented: false } => {
                write!(f, "documented as optional, required in the spec")
            }
            Difference::Location { spec } => {
                write!(f, "the spec has it as a {}", location_name(*spec))
            }
        }
    }
}

pub fn location_name(location: Location) -> &'static str {
    match location {
        Location::Path => "path parameter",
        Location::Query => "query parameter",
        Location::Body => "body field",
        Location::Response => "response field",
        Location::Unknown => "request parameter",
    }
}

/// `/users_allowed/can_edit` for a field's path.
pub fn pointer(path: &[String]) -> String {
    path.iter()
        .map(|p| format!("/{}", p.replace('~', "~0").replace('/', "~1")))
        .collect()
}

/// An accepted example of the page: what it shows of the operation's body
/// (`Location::Body`) or success response (`Location::Response`).
pub struct Evidence<'a> {
    pub line: usize,
    pub operation: &'a str,
    pub location: Location,
    pub value: &'a Value,
}

/// Every documented field of one page, compared with the spec and with the page's
/// own accepted examples.
pub fn check_page(
    spec: &SpecIndex,
    page: &Page,
    fields: Vec<DocField>,
    examples: &[Evidence<'_>],
) -> Vec<FieldReport> {
    let title_op = page.title.as_deref().and_then(|t| spec.by_title(t));
    let requests: Vec<(usize, Result<String, String>)> = page
        .events
        .iter()
        .filter_map(|event| match event {
            Event::Request {
                line,
                method,
                target,
            } => Some((
                *line,
                match spec.route(method, target) {
                    Route::Exact(op) | Route::OtherMethod(op) => Ok(op.id.clone()),
                    Route::NotInSpec => Err(format!("{method} {target}")),
                },
            )),
            _ => None,
        })
        .collect();
    let mut reports: Vec<FieldReport> = fields
        .into_iter()
        .map(|field| {
            let operation = match title_op {
                Some(op) => Ok(op.id.clone()),
                None => requests[..requests.partition_point(|(line, _)| *line < field.line)]
                    .last()
                    .map(|(_, op)| op.clone())
                    .unwrap_or_else(|| {
                        Err(
                            "no request line above it, and the page title names no operation"
                                .to_owned(),
                        )
                    }),
            };
            match operation {
                Ok(operation) => compare(spec.raw(), &operation, field),
                Err(why) => FieldReport {
                    location: field.location,
                    field,
                    operation: None,
                    spec: None,
                    verdict: FieldVerdict::NotLocated(why),
                },
            }
        })
        .collect();
    for report in &mut reports {
        mark_contradicted(report, examples);
    }
    // Under a field whose name the page's example corrects (`passwords_entity`,
    // `password_entity` in the example), the documented fields are compared
    // under the corrected name; a level at a time, as deep as the lists go.
    for _ in 0..MAX_NESTING {
        let renames: HashMap<Key, String> = reports
            .iter()
            .filter_map(|r| match r.verdict.finding() {
                FieldVerdict::New {
                    near: Some(near), ..
                } if matches!(r.verdict, FieldVerdict::Contradicted { .. }) => {
                    Some((key(r, r.field.path.len()), near.clone()))
                }
                _ => None,
            })
            .collect();
        let mut renamed = false;
        for report in &mut reports {
            if report.verdict != FieldVerdict::BelowNew {
                continue;
            }
            let Some((depth, near)) = (1..report.field.path.len())
                .rev()
                .find_map(|depth| Some((depth, renames.get(&key(report, depth))?)))
            else {
                continue;
            };
            let (Some(operation), mut field) = (report.operation.clone(), report.field.clone())
            else {
                continue;
            };
            field.path[depth - 1] = near.clone();
            *report = compare(spec.raw(), &operation, field);
            mark_contradicted(report, examples);
            renamed = true;
        }
        if !renamed {
            break;
        }
    }
    // Below a field the spec lacks, fields are not compared, unless that field is
    // not documented itself (a table row `parent.child`): then the child is new.
    // The fields not compared are counted on the new field.
    let mut below: HashMap<Key, usize> = reports
        .iter()
        .filter(|r| r.verdict.is_new())
        .map(|r| (key(r, r.field.path.len()), 0))
        .collect();
    for report in &mut reports {
        if report.verdict != FieldVerdict::BelowNew {
            continue;
        }
        let ancestor = (1..report.field.path.len())
            .rev()
            .map(|depth| key(report, depth))
            .find(|k| below.contains_key(k));
        match ancestor.and_then(|k| below.get_mut(&k)) {
            Some(count) => *count += 1,
            None => {
                report.verdict = FieldVerdict::New {
                    near: None,
                    below: 0,
                }
            }
        }
    }
    for report in &mut reports {
        let count = below.get(&key(report, report.field.path.len())).copied();
        if let (FieldVerdict::New { below: n, .. }, Some(count)) =
            (report.verdict.finding_mut(), count)
        {
            *n = count;
        }
    }
    reports
}

/// A field's operation, location and the first `depth` names of its path: what
/// identifies it, or one of its parents, on a page.
type Key = (Option<String>, Location, Vec<String>);

fn key(report: &FieldReport, depth: usize) -> Key {
    (
        report.operation.clone(),
        report.location,
        report.field.path[..depth].to_vec(),
    )
}

impl FieldVerdict {
    /// The finding itself, for a contradicted one.
    pub fn finding(&self) -> &FieldVerdict {
        match self {
            FieldVerdict::Contradicted { finding, .. } => finding,
            other => other,
        }
    }

    fn finding_mut(&mut self) -> &mut FieldVerdict {
        match self {
            FieldVerdict::Contradicted { finding, .. } => finding,
            other => other,
        }
    }

    /// The spec lacks the field (whether or not the page contradicts itself).
    fn is_new(&self) -> bool {
        matches!(self.finding(), FieldVerdict::New { .. })
    }
}

/// The line of an accepted example of the page that has the field as the spec
/// has it, where the field documentation says otherwise: under the spec's name
/// (for a new field with a near spec name), or with the spec's type (for a field
/// whose only difference is its type).
fn contradicting_example(report: &FieldReport, examples: &[Evidence<'_>]) -> Option<usize> {
    let operation = report.operation.as_deref()?;
    let path = &report.field.path;
    let relevant = examples
        .iter()
        .filter(|e| e.operation == operation && e.location == report.location);
    match &report.verdict {
        FieldVerdict::New {
            near: Some(near), ..
        } => {
            let mut spec_path = path.clone();
            *spec_path.last_mut()? = near.clone();
            relevant
                .filter(|e| {
                    values_at(e.value, path).is_empty()
                        && !values_at(e.value, &spec_path).is_empty()
                })
                .map(|e| e.line)
                .next()
        }
        FieldVerdict::Differs(differences)
            if differences
                .iter()
                .all(|d| matches!(d, Difference::Type { .. })) =>
        {
            let (Some(spec_type), _) = report.spec.as_ref()? else {
                return None;
            };
            relevant
                .filter(|e| {
                    let found = values_at(e.value, path);
                    !found.is_empty() && found.iter().all(|v| same_type(json_type(v), spec_type))
                })
                .map(|e| e.line)
                .next()
        }
        _ => None,
    }
}

/// The values at `path` in `value`, looking into every element of the arrays on
/// the way.
fn values_at<'v>(value: &'v Value, path: &[String]) -> Vec<&'v Value> {
    let mut current = vec![value];
    for name in path {
        current = current
            .into_iter()
            .flat_map(|v| match v {
                Value::Array(items) => items.iter().collect(),
                other => vec![other],
            })
            .filter_map(|v| v.get(name.as_str()))
            .collect();
    }
    current
}

/// How many levels of renamed parents are followed.
const MAX_NESTING: usize = 8;

/// A new or differing field that an accepted example of the page has as the spec
/// has it becomes `Contradicted`.
fn mark_contradicted(report: &mut FieldReport, examples: &[Evidence<'_>]) {
    if let Some(line) = contradicting_example(report, examples) {
        let finding = std::mem::replace(&mut report.verdict, FieldVerdict::BelowNew);
        report.verdict = FieldVerdict::Contradicted {
            finding: Box::new(finding),
            line,
        };
    }
}

/// Where the spec has a documented field of `operation`.
enum Found<'a> {
    /// The field's schema and its required-ness.
    Field(Option<&'a Value>, bool),
    /// The segment at this depth is missing; a spec property close to its name.
    Missing(usize, Option<String>),
}

fn compare(raw: &Value, operation: &str, field: DocField) -> FieldReport {
    let look = |location: Location| -> Found<'_> { find(raw, operation, location, &field.path) };
    let documented = field.location;
    let request_side = [Location::Path, Location::Query, Location::Body];
    let (location, found) = match documented {
        Location::Response => (Location::Response, look(Location::Response)),
        Location::Unknown => request_side
            .iter()
            .map(|&l| (l, look(l)))
            .find(|(_, f)| matches!(f, Found::Field(..)))
            .unwrap_or((Location::Unknown, look(Location::Body))),
        given => match look(given) {
            Found::Field(schema, required) => (given, Found::Field(schema, required)),
            missing => request_side
                .iter()
                .filter(|&&l| l != given)
                .map(|&l| (l, look(l)))
                .find(|(_, f)| matches!(f, Found::Field(..)))
                .unwrap_or((given, missing)),
        },
    };
    let (verdict, spec) = match found {
        Found::Missing(depth, near) if depth + 1 == field.path.len() => {
            (FieldVerdict::New { near, below: 0 }, None)
        }
        Found::Missing(..) => (FieldVerdict::BelowNew, None),
        Found::Field(schema, required) => {
            let spec_type = schema.and_then(|s| spec_facts::json_type(raw, s));
            let mut differences = Vec::new();
            if documented != Location::Unknown && documented != location {
                differences.push(Difference::Location { spec: location });
            }
            if let (Some(spec_type), false) = (spec_type, field.types.is_empty())
                && !field.types.iter().any(|t| same_type(t, spec_type))
            {
                differences.push(Difference::Type {
                    documented: field.type_text.clone().unwrap_or_default(),
                    spec: spec_type.to_owned(),
                });
            }
            // What "required" means for a response field (always present) is not
            // what the pages mean by it (must be sent): only requests compare it.
            if location != Location::Response
                && let Some(doc) = field.required
                && doc != required
            {
                differences.push(Difference::Required { documented: doc });
            }
            let verdict = if differences.is_empty() {
                FieldVerdict::Agrees
            } else {
                FieldVerdict::Differs(differences)
            };
            (verdict, Some((spec_type.map(str::to_owned), required)))
        }
    };
    FieldReport {
        field,
        operation: Some(operation.to_owned()),
        location,
        spec,
        verdict,
    }
}

fn same_type(documented: &str, spec: &str) -> bool {
    documented == spec
        || matches!(
            (documented, spec),
            ("integer", "number") | ("number", "integer")
        )
}

fn find<'a>(raw: &'a Value, operation: &str, location: Location, path: &[String]) -> Found<'a> {
    let root = match location {
        Location::Path | Location::Query => {
            let wanted = if location == Location::Path {
                "path"
            } else {
                "query"
            };
            let params = spec_facts::parameters(raw, operation);
            let here: Vec<_> = params.iter().filter(|p| p.location == wanted).collect();
            return match (path, here.iter().find(|p| p.name == path[0])) {
                ([_], Some(param)) => Found::Field(param.schema, param.required),
                (_, _) => Found::Missing(0, near(path[0].as_str(), here.iter().map(|p| p.name))),
            };
        }
        Location::Body | Location::Unknown => spec_facts::body_schema(raw, operation),
        Location::Response => spec_facts::success_status(raw, operation)
            .and_then(|status| spec_facts::response_schema(raw, operation, status)),
    };
    let Some(mut schema) = root else {
        return Found::Missing(0, None);
    };
    let mut required = false;
    for (depth, name) in path.iter().enumerate() {
        // A documented child of an array is a field of its items.
        if spec_facts::json_type(raw, schema) == Some("array")
            && let Some(items) = spec_facts::items(raw, schema)
        {
            schema = items;
        }
        if !spec_facts::has_properties(raw, schema) {
            // Free-form: nothing to compare against.
            return Found::Field(None, false);
        }
        match spec_facts::property(raw, schema, name) {
            Some(prop) => {
                required = spec_facts::is_required(raw, schema, name);
                schema = prop;
            }
            None => {
                let names = spec_facts::property_names(raw, schema);
                return Found::Missing(depth, near(name, names.into_iter()));
            }
        }
    }
    Found::Field(Some(schema), required)
}

/// A name at most two edits from `name`, the likely intended spelling.
fn near<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<String> {
    candidates
        .map(|c| (edit_distance(name, c), c))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, c)| c.to_owned())
}

/// Levenshtein distance, for names (short).
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

/// A difference becomes a disagreement between pages when other pages document
/// the same field of the same operation as the spec does: it names them.
pub fn settle_between_pages(pages: &mut [(String, Vec<FieldReport>)]) {
    let mut agreeing: HashMap<Key, Vec<String>> = HashMap::new();
    for (label, reports) in pages.iter() {
        for report in reports.iter().filter(|r| r.verdict == FieldVerdict::Agrees) {
            let labels = agreeing
                .entry(key(report, report.field.path.len()))
                .or_default();
            if labels.last() != Some(label) {
                labels.push(label.clone());
            }
        }
    }
    for (label, reports) in pages.iter_mut() {
        for report in reports.iter_mut() {
            let FieldVerdict::Differs(differences) = &report.verdict else {
                continue;
            };
            let others: Vec<String> = agreeing
                .get(&key(report, report.field.path.len()))
                .into_iter()
                .flatten()
                .filter(|other| *other != label)
                .cloned()
                .collect();
            if !others.is_empty() {
                report.verdict = FieldVerdict::Disagree {
                    differences: differences.clone(),
                    pages: others,
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names() {
        assert_eq!(edit_distance("passwords_on_list", "password_on_list"), 1);
        assert_eq!(edit_distance("dentifier_code", "identifier_code"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(
            near(
                "notes_entity",
                ["code", "response", "note_entity"].into_iter()
            ),
            Some("note_entity".to_owned())
        );
        assert_eq!(near("expires_at", ["identifier", "name"].into_iter()), None);
    }
}

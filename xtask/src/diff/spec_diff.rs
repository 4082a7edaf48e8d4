//! Spec level: compares two validated OpenAPI documents operation by operation.
//!
//! The comparison walks the documents' JSON (the `raw` side of [`crate::spec::Spec`],
//! which `spec::parse` has already validated as OpenAPI 3.0 and whose `$ref`s it has
//! checked), because the rules are about keywords (`required`, `nullable`, `enum`,
//! `format`, ...) and a generic walk sees every keyword, including the constraints
//! that `openapiv3`'s types spread over one struct per type.
//!
//! oxidecomputer's `drift` was considered: it reads `openapiv3` 2.x, but it reports
//! any change inside a string schema (an enum value, a format) as one "unhandled"
//! change and does not compare security requirements, both of which the report needs.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::change::{Change, Direction, Level, Rule};
use crate::spec::{METHODS, resolve};

mod schema;

/// Every difference between `old` and `new` that a client of the API can notice.
pub fn compare(old: &Value, new: &Value) -> Vec<Change> {
    let mut cmp = Comparer {
        old,
        new,
        changes: BTreeSet::new(),
        visited: BTreeSet::new(),
    };
    cmp.operations();
    cmp.security_schemes();
    let version = |doc: &Value| doc.pointer("/info/version").cloned();
    if version(old) != version(new) {
        cmp.push(
            Rule::ApiVersionChanged,
            "`info.version`",
            format!(
                "{} -> {}",
                show_opt(version(old).as_ref()),
                show_opt(version(new).as_ref())
            ),
        );
    }
    cmp.changes.into_iter().collect()
}

struct Comparer<'a> {
    old: &'a Value,
    new: &'a Value,
    // A set: a schema shared by many operations reports each change once.
    changes: BTreeSet<Change>,
    // Pairs of named schemas already compared, per direction; this also ends the
    // walk through recursive schemas, renamed ones included.
    visited: BTreeSet<(String, String, Direction)>,
}

/// An operation and where it lives.
struct Operation<'a> {
    method: &'static str,
    path: &'a str,
    item: &'a Value,
    op: &'a Value,
}

fn operations(doc: &Value) -> BTreeMap<String, Operation<'_>> {
    let mut ops = BTreeMap::new();
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return ops;
    };
    for (path, item) in paths {
        let item = resolve(doc, item);
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
            ops.insert(
                id,
                Operation {
                    method,
                    path,
                    item,
                    op,
                },
            );
        }
    }
    ops
}

fn is_true(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn code(v: &(impl std::fmt::Display + ?Sized)) -> String {
    format!("`{v}`")
}

impl<'a> Comparer<'a> {
    fn push(&mut self, rule: Rule, subject: &str, detail: impl Into<String>) {
        self.changes
            .insert(Change::new(Level::Spec, rule, subject, detail));
    }

    fn operations(&mut self) {
        let old_ops = operations(self.old);
        let new_ops = operations(self.new);
        for (id, o) in &old_ops {
            let subject = format!("operation {}", code(id));
            let Some(n) = new_ops.get(id) else {
                self.push(
                    Rule::OperationRemoved,
                    &subject,
                    format!("removed ({} {})", o.method.to_uppercase(), o.path),
                );
                continue;
            };
            if (o.method, o.path) != (n.method, n.path) {
                self.push(
                    Rule::OperationMoved,
                    &subject,
                    format!(
                        "moved from {} {} to {} {}",
                        o.method.to_uppercase(),
                        o.path,
                        n.method.to_uppercase(),
                        n.path
                    ),
                );
            }
            if !is_true(o.op, "deprecated") && is_true(n.op, "deprecated") {
                self.push(Rule::Deprecated, &subject, "deprecated");
            }
            self.parameters(id, o, n);
            self.request_body(id, o.op, n.op);
            self.responses(id, o.op, n.op);
            self.security(id, o.op, n.op);
        }
        for (id, n) in &new_ops {
            if !old_ops.contains_key(id) {
                self.push(
                    Rule::OperationAdded,
                    &format!("operation {}", code(id)),
                    format!("added ({} {})", n.method.to_uppercase(), n.path),
                );
            }
        }
    }

    fn parameters(&mut self, id: &str, o: &Operation<'a>, n: &Operation<'a>) {
        let old = parameters(self.old, o);
        let new = parameters(self.new, n);
        for ((place, name), op) in &old {
            let subject = format!("operation {}: {place} parameter {}", code(id), code(name));
            let Some(np) = new.get(&(place.clone(), name.clone())) else {
                self.push(Rule::ParameterRemoved, &subject, "removed");
                continue;
            };
            match (is_true(op, "required"), is_true(np, "required")) {
                (false, true) => self.push(Rule::ParameterMadeRequired, &subject, "made required"),
                (true, false) => self.push(Rule::ParameterMadeOptional, &subject, "made optional"),
                _ => {}
            }
            if !is_true(op, "deprecated") && is_true(np, "deprecated") {
                self.push(Rule::Deprecated, &subject, "deprecated");
            }
            if let (Some(os), Some(ns)) = (op.get("schema"), np.get("schema")) {
                self.schema(os, ns, &subject, Direction::Request);
            }
        }
        for ((place, name), np) in &new {
            if old.contains_key(&(place.clone(), name.clone())) {
                continue;
            }
            let subject = format!("operation {}: {place} parameter {}", code(id), code(name));
            if is_true(np, "required") {
                self.push(Rule::RequiredParameterAdded, &subject, "added, required");
            } else {
                self.push(Rule::OptionalParameterAdded, &subject, "added, optional");
            }
        }
    }

    fn request_body(&mut self, id: &str, o: &Value, n: &Value) {
        let subject = format!("operation {}: request body", code(id));
        let ob = o.get("requestBody").map(|b| resolve(self.old, b));
        let nb = n.get("requestBody").map(|b| resolve(self.new, b));
        match (ob, nb) {
            (None, None) => {}
            (Some(_), None) => self.push(Rule::RequestBodyRemoved, &subject, "removed"),
            (None, Some(nb)) => {
                if is_true(nb, "required") {
                    self.push(Rule::RequestBodyAddedRequired, &subject, "added, required");
                } else {
                    self.push(Rule::RequestBodyAddedOptional, &subject, "added, optional");
                }
            }
            (Some(ob), Some(nb)) => {
                match (is_true(ob, "required"), is_true(nb, "required")) {
                    (false, true) => {
                        self.push(Rule::RequestBodyMadeRequired, &subject, "made required")
                    }
                    (true, false) => {
                        self.push(Rule::RequestBodyMadeOptional, &subject, "made optional")
                    }
                    _ => {}
                }
                self.content(ob, nb, &subject, Direction::Request);
            }
        }
    }

    /// Compares the media types of a body and the schemas of those on both sides.
    fn content(&mut self, o: &Value, n: &Value, subject: &str, dir: Direction) {
        let empty = Map::new();
        let oc = o
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let nc = n
            .get("content")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (media, om) in oc {
            match nc.get(media) {
                None => self.push(
                    Rule::MediaTypeRemoved,
                    subject,
                    format!("content type {media} removed"),
                ),
                Some(nm) => {
                    if let (Some(os), Some(ns)) = (om.get("schema"), nm.get("schema")) {
                        self.schema(os, ns, subject, dir);
                    }
                }
            }
        }
        for media in nc.keys() {
            if !oc.contains_key(media) {
                self.push(
                    Rule::MediaTypeAdded,
                    subject,
                    format!("content type {media} added"),
                );
            }
        }
    }

    fn responses(&mut self, id: &str, o: &Value, n: &Value) {
        let empty = Map::new();
        let or = o
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let nr = n
            .get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        for (status, resp) in or {
            let subject = format!("operation {}: response {status}", code(id));
            let success = status.starts_with('2');
            let Some(nresp) = nr.get(status) else {
                let rule = if success {
                    Rule::SuccessResponseRemoved
                } else {
                    Rule::ErrorResponseRemoved
                };
                self.push(rule, &subject, "removed");
                continue;
            };
            let ob = resolve(self.old, resp);
            let nb = resolve(self.new, nresp);
            match (has_body(ob), has_body(nb)) {
                (true, false) => self.push(Rule::ResponseBodyRemoved, &subject, "body removed"),
                (false, true) => self.push(Rule::ResponseBodyAdded, &subject, "body added"),
                _ => self.content(ob, nb, &subject, Direction::Response),
            }
        }
        for status in nr.keys() {
            if or.contains_key(status) {
                continue;
            }
            let subject = format!("operation {}: response {status}", code(id));
            let rule = if status.starts_with('2') {
                Rule::SuccessResponseAdded
            } else {
                Rule::ErrorResponseAdded
            };
            self.push(rule, &subject, "added");
        }
    }

    fn security(&mut self, id: &str, o: &Value, n: &Value) {
        let old = effective_security(self.old, o);
        let new = effective_security(self.new, n);
        if old == new {
            return;
        }
        let subject = format!("operation {}: security", code(id));
        let detail = format!("{} -> {}", show_security(&old), show_security(&new));
        let rule = if old.is_empty() {
            Rule::SecurityAdded
        } else if new.is_empty() {
            Rule::SecurityRemoved
        } else {
            Rule::SecurityChanged
        };
        self.push(rule, &subject, detail);
    }

    fn security_schemes(&mut self) {
        let empty = Map::new();
        let pick = |doc: &'a Value| {
            doc.pointer("/components/securitySchemes")
                .and_then(Value::as_object)
        };
        let old = pick(self.old).unwrap_or(&empty);
        let new = pick(self.new).unwrap_or(&empty);
        let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
        for name in names {
            let subject = format!("security scheme {}", code(name));
            let o = old.get(name).map(|s| without_docs(resolve(self.old, s)));
            let n = new.get(name).map(|s| without_docs(resolve(self.new, s)));
            let detail = match (&o, &n) {
                (Some(_), None) => "removed".to_owned(),
                (None, Some(_)) => "added".to_owned(),
                (Some(o), Some(n)) if o != n => format!("{o} -> {n}"),
                _ => continue,
            };
            self.push(Rule::SecuritySchemeChanged, &subject, detail);
        }
    }
}

/// The parameters of an operation, path-level ones included (the operation's own
/// win), keyed by location and name.
fn parameters<'a>(doc: &'a Value, op: &Operation<'a>) -> BTreeMap<(String, String), &'a Value> {
    let mut out = BTreeMap::new();
    for list in [op.item.get("parameters"), op.op.get("parameters")] {
        for p in list.and_then(Value::as_array).into_iter().flatten() {
            let p = resolve(doc, p);
            let place = p.get("in").and_then(Value::as_str).unwrap_or("?");
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            out.insert((place.to_owned(), name.to_owned()), p);
        }
    }
    out
}

fn has_body(response: &Value) -> bool {
    response
        .get("content")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty())
}

fn show_opt(v: Option<&Value>) -> String {
    match v {
        None => "(none)".to_owned(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// Security requirements of an operation: its own, or the document's. Each
/// alternative is the sorted set of scheme names it needs; an empty result means
/// no credentials (an empty alternative `{}` also means anonymous access is allowed).
fn effective_security(doc: &Value, op: &Value) -> BTreeSet<BTreeSet<String>> {
    let list = op.get("security").or_else(|| doc.get("security"));
    let alternatives: BTreeSet<BTreeSet<String>> = list
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|alt| alt.keys().cloned().collect())
        .collect();
    if alternatives.iter().any(BTreeSet::is_empty) {
        return BTreeSet::new();
    }
    alternatives
}

fn show_security(req: &BTreeSet<BTreeSet<String>>) -> String {
    if req.is_empty() {
        return "none".to_owned();
    }
    req.iter()
        .map(|alt| alt.iter().cloned().collect::<Vec<_>>().join(" + "))
        .collect::<Vec<_>>()
        .join(" or ")
}

/// A security scheme without its description, which is documentation only.
fn without_docs(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(map) = v.as_object_mut() {
        map.remove("description");
    }
    v
}

#[cfg(test)]
mod tests;

//! Schema comparison: types, formats, enums, nullability, constraints and object
//! fields, judged by the direction the data flows.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::{Comparer, is_true, show_opt};
use crate::diff::change::{Direction, Rule};
use crate::spec::resolve;

impl Comparer<'_> {
    /// Compares two schemas found at `subject`, data flowing in `dir`.
    pub(super) fn schema(&mut self, old: &Value, new: &Value, subject: &str, dir: Direction) {
        let (old_name, new_name) = (schema_name(old), schema_name(new));
        if let (Some(a), Some(b)) = (old_name, new_name)
            && !self.visited.insert((a.to_owned(), b.to_owned(), dir))
        {
            return;
        }
        let subject = match (old_name, new_name) {
            // A named schema is reported under its own name, once per direction.
            (Some(a), Some(b)) if a == b => a.to_owned(),
            _ => subject.to_owned(),
        };
        let subject = subject.as_str();
        let o = resolve(self.old, old);
        let n = resolve(self.new, new);

        match (is_true(o, "nullable"), is_true(n, "nullable"), dir) {
            (false, true, Direction::Response) => {
                self.push(Rule::ResponseMadeNullable, subject, "made nullable")
            }
            (false, true, Direction::Request) => {
                self.push(Rule::RequestMadeNullable, subject, "made nullable")
            }
            (true, false, Direction::Response) => {
                self.push(Rule::ResponseMadeNonNullable, subject, "made non-nullable")
            }
            (true, false, Direction::Request) => {
                self.push(Rule::RequestMadeNonNullable, subject, "made non-nullable")
            }
            _ => {}
        }
        if !is_true(o, "deprecated") && is_true(n, "deprecated") {
            self.push(Rule::Deprecated, subject, "deprecated");
        }

        let (ot, nt) = (type_of(o), type_of(n));
        if ot != nt {
            self.push(Rule::TypeChanged, subject, format!("type {ot} -> {nt}"));
            return;
        }
        let (of, nf) = (o.get("format"), n.get("format"));
        if of != nf {
            self.push(
                Rule::FormatChanged,
                subject,
                format!("format {} -> {}", show_opt(of), show_opt(nf)),
            );
        }
        self.enumeration(o, n, subject, dir);
        self.constraints(o, n, subject);
        match ot {
            "object" => self.properties(o, n, subject, dir),
            "array" => {
                if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
                    self.schema(oi, ni, &format!("{subject}[]"), dir);
                }
            }
            _ => {}
        }
    }

    fn enumeration(&mut self, o: &Value, n: &Value, subject: &str, dir: Direction) {
        let values = |v: &Value| -> Option<BTreeSet<String>> {
            v.get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(Value::to_string).collect())
        };
        let (Some(ov), Some(nv)) = (values(o), values(n)) else {
            if o.get("enum") != n.get("enum") {
                self.push(
                    Rule::ConstraintChanged,
                    subject,
                    format!(
                        "enum {} -> {}",
                        show_opt(o.get("enum")),
                        show_opt(n.get("enum"))
                    ),
                );
            }
            return;
        };
        let (added, removed) = match dir {
            Direction::Request => (Rule::RequestEnumValueAdded, Rule::RequestEnumValueRemoved),
            Direction::Response => (Rule::ResponseEnumValueAdded, Rule::ResponseEnumValueRemoved),
        };
        for v in ov.difference(&nv) {
            self.push(removed, subject, format!("enum value {v} removed"));
        }
        for v in nv.difference(&ov) {
            self.push(added, subject, format!("enum value {v} added"));
        }
    }

    /// Validation keywords: any difference needs a reviewer, whose direction (wider
    /// or narrower) the report states but does not judge.
    fn constraints(&mut self, o: &Value, n: &Value, subject: &str) {
        const KEYWORDS: [&str; 18] = [
            "minimum",
            "maximum",
            "exclusiveMinimum",
            "exclusiveMaximum",
            "multipleOf",
            "minLength",
            "maxLength",
            "pattern",
            "minItems",
            "maxItems",
            "uniqueItems",
            "minProperties",
            "maxProperties",
            "additionalProperties",
            "allOf",
            "oneOf",
            "anyOf",
            "not",
        ];
        for key in KEYWORDS {
            let (a, b) = (o.get(key), n.get(key));
            if a != b {
                self.push(
                    Rule::ConstraintChanged,
                    subject,
                    format!("{key} {} -> {}", show_opt(a), show_opt(b)),
                );
            }
        }
        // readOnly/writeOnly decide which direction carries a field at all.
        for key in ["readOnly", "writeOnly"] {
            if is_true(o, key) != is_true(n, key) {
                self.push(
                    Rule::ConstraintChanged,
                    subject,
                    format!("{key} {} -> {}", is_true(o, key), is_true(n, key)),
                );
            }
        }
    }

    fn properties(&mut self, o: &Value, n: &Value, subject: &str, dir: Direction) {
        let empty = Map::new();
        let op = o
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let np = n
            .get("properties")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
        let (oreq, nreq) = (required(o), required(n));
        for (name, os) in op {
            let field = format!("{subject}.{name}");
            let (was, is) = (oreq.contains(name.as_str()), nreq.contains(name.as_str()));
            let Some(ns) = np.get(name) else {
                let rule = match dir {
                    Direction::Request => Rule::RequestFieldRemoved,
                    Direction::Response => Rule::ResponseFieldRemoved,
                };
                self.push(rule, &field, "removed");
                continue;
            };
            match (was, is, dir) {
                (false, true, Direction::Request) => {
                    self.push(Rule::RequestFieldMadeRequired, &field, "made required")
                }
                (true, false, Direction::Request) => {
                    self.push(Rule::RequestFieldMadeOptional, &field, "made optional")
                }
                (false, true, Direction::Response) => {
                    self.push(Rule::ResponseFieldMadeRequired, &field, "made required")
                }
                (true, false, Direction::Response) => {
                    self.push(Rule::ResponseFieldMadeOptional, &field, "made optional")
                }
                _ => {}
            }
            self.schema(os, ns, &field, dir);
        }
        for name in np.keys() {
            if op.contains_key(name) {
                continue;
            }
            let field = format!("{subject}.{name}");
            let required = nreq.contains(name.as_str());
            let (rule, detail) = match (dir, required) {
                (Direction::Request, true) => (Rule::RequestFieldAddedRequired, "added, required"),
                (Direction::Request, false) => (Rule::RequestFieldAddedOptional, "added, optional"),
                (Direction::Response, true) => (Rule::ResponseFieldAdded, "added, required"),
                (Direction::Response, false) => (Rule::ResponseFieldAdded, "added, optional"),
            };
            self.push(rule, &field, detail);
        }
    }
}

fn required(schema: &Value) -> BTreeSet<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

/// `Foo` for `$ref: "#/components/schemas/Foo"`.
fn schema_name(schema: &Value) -> Option<&str> {
    schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
}

/// The JSON type of a schema; an untyped schema with properties is an object.
fn type_of(schema: &Value) -> &str {
    match schema.get("type").and_then(Value::as_str) {
        Some(t) => t,
        None if schema.get("properties").is_some() => "object",
        None if schema.get("items").is_some() => "array",
        None => "any",
    }
}

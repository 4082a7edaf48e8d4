//! Schema comparison: types, formats, enums, defaults, nullability, validation
//! keywords and object fields, each judged by the direction the data flows. A
//! request constraint that narrows what is valid breaks clients; in a response it is
//! the widening that does (the server may send what clients, and the generated
//! types' checks, did not expect).

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Comparer, Node, ref_pointer, show_opt};
use crate::diff::change::{Direction, Rule};

/// How far the walk follows nested schemas; deeper ones are not compared.
const MAX_DEPTH: usize = 64;

/// What a keyword change does to the set of valid values.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Effect {
    Narrower,
    Wider,
    /// Some values become valid and others invalid (`multipleOf` 3 -> 5).
    Both,
    /// Cannot be told by inspection (a changed `pattern`).
    Unknown,
}

/// The rule for an effect in a direction.
fn judged(effect: Effect, dir: Direction) -> Rule {
    match (effect, dir) {
        (Effect::Unknown, _) => Rule::ConstraintChanged,
        (Effect::Narrower | Effect::Both, Direction::Request) => Rule::RequestConstraintTightened,
        (Effect::Wider, Direction::Request) => Rule::RequestConstraintLoosened,
        (Effect::Wider | Effect::Both, Direction::Response) => Rule::ResponseConstraintLoosened,
        (Effect::Narrower, Direction::Response) => Rule::ResponseConstraintTightened,
    }
}

/// Upper bounds narrow what is valid when they appear or decrease.
const UPPER: [&str; 4] = ["maxLength", "maximum", "maxItems", "maxProperties"];
/// Lower bounds narrow what is valid when they appear or increase.
const LOWER: [&str; 4] = ["minLength", "minimum", "minItems", "minProperties"];

fn num(v: Option<&Value>) -> Option<f64> {
    v.and_then(Value::as_f64)
}

/// The effect of a bound changing from `a` to `b` (`None`: absent).
fn bound(a: Option<f64>, b: Option<f64>, upper: bool) -> Option<Effect> {
    match (a, b) {
        (None, None) => None,
        (None, Some(_)) => Some(Effect::Narrower),
        (Some(_), None) => Some(Effect::Wider),
        (Some(a), Some(b)) if a == b => None,
        (Some(a), Some(b)) => Some(if (b < a) == upper {
            Effect::Narrower
        } else {
            Effect::Wider
        }),
    }
}

/// A boolean keyword that narrows when true (`uniqueItems`, 3.0's `exclusive*`).
fn flag(a: Option<&Value>, b: Option<&Value>) -> Option<Effect> {
    let on = |v: Option<&Value>| v.and_then(Value::as_bool).unwrap_or(false);
    match (on(a), on(b)) {
        (false, true) => Some(Effect::Narrower),
        (true, false) => Some(Effect::Wider),
        _ => None,
    }
}

/// `multipleOf` from `a` to `b`: wider when `a` is a multiple of `b`.
fn multiple_of(a: Option<f64>, b: Option<f64>) -> Option<Effect> {
    let multiple = |x: f64, y: f64| y != 0.0 && ((x / y) - (x / y).round()).abs() < 1e-9;
    match (a, b) {
        (None, None) => None,
        (None, Some(_)) => Some(Effect::Narrower),
        (Some(_), None) => Some(Effect::Wider),
        (Some(a), Some(b)) if a == b => None,
        (Some(a), Some(b)) if multiple(a, b) => Some(Effect::Wider),
        (Some(a), Some(b)) if multiple(b, a) => Some(Effect::Narrower),
        _ => Some(Effect::Both),
    }
}

impl<'a> Comparer<'a> {
    /// Compares two schemas found at `subject`, data flowing in `dir`.
    pub(super) fn schema(&mut self, old: &Node<'a>, new: &Node<'a>, subject: &str, dir: Direction) {
        if self.depth >= MAX_DEPTH {
            return;
        }
        let (old_ref, new_ref) = (ref_pointer(old.v), ref_pointer(new.v));
        if let (Some(a), Some(b)) = (old_ref, new_ref)
            && !self.visited.insert((a.to_owned(), b.to_owned(), dir))
        {
            return;
        }
        let name = |r: Option<&'a str>| r.and_then(|r| r.strip_prefix("/components/schemas/"));
        let subject = match (name(old_ref), name(new_ref)) {
            // A named schema is reported under its own name, once per direction.
            (Some(a), Some(b)) if a == b => a.to_owned(),
            _ => subject.to_owned(),
        };
        let subject = subject.as_str();
        let o = old.clone().resolve(self.old);
        let n = new.clone().resolve(self.new);
        self.depth += 1;
        self.schema_body(&o, &n, subject, dir);
        self.depth -= 1;
    }

    fn schema_body(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str, dir: Direction) {
        self.nullable(o, n, subject, dir);
        self.deprecation(o, n, subject);
        self.access(o, n, subject, dir);

        let (ot, nt) = (type_of(o.v), type_of(n.v));
        if ot != nt {
            let at = n.get("type");
            let detail = format!("type {ot} -> {nt}");
            self.push(
                Rule::TypeChanged,
                subject,
                detail,
                Some(o),
                at.as_ref().or(Some(n)),
            );
            return;
        }
        let (of, nf) = (o.v.get("format"), n.v.get("format"));
        if of != nf {
            let at = n.get("format");
            let detail = format!("format {} -> {}", show_opt(of), show_opt(nf));
            self.push(
                Rule::FormatChanged,
                subject,
                detail,
                Some(o),
                at.as_ref().or(Some(n)),
            );
        }
        self.enumeration(o, n, subject, dir);
        self.default(o, n, subject);
        self.constraints(o, n, subject, dir);
        self.composition(o, n, subject, dir);
        match ot.as_str() {
            "object" => self.properties(o, n, subject, dir),
            "array" => {
                if let (Some(oi), Some(ni)) = (o.get("items"), n.get("items")) {
                    self.schema(&oi, &ni, &format!("{subject}[]"), dir);
                }
            }
            _ => {}
        }
    }

    /// Where a keyword change is written: the keyword in the head, else the schema.
    fn keyword_push(
        &mut self,
        rule: Rule,
        o: &Node<'a>,
        n: &Node<'a>,
        key: &str,
        subject: &str,
        detail: String,
    ) {
        let at = n.get(key);
        self.push(rule, subject, detail, Some(o), at.as_ref().or(Some(n)));
    }

    fn nullable(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str, dir: Direction) {
        let rule = match (o.is_true("nullable"), n.is_true("nullable"), dir) {
            (false, true, Direction::Response) => (Rule::ResponseMadeNullable, "made nullable"),
            (false, true, Direction::Request) => (Rule::RequestMadeNullable, "made nullable"),
            (true, false, Direction::Response) => {
                (Rule::ResponseMadeNonNullable, "made non-nullable")
            }
            (true, false, Direction::Request) => {
                (Rule::RequestMadeNonNullable, "made non-nullable")
            }
            _ => return,
        };
        self.keyword_push(rule.0, o, n, "nullable", subject, rule.1.to_owned());
    }

    /// `readOnly` and `writeOnly`: a field that stops flowing in this direction.
    fn access(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str, dir: Direction) {
        for (key, takes_away) in [
            ("readOnly", Direction::Request),
            ("writeOnly", Direction::Response),
        ] {
            let rule = match (o.is_true(key), n.is_true(key)) {
                (false, true) if dir == takes_away => match dir {
                    Direction::Request => Rule::RequestFieldBecameReadOnly,
                    Direction::Response => Rule::ResponseFieldBecameWriteOnly,
                },
                (false, true) | (true, false) => Rule::ReadWriteOnlyChanged,
                _ => continue,
            };
            let detail = format!("{key} {} -> {}", o.is_true(key), n.is_true(key));
            self.keyword_push(rule, o, n, key, subject, detail);
        }
    }

    fn enumeration(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str, dir: Direction) {
        let values = |v: &Value| -> Option<BTreeSet<String>> {
            v.get("enum")
                .and_then(Value::as_array)
                .map(|a| a.iter().map(Value::to_string).collect())
        };
        let shown = |v: &BTreeSet<String>| v.iter().cloned().collect::<Vec<_>>().join(", ");
        let (ov, nv) = (values(o.v), values(n.v));
        let (added, removed) = match dir {
            Direction::Request => (Rule::RequestEnumValueAdded, Rule::RequestEnumValueRemoved),
            Direction::Response => (Rule::ResponseEnumValueAdded, Rule::ResponseEnumValueRemoved),
        };
        match (ov, nv) {
            (None, None) => {}
            (None, Some(nv)) => {
                let rule = match dir {
                    Direction::Request => Rule::RequestBecameEnum,
                    Direction::Response => Rule::ResponseConstraintTightened,
                };
                let detail = format!("restricted to enum [{}]", shown(&nv));
                self.keyword_push(rule, o, n, "enum", subject, detail);
            }
            (Some(ov), None) => {
                let rule = match dir {
                    Direction::Request => Rule::RequestConstraintLoosened,
                    Direction::Response => Rule::ResponseEnumValueAdded,
                };
                let detail = format!("enum [{}] removed: any value", shown(&ov));
                self.keyword_push(rule, o, n, "enum", subject, detail);
            }
            (Some(ov), Some(nv)) => {
                for v in ov.difference(&nv) {
                    self.keyword_push(
                        removed,
                        o,
                        n,
                        "enum",
                        subject,
                        format!("enum value {v} removed"),
                    );
                }
                for v in nv.difference(&ov) {
                    self.keyword_push(
                        added,
                        o,
                        n,
                        "enum",
                        subject,
                        format!("enum value {v} added"),
                    );
                }
            }
        }
    }

    fn default(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str) {
        let (a, b) = (o.v.get("default"), n.v.get("default"));
        let rule = match (a, b) {
            (None, Some(_)) => Rule::DefaultAdded,
            (Some(_), None) => Rule::DefaultChanged,
            (Some(a), Some(b)) if a != b => Rule::DefaultChanged,
            _ => return,
        };
        let detail = format!("default {} -> {}", show_opt(a), show_opt(b));
        self.keyword_push(rule, o, n, "default", subject, detail);
    }

    /// Validation keywords, each judged wider or narrower and then by direction.
    fn constraints(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str, dir: Direction) {
        let mut found: Vec<(&str, Effect)> = Vec::new();
        for (keys, upper) in [(UPPER, true), (LOWER, false)] {
            for key in keys {
                let effect = bound(num(o.v.get(key)), num(n.v.get(key)), upper);
                found.extend(effect.map(|e| (key, e)));
            }
        }
        for (key, upper) in [("exclusiveMaximum", true), ("exclusiveMinimum", false)] {
            let (a, b) = (o.v.get(key), n.v.get(key));
            // OpenAPI 3.0 writes a boolean; a number (3.1's form) is a bound.
            let effect = if a.is_some_and(Value::is_number) || b.is_some_and(Value::is_number) {
                bound(num(a), num(b), upper)
            } else {
                flag(a, b)
            };
            found.extend(effect.map(|e| (key, e)));
        }
        let unique = flag(o.v.get("uniqueItems"), n.v.get("uniqueItems"));
        found.extend(unique.map(|e| ("uniqueItems", e)));
        let multiple = multiple_of(num(o.v.get("multipleOf")), num(n.v.get("multipleOf")));
        found.extend(multiple.map(|e| ("multipleOf", e)));
        let pattern = match (o.v.get("pattern"), n.v.get("pattern")) {
            (None, Some(_)) => Some(Effect::Narrower),
            (Some(_), None) => Some(Effect::Wider),
            (Some(a), Some(b)) if a != b => Some(Effect::Unknown),
            _ => None,
        };
        found.extend(pattern.map(|e| ("pattern", e)));
        let additional = additional_properties(
            o.v.get("additionalProperties"),
            n.v.get("additionalProperties"),
        );
        found.extend(additional.map(|e| ("additionalProperties", e)));
        for (key, effect) in found {
            let (a, b) = (o.v.get(key), n.v.get(key));
            let detail = format!("{key} {} -> {}", show_opt(a), show_opt(b));
            self.keyword_push(judged(effect, dir), o, n, key, subject, detail);
        }
        if let (Some(oa), Some(na)) = (o.get("additionalProperties"), n.get("additionalProperties"))
            && oa.v.is_object()
            && na.v.is_object()
        {
            self.schema(&oa, &na, &format!("{subject}.*"), dir);
        }
    }

    /// `allOf`, `anyOf`, `oneOf` compared member by member when they have as many
    /// members on both sides; otherwise, and for `not`, one needs-review change.
    fn composition(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str, dir: Direction) {
        for key in ["allOf", "anyOf", "oneOf"] {
            let (a, b) = (o.get(key), n.get(key));
            match (&a, &b) {
                (None, None) => {}
                (Some(a), Some(b)) if a.items().len() == b.items().len() => {
                    for (x, y) in a.items().iter().zip(b.items().iter()) {
                        self.schema(x, y, subject, dir);
                    }
                }
                _ => {
                    let count = |v: &Option<Node<'_>>| v.as_ref().map_or(0, |v| v.items().len());
                    let detail = format!("{key}: {} -> {} members", count(&a), count(&b));
                    self.keyword_push(Rule::ConstraintChanged, o, n, key, subject, detail);
                }
            }
        }
        let (a, b) = (o.v.get("not"), n.v.get("not"));
        if a != b {
            let detail = format!("not {} -> {}", show_opt(a), show_opt(b));
            self.keyword_push(Rule::ConstraintChanged, o, n, "not", subject, detail);
        }
    }

    fn properties(&mut self, o: &Node<'a>, n: &Node<'a>, subject: &str, dir: Direction) {
        let op = o.get("properties").map(|p| p.entries()).unwrap_or_default();
        let np = n.get("properties").map(|p| p.entries()).unwrap_or_default();
        let (oreq, nreq) = (required(o.v), required(n.v));
        for (name, os) in &op {
            let field = format!("{subject}.{name}");
            let (was, is) = (oreq.contains(name), nreq.contains(name));
            let Some((_, ns)) = np.iter().find(|(k, _)| k == name) else {
                let rule = match (dir, was) {
                    (Direction::Request, _) => Rule::RequestFieldRemoved,
                    (Direction::Response, true) => Rule::ResponseRequiredFieldRemoved,
                    (Direction::Response, false) => Rule::ResponseOptionalFieldRemoved,
                };
                self.push(rule, &field, "removed", Some(os), None);
                continue;
            };
            let rule = match (was, is, dir) {
                (false, true, Direction::Request) => {
                    Some((Rule::RequestFieldMadeRequired, "made required"))
                }
                (true, false, Direction::Request) => {
                    Some((Rule::RequestFieldMadeOptional, "made optional"))
                }
                (false, true, Direction::Response) => {
                    Some((Rule::ResponseFieldMadeRequired, "made required"))
                }
                (true, false, Direction::Response) => {
                    Some((Rule::ResponseFieldMadeOptional, "made optional"))
                }
                _ => None,
            };
            if let Some((rule, detail)) = rule {
                let at = n.get("required");
                self.push(rule, &field, detail, Some(os), at.as_ref().or(Some(ns)));
            }
            self.schema(os, ns, &field, dir);
        }
        for (name, ns) in &np {
            if op.iter().any(|(k, _)| k == name) {
                continue;
            }
            let field = format!("{subject}.{name}");
            let required = nreq.contains(name);
            let (rule, detail) = match (dir, required) {
                (Direction::Request, true) => (Rule::RequestFieldAddedRequired, "added, required"),
                (Direction::Request, false) => (Rule::RequestFieldAddedOptional, "added, optional"),
                (Direction::Response, true) => (Rule::ResponseFieldAdded, "added, required"),
                (Direction::Response, false) => (Rule::ResponseFieldAdded, "added, optional"),
            };
            self.push(rule, &field, detail, None, Some(ns));
        }
    }
}

/// `additionalProperties` as a constraint: `false` allows no other keys.
fn additional_properties(a: Option<&Value>, b: Option<&Value>) -> Option<Effect> {
    let closed = |v: Option<&Value>| v == Some(&Value::Bool(false));
    match (closed(a), closed(b)) {
        (false, true) => Some(Effect::Narrower),
        (true, false) => Some(Effect::Wider),
        // Two schemas are compared key by key by the caller.
        _ if a.is_some_and(Value::is_object) && b.is_some_and(Value::is_object) => None,
        _ if a != b && (a.is_some_and(Value::is_object) || b.is_some_and(Value::is_object)) => {
            Some(Effect::Unknown)
        }
        _ => None,
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

/// The JSON type of a schema; an untyped schema with properties is an object.
fn type_of(schema: &Value) -> String {
    match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(other) => other.to_string(),
        None if schema.get("properties").is_some() => "object".to_owned(),
        None if schema.get("items").is_some() => "array".to_owned(),
        None => "any".to_owned(),
    }
}

//! The spec as the doc checks see it: operations found by method and path, and the
//! JSON Schema of each request body and response, to validate examples with.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::{Context, Result, anyhow};
use jsonschema::error::{TypeKind, ValidationErrorKind};
use serde_json::{Map, Value, json};

use crate::spec::{METHODS, resolve};

pub struct SpecIndex {
    /// The spec as written, for the checks that read OpenAPI itself (`spec_facts`).
    raw: Value,
    operations: Vec<Operation>,
    /// The first path segments of the spec's `x-route-prefixes` other than its
    /// own (`iso`): some installations serve the API under them as well.
    other_prefixes: Vec<String>,
    /// `components/schemas`, converted to JSON Schema, for `$ref`s to point at.
    defs: Value,
    /// Compiled validators by schema text: compiling one is the slow part.
    validators: Mutex<HashMap<String, Arc<jsonschema::Validator>>>,
}

pub struct Operation {
    pub id: String,
    /// Upper case, as the pages write it.
    pub method: String,
    /// The path template, e.g. `/api/mysafe/password/{identifier}`.
    pub path: String,
    /// Titles of the vendor pages that document the operation (`x-doc-titles`).
    pub titles: Vec<String>,
    /// The request body's schema, converted to JSON Schema.
    pub body: Option<Value>,
    /// Each documented status and its body's schema (`None`: no body).
    pub responses: BTreeMap<u16, Option<Value>>,
}

impl Operation {
    /// The status an example is taken for when the page gives none: the lowest
    /// documented success status.
    pub fn default_success(&self) -> Option<u16> {
        self.responses
            .keys()
            .copied()
            .find(|s| (200..300).contains(s))
    }
}

/// How a request line relates to the spec.
pub enum Route<'a> {
    /// Method and path match an operation.
    Exact(&'a Operation),
    /// The path matches the only operation on it, whose method differs.
    OtherMethod(&'a Operation),
    NotInSpec,
}

impl SpecIndex {
    pub fn new(raw: &Value) -> Result<Self> {
        let defs = raw
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(name, schema)| (name.clone(), to_json_schema(schema)))
                    .collect::<Map<_, _>>()
            })
            .unwrap_or_default();
        let mut operations = Vec::new();
        let paths = raw.get("paths").and_then(Value::as_object);
        for (path, item) in paths.into_iter().flatten() {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let id = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        anyhow!("{} {path} has no operationId", method.to_uppercase())
                    })?;
                operations
                    .push(operation(raw, id, method, path, op).with_context(|| id.to_owned())?);
            }
        }
        // The first entry is the prefix the paths are written under; `cargo xtask
        // codegen` checks the list, so a missing or odd one reads as "no other".
        let other_prefixes = raw
            .get("x-route-prefixes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .skip(1)
            .filter_map(Value::as_str)
            .map(|prefix| prefix.trim_start_matches('/').to_owned())
            .collect();
        Ok(Self {
            raw: raw.clone(),
            operations,
            other_prefixes,
            defs: Value::Object(defs),
            validators: Mutex::default(),
        })
    }

    /// The spec as written (OpenAPI 3.0 JSON).
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    pub fn operation(&self, id: &str) -> Option<&Operation> {
        self.operations.iter().find(|op| op.id == id)
    }

    /// The operation a page title names, from the spec's `x-doc-titles`.
    pub fn by_title(&self, title: &str) -> Option<&Operation> {
        let title = normalize_title(title);
        self.operations
            .iter()
            .find(|op| op.titles.iter().any(|t| normalize_title(t) == title))
    }

    /// Matches a request line's method and target (`{{url}}api/mysafe/note/2`,
    /// `/api/mysafe/note/inactive[identifier]`, ...) against the operations.
    pub fn route(&self, method: &str, target: &str) -> Route<'_> {
        self.route_segments(method, &path_segments(target), false)
    }

    /// The route of a target written under another of the spec's `x-route-prefixes`
    /// (`/iso/mysafe/password`) as if it were under the spec's own prefix, and that
    /// other prefix; `None` when the target does not start with one.
    pub fn route_under_other_prefix(
        &self,
        method: &str,
        target: &str,
    ) -> Option<(Route<'_>, &str)> {
        let segments = path_segments(target);
        let first = segments.first()?;
        let prefix = self
            .other_prefixes
            .iter()
            .find(|p| first.eq_ignore_ascii_case(p))?;
        Some((self.route_segments(method, &segments, true), prefix))
    }

    /// `any_prefix`: the first segment may be anything (it was checked already).
    fn route_segments(&self, method: &str, segments: &[String], any_prefix: bool) -> Route<'_> {
        let on_path: Vec<&Operation> = self
            .operations
            .iter()
            .filter(|op| template_matches(&op.path, segments, any_prefix))
            .collect();
        if let Some(op) = on_path.iter().find(|op| op.method == method) {
            return Route::Exact(op);
        }
        match on_path.as_slice() {
            [op] => Route::OtherMethod(op),
            _ => Route::NotInSpec,
        }
    }

    /// Validates `instance` against a converted schema; the problems come sorted
    /// by JSON pointer, each as `pointer: reason`. Reasons never quote the
    /// instance's values, which may be secrets.
    pub fn validate(&self, schema: &Value, instance: &Value) -> Result<Vec<String>> {
        let validator = self.validator(schema)?;
        let mut problems: Vec<String> = validator
            .iter_errors(instance)
            .map(|error| {
                let pointer = error.instance_path().to_string();
                let pointer = if pointer.is_empty() {
                    "/".to_owned()
                } else {
                    pointer
                };
                format!("{pointer}: {}", reason(error.kind(), error.instance()))
            })
            .collect();
        problems.sort();
        problems.dedup();
        Ok(problems)
    }
}

impl SpecIndex {
    fn validator(&self, schema: &Value) -> Result<Arc<jsonschema::Validator>> {
        let key = schema.to_string();
        let mut cache = self.validators.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(validator) = cache.get(&key) {
            return Ok(validator.clone());
        }
        let mut root = match schema {
            Value::Object(map) => map.clone(),
            other => Map::from_iter([("allOf".to_owned(), json!([other]))]),
        };
        root.insert("$defs".to_owned(), self.defs.clone());
        let validator = jsonschema::draft202012::new(&Value::Object(root))
            .map_err(|e| anyhow!("the spec's schema is not valid JSON Schema: {e}"))?;
        let validator = Arc::new(validator);
        cache.insert(key, validator.clone());
        Ok(validator)
    }
}

fn operation(raw: &Value, id: &str, method: &str, path: &str, op: &Value) -> Result<Operation> {
    let titles = op
        .get("x-doc-titles")
        .and_then(Value::as_array)
        .map(|titles| {
            titles
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let body = op
        .get("requestBody")
        .map(|body| media_schema(raw, body))
        .transpose()?
        .flatten();
    let mut responses = BTreeMap::new();
    for (status, response) in op
        .get("responses")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        // `default` and `4XX` ranges are not given to examples; the pages use codes.
        let Ok(code) = status.parse::<u16>() else {
            continue;
        };
        responses.insert(code, media_schema(raw, response)?);
    }
    Ok(Operation {
        id: id.to_owned(),
        method: method.to_uppercase(),
        path: path.to_owned(),
        titles,
        body,
        responses,
    })
}

/// The converted schema of a response's or request body's first media type.
fn media_schema(raw: &Value, node: &Value) -> Result<Option<Value>> {
    let node = resolve(raw, node);
    let schema = node
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.values().next())
        .and_then(|media| media.get("schema"));
    Ok(schema.map(to_json_schema))
}

/// OpenAPI 3.0 schema to JSON Schema 2020-12: `$ref`s point into `$defs`,
/// `nullable: true` adds `null` to the type, and OpenAPI-only keywords go.
pub fn to_json_schema(schema: &Value) -> Value {
    let Value::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "$ref" => {
                let target = value.as_str().unwrap_or_default();
                let target = target.replace("#/components/schemas/", "#/$defs/");
                out.insert(key.clone(), Value::String(target));
            }
            "nullable" | "format" | "example" | "examples" | "externalValue" | "xml"
            | "discriminator" | "readOnly" | "writeOnly" | "deprecated" => {}
            k if k.starts_with("x-") => {}
            "properties" => {
                let props = value
                    .as_object()
                    .map(|p| {
                        p.iter()
                            .map(|(k, v)| (k.clone(), to_json_schema(v)))
                            .collect()
                    })
                    .unwrap_or_default();
                out.insert(key.clone(), Value::Object(props));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), to_json_schema(value));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let all = value
                    .as_array()
                    .map(|a| a.iter().map(to_json_schema).collect());
                out.insert(key.clone(), Value::Array(all.unwrap_or_default()));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    if map.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(ty)) = out.get("type").cloned() {
            out.insert("type".to_owned(), json!([ty, "null"]));
        }
        if let Some(Value::Array(values)) = out.get_mut("enum") {
            values.push(Value::Null);
        }
        if out.contains_key("$ref") {
            return json!({ "anyOf": [Value::Object(out), { "type": "null" }] });
        }
    }
    Value::Object(out)
}

fn reason(kind: &ValidationErrorKind, instance: &Value) -> String {
    match kind {
        ValidationErrorKind::Type { kind } => {
            let expected: Vec<String> = match kind {
                TypeKind::Single(t) => vec![t.to_string()],
                TypeKind::Multiple(set) => set.iter().map(|t| t.to_string()).collect(),
            };
            format!(
                "expected {}, found {}",
                expected.join(" or "),
                json_type(instance)
            )
        }
        ValidationErrorKind::Required { property } => {
            format!("required property {property} is missing")
        }
        ValidationErrorKind::Enum { options } => format!("not one of {options}"),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!("unexpected properties {}", unexpected.join(", "))
        }
        other => format!("fails the schema ({})", keyword_of(other)),
    }
}

fn keyword_of(kind: &ValidationErrorKind) -> String {
    // The Debug name of the variant, e.g. `MinLength`, without its fields (which
    // may hold the instance's values).
    let debug = format!("{kind:?}");
    debug
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// The JSON type of a value, as JSON Schema names it.
pub fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// `POST | Disable password` and `Disable password` name the same page.
fn normalize_title(title: &str) -> String {
    let title = title.trim();
    let title = match title.split_once('|') {
        Some((method, rest)) if super::extract::METHODS.contains(&method.trim()) => rest,
        _ => title,
    };
    title
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The path segments of a request target: host, `{{url}}` and query dropped, and a
/// placeholder glued to the segment before it (`inactive[identifier]`) split off.
pub fn path_segments(target: &str) -> Vec<String> {
    let mut target = target.trim();
    while let Some(rest) = target.strip_prefix("{{") {
        target = rest.split_once("}}").map_or("", |(_, rest)| rest);
    }
    if let Some((_, rest)) = target.split_once("://") {
        target = rest.split_once('/').map_or("", |(_, rest)| rest);
    }
    let target = target.split(['?', '#']).next().unwrap_or_default();
    let mut segments = Vec::new();
    for segment in target.split('/').filter(|s| !s.is_empty()) {
        match segment.find('[') {
            Some(n) if n > 0 => {
                segments.push(segment[..n].to_owned());
                segments.push(segment[n..].to_owned());
            }
            _ => segments.push(segment.to_owned()),
        }
    }
    segments
}

/// Whether a request target is an example (a concrete URL such as
/// `{{url}}api/mysafe/password/10`) rather than the endpoint's template.
pub fn is_concrete(target: &str) -> bool {
    let has_placeholder = path_segments(target)
        .iter()
        .any(|s| s.starts_with('[') || s.starts_with('{'));
    !has_placeholder
        && (target.contains("{{") || target.contains('?') || target.contains("://") || {
            // A number where the template has a parameter: `/note/inactive/2`.
            path_segments(target)
                .iter()
                .any(|s| s.chars().all(|c| c.is_ascii_digit()))
        })
}

fn template_matches(template: &str, segments: &[String], any_prefix: bool) -> bool {
    let parts: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
    parts.len() == segments.len()
        && parts
            .iter()
            .zip(segments)
            .enumerate()
            .all(|(n, (part, segment))| {
                (n == 0 && any_prefix)
                    || (part.starts_with('{') && part.ends_with('}'))
                    || part.eq_ignore_ascii_case(segment)
            })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_drop_host_variables_and_query_and_split_glued_placeholders() {
        assert_eq!(
            path_segments("{{url}}api/mysafe/password?tag=gmail"),
            ["api", "mysafe", "password"]
        );
        assert_eq!(
            path_segments("/api/mysafe/note/inactive[identifier]"),
            ["api", "mysafe", "note", "inactive", "[identifier]"]
        );
        assert_eq!(
            path_segments("https://tenant.example.com/api/oauth2/token"),
            ["api", "oauth2", "token"]
        );
    }

    #[test]
    fn templates_and_examples_are_told_apart() {
        assert!(!is_concrete("api/mysafe/password/inactive/[identifier]"));
        assert!(!is_concrete("api/mysafe/secretapi"));
        assert!(is_concrete("{{url}}api/mysafe/secretapi"));
        assert!(is_concrete("/api/mysafe/note/inactive/2"));
    }

    #[test]
    fn nullable_becomes_a_null_type() {
        let converted = to_json_schema(&json!({
            "type": "object",
            "properties": {
                "token": { "type": "string", "format": "password", "nullable": true },
                "entity": { "$ref": "#/components/schemas/Entity" }
            }
        }));
        assert_eq!(
            converted,
            json!({
                "type": "object",
                "properties": {
                    "token": { "type": ["string", "null"] },
                    "entity": { "$ref": "#/$defs/Entity" }
                }
            })
        );
    }
}

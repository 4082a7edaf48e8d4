//! Loading and validating the OpenAPI document.
//!
//! progenitor panics on several kinds of bad input (a dangling `$ref`, two error
//! schemas on one operation, ...). Every check it would panic on is made here first,
//! so that a maintainer gets one line naming the file and the problem.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::{Context, Result, anyhow, bail};
use openapiv3::OpenAPI;
use serde_json::Value;

/// Where the spec lives, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/mysafe.yaml";

/// A spec that parsed and passed the checks.
pub struct Spec {
    /// The document as plain JSON, for checks that need what `openapiv3` drops.
    #[allow(dead_code)] // read by the doc checks and the API diff
    pub raw: Value,
    /// The typed document.
    pub openapi: OpenAPI,
}

/// Reads and validates the spec at `path`.
pub fn load(path: &Path) -> Result<Spec> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    parse(&text).with_context(|| path.display().to_string())
}

/// Parses and validates a spec from its text.
/// The project's own spec, parsed: for the tests of the generators.
#[cfg(test)]
pub fn project_spec() -> openapiv3::OpenAPI {
    let path = crate::project_root().join(SPEC_PATH);
    load(&path).expect("openapi/mysafe.yaml loads").openapi
}

pub fn parse(text: &str) -> Result<Spec> {
    let raw = parse_document(text)?;
    check_refs(&raw)?;
    let openapi: OpenAPI = serde_json::from_value(raw.clone())
        .map_err(|e| anyhow!("not a valid OpenAPI 3.0 document: {e}"))?;
    check_response_schemas(&raw)?;
    Ok(Spec { raw, openapi })
}

/// Reads an OpenAPI 3.0 document as JSON, without the checks of what progenitor
/// can generate: YAML (or JSON) with `openapi: 3.0.x`.
pub fn parse_document(text: &str) -> Result<Value> {
    let raw: Value = serde_yaml_ng::from_str(text).map_err(|e| anyhow!("invalid YAML: {e}"))?;
    check_version(&raw)?;
    Ok(raw)
}

fn check_version(raw: &Value) -> Result<()> {
    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        Some(v) => bail!("OpenAPI {v} is not supported: progenitor reads 3.0.x only"),
        None => bail!("no `openapi: 3.0.x` version field: not an OpenAPI document"),
    }
}

/// Every `$ref` must be local (`#/...`) and point at something.
fn check_refs(raw: &Value) -> Result<()> {
    fn walk(root: &Value, node: &Value, at: &mut Vec<String>) -> Result<()> {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let pointer = target.strip_prefix('#').ok_or_else(|| {
                        anyhow!(
                            "external $ref {target:?} at {}: only local references are supported",
                            pointer_of(at)
                        )
                    })?;
                    if root.pointer(pointer).is_none() {
                        bail!("dangling $ref {target:?} at {}", pointer_of(at));
                    }
                }
                for (key, value) in map {
                    at.push(key.clone());
                    walk(root, value, at)?;
                    at.pop();
                }
            }
            Value::Array(items) => {
                for (i, value) in items.iter().enumerate() {
                    at.push(i.to_string());
                    walk(root, value, at)?;
                    at.pop();
                }
            }
            _ => {}
        }
        Ok(())
    }
    walk(raw, raw, &mut Vec::new())
}

fn pointer_of(at: &[String]) -> String {
    let mut s = String::new();
    for part in at {
        s.push('/');
        s.push_str(&part.replace('~', "~0").replace('/', "~1"));
    }
    s
}

pub const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// progenitor gives each operation one success type and one error type; two
/// different schemas among the success (or error) responses abort generation.
fn check_response_schemas(raw: &Value) -> Result<()> {
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else {
        return Ok(());
    };
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let name = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_owned)
                .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
            let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                bail!("operation {name}: no responses");
            };
            let mut success = BTreeSet::new();
            let mut error = BTreeSet::new();
            for (status, response) in responses {
                let body = response_body_schema(raw, response);
                if status.starts_with('2') {
                    success.insert(body);
                } else if status.starts_with('4') || status.starts_with('5') {
                    error.insert(body);
                } else if status == "default" {
                    // progenitor counts `default` as both a success and an error.
                    success.insert(body.clone());
                    error.insert(body);
                }
            }
            for (kind, set) in [("success", &success), ("error", &error)] {
                if set.len() > 1 {
                    bail!(
                        "operation {name}: its {kind} responses use {} different schemas ({}); \
                         progenitor needs one schema for all {kind} responses of an operation",
                        set.len(),
                        set.iter().cloned().collect::<Vec<_>>().join(", ")
                    );
                }
            }
        }
    }
    Ok(())
}

/// A name for the JSON body schema of a response: its `$ref`, `inline` for an
/// inline schema, or `no body`.
fn response_body_schema(root: &Value, response: &Value) -> String {
    let response = resolve(root, response);
    let schema = response
        .get("content")
        .and_then(Value::as_object)
        .and_then(|content| content.values().next())
        .and_then(|media| media.get("schema"));
    match schema {
        None => "no body".to_owned(),
        Some(schema) => match schema.get("$ref").and_then(Value::as_str) {
            Some(target) => target.to_owned(),
            None => format!("inline {schema}"),
        },
    }
}

/// Follows a local `$ref` (already checked by [`check_refs`]).
pub fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    // Bounded: a reference cycle would otherwise loop forever.
    for _ in 0..16 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|t| t.strip_prefix('#'))
        {
            Some(pointer) => match root.pointer(pointer) {
                Some(target) => node = target,
                None => return node,
            },
            None => return node,
        }
    }
    node
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /a:
    get:
      operationId: a
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Ok" }
        "400":
          description: bad
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Err" }
components:
  schemas:
    Ok: { type: object }
    Err: { type: object }
"##;

    fn error_of(text: &str) -> String {
        match parse(text) {
            Ok(_) => panic!("expected the spec to be rejected"),
            Err(e) => format!("{e:#}"),
        }
    }

    #[test]
    fn minimal_spec_is_accepted() {
        let spec = parse(MINIMAL).unwrap();
        assert_eq!(spec.openapi.paths.paths.len(), 1);
    }

    #[test]
    fn bad_yaml_is_named() {
        let err = error_of("openapi: [3.0.3\n");
        assert!(err.starts_with("invalid YAML:"), "{err}");
    }

    #[test]
    fn openapi_3_1_is_refused() {
        let err = error_of(&MINIMAL.replace("3.0.3", "3.1.0"));
        assert_eq!(
            err,
            "OpenAPI 3.1.0 is not supported: progenitor reads 3.0.x only"
        );
    }

    #[test]
    fn dangling_ref_names_target_and_place() {
        let err = error_of(&MINIMAL.replace("schemas/Err\"", "schemas/Missing\""));
        assert_eq!(
            err,
            "dangling $ref \"#/components/schemas/Missing\" at \
             /paths/~1a/get/responses/400/content/application~1json/schema"
        );
    }

    #[test]
    fn two_error_schemas_on_one_operation_are_refused() {
        let text = MINIMAL.replace(
            "components:",
            r##"        "500":
          description: boom
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Ok" }
components:"##,
        );
        let err = error_of(&text);
        assert!(
            err.starts_with("operation a: its error responses use 2 different schemas"),
            "{err}"
        );
    }

    #[test]
    fn a_body_and_no_body_count_as_two_success_types() {
        let text = MINIMAL.replace(
            "        \"400\":",
            "        \"204\":\n          description: empty\n        \"400\":",
        );
        let err = error_of(&text);
        assert!(
            err.contains("success responses use 2 different schemas"),
            "{err}"
        );
    }

    #[test]
    fn missing_version_is_not_openapi() {
        let err = error_of("info: {}\n");
        assert!(err.contains("not an OpenAPI document"), "{err}");
    }
}

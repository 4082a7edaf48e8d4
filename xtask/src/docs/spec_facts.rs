//! What the doc checks read from the spec as written (OpenAPI 3.0, not the JSON
//! Schema that `spec_index` validates with): parameters, the property tree of a
//! body or response, and the project's `x-` extensions that hold facts about the
//! vendor's docs.
//!
//! The extensions (progenitor ignores them):
//!
//! - `x-unmodelled-keys: [Message]` on a schema: keys the vendor's examples carry
//!   there that the schema deliberately does not describe as properties.
//! - `x-known-codes: [{code: 1005, name: NotFound, meaning: ...}]` on the
//!   `code` property of the error schema: the MySafe error codes the spec knows.
//! - `x-outcome-messages: {changed: [...], already_so: [...]}` on the enable and
//!   disable operations: the 200 messages that tell a change from "already so".

use serde_json::Value;

use crate::spec::{METHODS, resolve};

/// How deep `$ref`s and `allOf`/`anyOf`/`oneOf` branches are followed; a cycle
/// stops there instead of looping.
const MAX_DEPTH: usize = 16;

/// The operation with `operationId` `id`, and its path item.
fn operation<'a>(raw: &'a Value, id: &str) -> Option<(&'a Value, &'a Value)> {
    raw.get("paths")?.as_object()?.values().find_map(|item| {
        METHODS.iter().find_map(|method| {
            let op = item.get(method)?;
            (op.get("operationId").and_then(Value::as_str) == Some(id)).then_some((op, item))
        })
    })
}

/// A parameter of an operation.
pub struct Param<'a> {
    pub name: &'a str,
    /// `path`, `query`, `header` or `cookie`.
    pub location: &'a str,
    pub required: bool,
    pub schema: Option<&'a Value>,
}

/// The operation's parameters, its own and its path item's.
pub fn parameters<'a>(raw: &'a Value, id: &str) -> Vec<Param<'a>> {
    let Some((op, item)) = operation(raw, id) else {
        return Vec::new();
    };
    [op, item]
        .into_iter()
        .filter_map(|node| node.get("parameters").and_then(Value::as_array))
        .flatten()
        .filter_map(|param| {
            let param = resolve(raw, param);
            Some(Param {
                name: param.get("name")?.as_str()?,
                location: param.get("in")?.as_str()?,
                required: param.get("required").and_then(Value::as_bool) == Some(true),
                schema: param.get("schema"),
            })
        })
        .collect()
}

/// The schema of the first media type of a request body or response node.
fn media_schema<'a>(raw: &'a Value, node: &'a Value) -> Option<&'a Value> {
    resolve(raw, node)
        .get("content")?
        .as_object()?
        .values()
        .next()?
        .get("schema")
}

pub fn body_schema<'a>(raw: &'a Value, id: &str) -> Option<&'a Value> {
    let (op, _) = operation(raw, id)?;
    media_schema(raw, op.get("requestBody")?)
}

pub fn response_schema<'a>(raw: &'a Value, id: &str, status: u16) -> Option<&'a Value> {
    let (op, _) = operation(raw, id)?;
    media_schema(raw, op.get("responses")?.get(status.to_string())?)
}

/// The lowest documented success status, which field tables of a page describe.
pub fn success_status(raw: &Value, id: &str) -> Option<u16> {
    let (op, _) = operation(raw, id)?;
    op.get("responses")?
        .as_object()?
        .keys()
        .filter_map(|s| s.parse::<u16>().ok())
        .filter(|s| (200..300).contains(s))
        .min()
}

/// `x-outcome-messages` of an operation.
pub struct OutcomeMessages {
    pub changed: Vec<String>,
    pub already_so: Vec<String>,
}

impl OutcomeMessages {
    pub fn knows(&self, message: &str) -> bool {
        self.changed
            .iter()
            .chain(&self.already_so)
            .any(|m| m == message)
    }
}

pub fn outcome_messages(raw: &Value, id: &str) -> Option<OutcomeMessages> {
    let (op, _) = operation(raw, id)?;
    let messages = op.get("x-outcome-messages")?;
    let list = |key: &str| -> Vec<String> {
        messages
            .get(key)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    };
    Some(OutcomeMessages {
        changed: list("changed"),
        already_so: list("already_so"),
    })
}

/// Every code listed in an `x-known-codes` of a schema property.
pub fn known_codes(raw: &Value) -> Vec<i64> {
    let schemas = raw
        .pointer("/components/schemas")
        .and_then(Value::as_object);
    let mut codes: Vec<i64> = schemas
        .into_iter()
        .flat_map(|s| s.values())
        .filter_map(|schema| schema.get("properties").and_then(Value::as_object))
        .flat_map(|props| props.values())
        .filter_map(|prop| prop.get("x-known-codes").and_then(Value::as_array))
        .flatten()
        .filter_map(|entry| entry.get("code").and_then(Value::as_i64))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    codes
}

/// The schema itself and the branches of its `allOf`, `anyOf` and `oneOf`, with
/// `$ref`s resolved: the places where its properties may be described.
fn branches<'a>(raw: &'a Value, schema: &'a Value) -> Vec<&'a Value> {
    fn walk<'a>(raw: &'a Value, schema: &'a Value, depth: usize, out: &mut Vec<&'a Value>) {
        if depth > MAX_DEPTH {
            return;
        }
        let schema = resolve(raw, schema);
        out.push(schema);
        for key in ["allOf", "anyOf", "oneOf"] {
            for branch in schema
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(raw, branch, depth + 1, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(raw, schema, 0, &mut out);
    out
}

/// Whether the schema describes its keys (has `properties` somewhere), as opposed
/// to a free-form object or map whose keys are data.
pub fn has_properties(raw: &Value, schema: &Value) -> bool {
    branches(raw, schema)
        .iter()
        .any(|s| s.get("properties").is_some_and(Value::is_object))
}

pub fn property<'a>(raw: &'a Value, schema: &'a Value, name: &str) -> Option<&'a Value> {
    branches(raw, schema)
        .into_iter()
        .find_map(|s| s.get("properties")?.get(name))
}

pub fn property_names<'a>(raw: &'a Value, schema: &'a Value) -> Vec<&'a str> {
    branches(raw, schema)
        .into_iter()
        .filter_map(|s| s.get("properties").and_then(Value::as_object))
        .flat_map(|props| props.keys().map(String::as_str))
        .collect()
}

pub fn is_required(raw: &Value, schema: &Value, name: &str) -> bool {
    branches(raw, schema).iter().any(|s| {
        s.get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|n| n.as_str() == Some(name)))
    })
}

/// `x-unmodelled-keys` of the schema.
pub fn is_unmodelled(raw: &Value, schema: &Value, key: &str) -> bool {
    branches(raw, schema).iter().any(|s| {
        s.get("x-unmodelled-keys")
            .and_then(Value::as_array)
            .is_some_and(|keys| keys.iter().any(|k| k.as_str() == Some(key)))
    })
}

/// The schema of an array's items.
pub fn items<'a>(raw: &'a Value, schema: &'a Value) -> Option<&'a Value> {
    branches(raw, schema)
        .into_iter()
        .find_map(|s| s.get("items"))
}

/// The JSON type the schema gives (`string`, `integer`, `array`, ...), if any.
pub fn json_type<'a>(raw: &'a Value, schema: &'a Value) -> Option<&'a str> {
    branches(raw, schema)
        .into_iter()
        .find_map(|s| s.get("type").and_then(Value::as_str))
}

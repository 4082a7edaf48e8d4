//! What an accepted example shows that the spec does not know: keys its schema
//! does not describe, MySafe error codes missing from `x-known-codes`, and enable or
//! disable messages in neither list of `x-outcome-messages`.
//!
//! These are the vendor's additive changes: the example still validates (unknown
//! keys are not rejects), so without this the client would go on dropping a new
//! field, or misreading a new message, without anyone noticing. Findings name
//! JSON pointers and codes only, never values, which may be secrets.

use std::collections::HashSet;

use serde_json::Value;

use super::locate::Target;
use super::spec_facts;
use super::spec_index::SpecIndex;

/// One thing an example adds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Addition {
    /// A key the schema does not describe, by JSON pointer.
    Key(String),
    /// A MySafe error code the spec does not list, and where it was found.
    Code { code: i64, pointer: String },
    /// An enable or disable message in neither list of `x-outcome-messages`.
    OutcomeMessage { pointer: String },
}

impl std::fmt::Display for Addition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Addition::Key(pointer) => write!(f, "{pointer}"),
            Addition::Code { code, pointer } => {
                write!(f, "error code {code} ({pointer}) not in x-known-codes")
            }
            Addition::OutcomeMessage { pointer } => {
                write!(f, "message {pointer} in neither list of x-outcome-messages")
            }
        }
    }
}

/// Where the envelope carries the outcome message; `outcome.rs` reads the same
/// three keys (`Message` is how some 3.33 answers spell `mensagem`).
const MESSAGE_POINTERS: [&str; 3] = [
    "/response/message",
    "/response/mensagem",
    "/response/Message",
];

/// Everything `value`, an example the spec accepts for `target`, adds.
pub fn additions(spec: &SpecIndex, target: &Target, value: &Value) -> Vec<Addition> {
    let raw = spec.raw();
    let (operation, status) = match target {
        Target::Request { operation } => (operation, None),
        Target::Response { operation, status } => (operation, Some(*status)),
        Target::NoStatus { .. } | Target::NotInSpec(_) | Target::Unknown(_) => return Vec::new(),
    };
    let schema = match status {
        None => spec_facts::body_schema(raw, operation),
        Some(status) => spec_facts::response_schema(raw, operation, status),
    };
    let mut out: Vec<Addition> = schema
        .map(|schema| unknown_keys(raw, schema, value))
        .unwrap_or_default()
        .into_iter()
        .map(Addition::Key)
        .collect();
    if status.is_some() {
        out.extend(unknown_codes(&spec_facts::known_codes(raw), value));
    }
    if let (Some(status), Some(messages)) = (status, spec_facts::outcome_messages(raw, operation))
        && (200..300).contains(&status)
    {
        out.extend(
            MESSAGE_POINTERS
                .iter()
                .filter(|p| {
                    value
                        .pointer(p)
                        .and_then(Value::as_str)
                        .is_some_and(|m| !m.is_empty() && !messages.knows(m))
                })
                .map(|p| Addition::OutcomeMessage {
                    pointer: (*p).to_owned(),
                }),
        );
    }
    out
}

/// The keys of `value` that `schema` (an OpenAPI schema of the spec `raw`) does
/// not describe, as JSON pointers. A key is described when a `properties` of the
/// schema names it or its `x-unmodelled-keys` lists it; an object whose schema has
/// no `properties` at all is free-form, and its keys are data. Inside arrays each
/// unknown key is reported once, at the first element that has it; below an
/// unknown key nothing more is reported.
pub fn unknown_keys(raw: &Value, schema: &Value, value: &Value) -> Vec<String> {
    let mut walk = Walk {
        raw,
        out: Vec::new(),
        seen: HashSet::new(),
    };
    walk.value(schema, value, &mut String::new(), &mut String::new());
    walk.out
}

struct Walk<'a> {
    raw: &'a Value,
    out: Vec<String>,
    /// Reported pointers with array indices replaced by `*`.
    seen: HashSet<String>,
}

impl Walk<'_> {
    fn value(&mut self, schema: &Value, value: &Value, pointer: &mut String, shape: &mut String) {
        match value {
            Value::Object(map) => {
                if !spec_facts::has_properties(self.raw, schema) {
                    return;
                }
                for (key, child) in map {
                    let (p, s) = (pointer.len(), shape.len());
                    let escaped = key.replace('~', "~0").replace('/', "~1");
                    pointer.push('/');
                    pointer.push_str(&escaped);
                    shape.push('/');
                    shape.push_str(&escaped);
                    match spec_facts::property(self.raw, schema, key) {
                        Some(prop) => self.value(prop, child, pointer, shape),
                        None if spec_facts::is_unmodelled(self.raw, schema, key) => {}
                        None => {
                            if self.seen.insert(shape.clone()) {
                                self.out.push(pointer.clone());
                            }
                        }
                    }
                    pointer.truncate(p);
                    shape.truncate(s);
                }
            }
            Value::Array(elements) => {
                let Some(items) = spec_facts::items(self.raw, schema) else {
                    return;
                };
                for (i, element) in elements.iter().enumerate() {
                    let (p, s) = (pointer.len(), shape.len());
                    pointer.push_str(&format!("/{i}"));
                    shape.push_str("/*");
                    self.value(items, element, pointer, shape);
                    pointer.truncate(p);
                    shape.truncate(s);
                }
            }
            _ => {}
        }
    }
}

/// Where an error answer carries MySafe codes: `exception.code`, and the `NNNN:`
/// prefix of its messages.
const CODE_POINTERS: [&str; 5] = [
    "/exception/message",
    "/response/message",
    "/response/mensagem",
    "/response/Message",
    "/message",
];

/// The MySafe error codes of `value` that `known` does not list, each once, at
/// the first place it appears.
pub fn unknown_codes(known: &[i64], value: &Value) -> Vec<Addition> {
    let from_field = value
        .pointer("/exception/code")
        .and_then(Value::as_i64)
        .map(|code| (code, "/exception/code"));
    let from_messages = CODE_POINTERS.iter().filter_map(|pointer| {
        let message = value.pointer(pointer)?.as_str()?;
        Some((code_prefix(message)?, *pointer))
    });
    let mut seen = HashSet::new();
    from_field
        .into_iter()
        .chain(from_messages)
        .filter(|(code, _)| !known.contains(code) && seen.insert(*code))
        .map(|(code, pointer)| Addition::Code {
            code,
            pointer: pointer.to_owned(),
        })
        .collect()
}

/// `1005` of `"1005: Password not found"` (or `"1005 - ..."`).
fn code_prefix(message: &str) -> Option<i64> {
    let message = message.trim_start();
    let digits = message.get(..4)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest = message[4..].trim_start();
    (rest.starts_with(':') || rest.starts_with('-'))
        .then(|| digits.parse().ok())
        .flatten()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn raw() -> Value {
        json!({
            "components": {"schemas": {
                "Status": {
                    "type": "object",
                    "x-unmodelled-keys": ["Message"],
                    "additionalProperties": {},
                    "properties": {"message": {"type": "string"}}
                },
                "Entity": {
                    "type": "object",
                    "properties": {
                        "id": {"type": "string"},
                        "shares": {"type": "array", "items": {"$ref": "#/components/schemas/Share"}},
                        "free": {"type": "object", "additionalProperties": {}},
                        "any": {}
                    }
                },
                "Share": {"type": "object", "properties": {"name": {"type": "string"}}}
            }},
            "schema": {
                "type": "object",
                "properties": {
                    "response": {"$ref": "#/components/schemas/Status"},
                    "entity": {"$ref": "#/components/schemas/Entity"}
                }
            }
        })
    }

    #[test]
    fn unknown_keys_by_pointer_once_per_array_and_not_below_an_unknown_key() {
        let raw = raw();
        let value = json!({
            "response": {"message": "ok", "Message": "ok", "extra": 1},
            "entity": {
                "id": "1",
                "expires_at": "2030",
                "rotation_policy": {"days": 30, "a/b": {}},
                "shares": [{"name": "a", "level": 1}, {"name": "b", "level": 2}, {"x~y": 0}],
                "free": {"anything": 1},
                "any": {"goes": 1}
            }
        });
        let mut found = unknown_keys(&raw, &raw["schema"], &value);
        found.sort();
        assert_eq!(
            found,
            [
                "/entity/expires_at",
                "/entity/rotation_policy",
                "/entity/shares/0/level",
                "/entity/shares/2/x~0y",
                "/response/extra",
            ]
        );
    }

    #[test]
    fn codes_from_the_exception_and_message_prefixes() {
        let value = json!({
            "response": {"message": "1012: Password expired", "mensagem": "1012: Senha expirada"},
            "exception": {"code": 1005, "message": "1013 - Other"}
        });
        assert_eq!(
            unknown_codes(&[1005], &value),
            [
                Addition::Code {
                    code: 1013,
                    pointer: "/exception/message".to_owned()
                },
                Addition::Code {
                    code: 1012,
                    pointer: "/response/message".to_owned()
                },
            ]
        );
        assert!(unknown_codes(&[1005, 1012, 1013], &value).is_empty());
        assert_eq!(code_prefix("Password 1234 is fine"), None);
        assert_eq!(code_prefix("12345: too long"), None);
        assert_eq!(code_prefix("é"), None);
    }
}

//! The one place server text goes through on its way into an error.
//!
//! Every string an [`crate::Error`] holds that came from the server (a message, a
//! detail, a request id, an excerpt of a body) is made here, by a [`Redactor`]. A
//! body that fails to decode may still hold secrets: a `get_password` answer with one
//! field of the wrong type carries the password. JSON bodies are therefore excerpted
//! only after the values of secret-bearing keys are masked, and a body that looks
//! like JSON but does not parse (so cannot be masked) is described, not quoted.

use serde_json::Value;

use crate::Secret;

/// Longest excerpt, in characters.
pub(crate) const MAX_CHARS: usize = 160;

const MASK: &str = "[REDACTED]";

/// Makes server text safe to show in an error.
#[derive(Default)]
pub(crate) struct Redactor {
    /// What this client knows to be secret: its own secrets and those it sent in
    /// the call.
    #[allow(dead_code)] // replaced wherever they occur: the next step of this module
    secrets: Vec<Secret>,
}

impl Redactor {
    pub(crate) fn new(secrets: Vec<Secret>) -> Self {
        Self { secrets }
    }

    /// A field of a decoded answer (a message, a detail, a request id).
    pub(crate) fn text(&self, text: &str) -> String {
        text.to_owned()
    }

    /// A one-line excerpt of `body` that is safe to show.
    pub(crate) fn excerpt(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return "<empty body>".to_owned();
        }
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            return match serde_json::from_slice::<Value>(body) {
                Ok(mut value) => {
                    mask(&mut value);
                    shorten(&value.to_string())
                }
                Err(_) => format!("<malformed JSON, {} bytes>", body.len()),
            };
        }
        shorten(trimmed)
    }
}

/// The values a request body sent under the spec's secret properties
/// (`format: password`), at any depth: JSON bodies and the token request's form.
pub(crate) fn sent_secrets(body: &[u8]) -> Vec<Secret> {
    fn walk(value: &Value, out: &mut Vec<Secret>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    match item {
                        Value::String(text) if crate::spec::is_secret_property(key) => {
                            out.push(Secret::new(text.as_str()));
                        }
                        _ => walk(item, out),
                    }
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    match serde_json::from_slice::<Value>(body) {
        Ok(value) => walk(&value, &mut out),
        Err(_) => {
            for (key, value) in form_urlencoded::parse(body) {
                if crate::spec::is_secret_property(&key) {
                    out.push(Secret::new(value.into_owned()));
                }
            }
        }
    }
    out
}

/// Replaces the values of secret-bearing keys: every property the spec marks
/// `format: password` (the generated `spec::SECRET_PROPERTIES`), whatever object
/// they appear in.
fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if crate::spec::is_secret_property(key) && !item.is_null() {
                    *item = Value::String(MASK.to_owned());
                } else {
                    mask(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(mask),
        _ => {}
    }
}

/// Collapses whitespace (HTML pages are mostly indentation) and cuts at
/// [`MAX_CHARS`] characters, never inside a character.
fn shorten(text: &str) -> String {
    let mut out = String::new();
    for (count, word) in text.split_whitespace().enumerate() {
        if count > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.chars().count() > MAX_CHARS {
            break;
        }
    }
    if out.chars().count() > MAX_CHARS {
        let mut cut: String = out.chars().take(MAX_CHARS).collect();
        cut.push('…');
        cut
    } else {
        out
    }
}

/// What kind of decoding failure `error` is, with its position but without the
/// message: serde_json quotes the offending value ("invalid type: string
/// \"hunter2\"..."), which may be a secret.
pub(crate) fn describe(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let kind = match error.classify() {
        Category::Io => "read error",
        Category::Syntax => "not valid JSON",
        Category::Data => "JSON of an unexpected shape",
        Category::Eof => "body ends early",
    };
    format!("{kind} at line {} column {}", error.line(), error.column())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excerpt(body: &[u8]) -> String {
        Redactor::default().excerpt(body)
    }

    #[test]
    fn json_secrets_are_masked_at_any_depth() {
        let body = br#"{"response":{"status":200},"password_entity":{"identifier":"5",
            "password":"hunter2","secret_key":"JBSWY3DPEHPK3PXP","token":452180,
            "users_allowed":[{"username":"ana","password":"nested"}]}}"#;
        let text = excerpt(body);
        for secret in ["hunter2", "JBSWY3DPEHPK3PXP", "452180", "nested"] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        assert!(text.contains(r#""identifier":"5""#), "{text}");
        assert!(text.contains(MASK));
    }

    #[test]
    fn every_secret_property_of_the_spec_is_masked() {
        for key in crate::spec::SECRET_PROPERTIES {
            let body = format!(r#"{{"{key}":"v4lue-{key}"}}"#);
            let text = excerpt(body.as_bytes());
            assert!(!text.contains("v4lue"), "{key}: {text}");
        }
    }

    #[test]
    fn the_secrets_a_call_sent_are_found_in_json_and_forms() {
        let json = br#"{"name":"db","password":"pw-1","users_allowed":[{"username":"a"}],"nested":{"secret_key":"KEY"}}"#;
        let mut found: Vec<_> = sent_secrets(json)
            .iter()
            .map(|s| s.expose().to_owned())
            .collect();
        found.sort();
        assert_eq!(found, ["KEY", "pw-1"]);
        let form = b"grant_type=client_credentials&client_id=app&client_secret=s%2Bcr%C3%A9t";
        let found: Vec<_> = sent_secrets(form)
            .iter()
            .map(|s| s.expose().to_owned())
            .collect();
        assert_eq!(found, ["s+crét"]);
        assert!(sent_secrets(b"").is_empty());
    }

    #[test]
    fn malformed_json_is_described_not_quoted() {
        let body = br#"{"password_entity":{"password":"hunter2","na"#;
        assert_eq!(
            excerpt(body),
            format!("<malformed JSON, {} bytes>", body.len())
        );
    }

    #[test]
    fn html_is_collapsed_and_cut() {
        let page = format!(
            "<html>\n  <head><title>502 Bad Gateway</title></head>\n  <body>{}</body></html>",
            "x".repeat(500)
        );
        let text = excerpt(page.as_bytes());
        assert!(text.starts_with("<html> <head><title>502 Bad Gateway</title></head>"));
        assert_eq!(text.chars().count(), MAX_CHARS + 1);
        assert!(text.ends_with('…'));
    }

    #[test]
    fn empty_and_non_utf8_bodies() {
        assert_eq!(excerpt(b""), "<empty body>");
        assert_eq!(excerpt(b" \n "), "<empty body>");
        // Multi-byte characters are never cut in half.
        let text = excerpt("é".repeat(400).as_bytes());
        assert_eq!(text.chars().count(), MAX_CHARS + 1);
        assert_eq!(excerpt(&[0xff, 0xfe, b'o', b'k']), "\u{fffd}\u{fffd}ok");
    }

    #[test]
    fn decode_errors_never_quote_the_value() {
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Code {
            code: i32,
        }
        let error = serde_json::from_str::<Code>(r#"{"code":"hunter2"}"#).unwrap_err();
        assert!(
            error.to_string().contains("hunter2"),
            "serde_json quotes it"
        );
        let text = describe(&error);
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.starts_with("JSON of an unexpected shape at line 1"));
        let error = serde_json::from_str::<Code>(r#"{"code":1"#).unwrap_err();
        assert!(describe(&error).starts_with("body ends early"));
    }
}

//! Short, secret-free excerpts of response bodies for error messages.
//!
//! A body that fails to decode may still hold secrets: a `get_password` answer with
//! one field of the wrong type carries the password. JSON bodies are therefore
//! excerpted only after the values of secret-bearing keys are masked, and a body that
//! looks like JSON but does not parse (so cannot be masked) is described, not quoted.

use serde_json::Value;

/// Longest excerpt, in characters.
pub(crate) const MAX_CHARS: usize = 160;

/// Keys whose values are secrets: every property the spec marks `format: password`
/// (a test checks the list against the spec), whatever object they appear in.
pub(crate) const SECRET_KEYS: &[&str] = &[
    "access_token",
    "client_secret",
    "note",
    "password",
    "secret_key",
    "token",
];

const MASK: &str = "[REDACTED]";

/// A one-line excerpt of `body` that is safe to show.
pub(crate) fn excerpt(body: &[u8]) -> String {
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

fn mask(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if SECRET_KEYS.contains(&key.as_str()) && !item.is_null() {
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

//! The one place server text goes through on its way into an error.
//!
//! Every string an [`crate::Error`] holds that came from the server (a message, a
//! detail, a request id, an excerpt of a body, a redirect's host) is made here, by a
//! [`Redactor`], in this order:
//!
//! 1. **Known secrets** are replaced by `[REDACTED]` wherever they occur, in any
//!    ASCII case: the client's own (client secret, the current and earlier tokens, a
//!    fixed bearer token) and every value the call sent under a `format: password`
//!    property. A server that echoes one in a message, a detail, an HTML or text
//!    page or under any key gets it masked; so are its JSON-, HTML- and
//!    form-escaped spellings.
//! 2. **Secret-bearing keys** of a JSON body have their values masked, whatever the
//!    value: the spec's `format: password` names and any key that contains
//!    `secret`, `password`, `token` or `authorization`, in any case.
//! 3. **Control characters** (ESC, newlines, ...) and Unicode bidirectional
//!    controls are escaped (`\u{1b}`, `\n`), so a server cannot forge log lines or
//!    rewrite a terminal.
//! 4. The text is **cut** to [`MAX_TEXT`] characters (a field) or [`MAX_CHARS`] (a
//!    body excerpt).
//!
//! A body that looks like JSON but does not parse (so cannot be masked) is
//! described, not quoted.

use serde_json::Value;

use crate::Secret;

/// Longest excerpt of a body, in characters.
pub(crate) const MAX_CHARS: usize = 160;

/// Longest field of an answer (a message, a detail) an error shows, in characters.
pub(crate) const MAX_TEXT: usize = 300;

/// How much of a text or HTML body is looked at for an excerpt: the excerpt is far
/// shorter, and searching a 32 MiB page for every secret would be waste.
const WINDOW: usize = 64 * 1024;

const MASK: &str = "[REDACTED]";

/// Words that make a JSON key secret-bearing, besides the spec's own names.
const SECRET_WORDS: [&str; 4] = ["secret", "password", "token", "authorization"];

/// Makes server text safe to show in an error.
#[derive(Default)]
pub(crate) struct Redactor {
    /// Every spelling of every known secret, lowercased, longest first (so that a
    /// secret that contains another is masked whole).
    needles: Vec<String>,
}

impl Redactor {
    /// A redactor for these secrets (empty ones are ignored).
    pub(crate) fn new(secrets: Vec<Secret>) -> Self {
        let mut needles: Vec<String> = secrets
            .iter()
            .map(Secret::expose)
            .filter(|secret| !secret.is_empty())
            .flat_map(spellings)
            .map(|spelling| spelling.to_ascii_lowercase())
            .collect();
        needles.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        needles.dedup();
        Self { needles }
    }

    /// A field of a decoded answer (a message, a detail, a request id): redacted,
    /// escaped and cut to [`MAX_TEXT`] characters.
    pub(crate) fn text(&self, text: &str) -> String {
        cut(&escape(&self.redact(text)), MAX_TEXT)
    }

    /// A one-line excerpt of `body` that is safe to show: redacted, masked, escaped,
    /// whitespace collapsed and cut to [`MAX_CHARS`] characters.
    pub(crate) fn excerpt(&self, body: &[u8]) -> String {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return "<empty body>".to_owned();
        }
        if trimmed.starts_with('{') || trimmed.starts_with('[') {
            return match serde_json::from_slice::<Value>(body) {
                Ok(mut value) => {
                    self.clean_json(&mut value);
                    // Serializing may spell a secret anew (escaped quotes).
                    shorten(&self.redact(&value.to_string()))
                }
                Err(_) => format!("<malformed JSON, {} bytes>", body.len()),
            };
        }
        let window = &trimmed[..floor_char_boundary(trimmed, WINDOW)];
        // Shown as the page reads, and searched that way: a secret is found however
        // its characters were written as entities.
        let mut redacted = self.redact(&unescape_html(window));
        if window.len() < trimmed.len() {
            // A secret the window cut in two is not matched whole: its start must
            // not show either.
            let longest = self.needles.first().map_or(0, String::len);
            let keep = floor_char_boundary(&redacted, redacted.len().saturating_sub(longest));
            redacted.truncate(keep);
        }
        shorten(&redacted)
    }

    /// `text` with every known secret replaced, in any ASCII case.
    fn redact(&self, text: &str) -> String {
        if self.needles.is_empty() {
            return text.to_owned();
        }
        // ASCII lowercasing keeps every byte where it was, so positions found in
        // the lowered copy are positions in `text`, on character boundaries.
        let lowered = text.to_ascii_lowercase();
        let mut hidden: Vec<(usize, usize)> = Vec::new();
        for needle in &self.needles {
            for (start, _) in lowered.match_indices(needle.as_str()) {
                let end = start + needle.len();
                if !hidden.iter().any(|&(s, e)| start < e && s < end) {
                    hidden.push((start, end));
                }
            }
        }
        if hidden.is_empty() {
            return text.to_owned();
        }
        hidden.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (start, end) in hidden {
            out.push_str(&text[at..start]);
            out.push_str(MASK);
            at = end;
        }
        out.push_str(&text[at..]);
        out
    }

    /// Masks secret-bearing keys and redacts known secrets in every key and value.
    fn clean_json(&self, value: &mut Value) {
        match value {
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut item) in entries {
                    let scalar = !matches!(item, Value::Object(_) | Value::Array(_));
                    if is_secret_key(&key) && !item.is_null() && (scalar || is_spec_secret(&key)) {
                        item = Value::String(MASK.to_owned());
                    } else {
                        self.clean_json(&mut item);
                    }
                    map.insert(self.redact(&key), item);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|item| self.clean_json(item)),
            Value::String(text) => *text = self.redact(text),
            Value::Number(number) => {
                let shown = number.to_string();
                if self.redact(&shown) != shown {
                    *value = Value::String(MASK.to_owned());
                }
            }
            Value::Bool(_) | Value::Null => {}
        }
    }
}

/// The ways a server may echo `secret`: as it is, escaped inside a JSON string,
/// escaped in HTML, and form- or percent-encoded.
fn spellings(secret: &str) -> Vec<String> {
    let json = serde_json::to_string(secret).unwrap_or_default();
    let json = json
        .strip_prefix('"')
        .and_then(|j| j.strip_suffix('"'))
        .unwrap_or(secret)
        .to_owned();
    let html = secret
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let form: String = form_urlencoded::byte_serialize(secret.as_bytes()).collect();
    let percent = form.replace('+', "%20");
    let mut out = vec![secret.to_owned(), json, form, percent];
    // Inside a JSON string a page's markup is not unescaped first: the usual ways
    // to write an apostrophe in HTML.
    for apostrophe in ["'", "&#39;", "&#x27;", "&apos;"] {
        out.push(html.replace('\'', apostrophe));
    }
    out
}

/// `text` with HTML's character references decoded: the named ones a page escapes
/// with, and numeric ones. Anything else is left as it is.
fn unescape_html(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains('&') {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|end| *end <= 10).and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end))
        });
        match decoded {
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// Whether a JSON key holds a secret: a `format: password` name of the spec, or a
/// key that names a secret, in any case. (An object under a key that only names a
/// secret, `password_entity`, is searched rather than masked whole.)
fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    crate::spec::is_secret_property(&key) || SECRET_WORDS.iter().any(|word| key.contains(word))
}

fn is_spec_secret(key: &str) -> bool {
    crate::spec::is_secret_property(&key.to_ascii_lowercase())
}

/// Whether `c` may rewrite what a terminal or a log viewer shows: a control
/// character, or a Unicode bidirectional formatting character.
fn is_dangerous(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// `text` with dangerous characters written as escapes (`\n`, `\u{1b}`).
fn escape(text: &str) -> String {
    if !text.chars().any(is_dangerous) {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if is_dangerous(c) => out.extend(c.escape_unicode()),
            c => out.push(c),
        }
    }
    out
}

/// `text` cut at `max` characters, with `…` when something was cut.
fn cut(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

/// The largest index `<= at` that is a character boundary of `text`.
fn floor_char_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The values a request body sent under the spec's secret properties
/// (`format: password`), at any depth: JSON bodies and the token request's form.
pub(crate) fn sent_secrets(body: &[u8]) -> Vec<Secret> {
    fn walk(value: &Value, out: &mut Vec<Secret>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    match item {
                        Value::String(text) if is_secret_key(key) => {
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
                if is_secret_key(&key) {
                    out.push(Secret::new(value.into_owned()));
                }
            }
        }
    }
    out
}

/// Collapses whitespace (HTML pages are mostly indentation), escapes what is left
/// of control characters, and cuts at [`MAX_CHARS`] characters, never inside a
/// character.
fn shorten(text: &str) -> String {
    let mut out = String::new();
    for (count, word) in text.split_whitespace().enumerate() {
        if count > 0 {
            out.push(' ');
        }
        out.push_str(word);
        if out.len() > 4 * MAX_CHARS {
            break;
        }
    }
    cut(&escape(&out), MAX_CHARS)
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

    fn known(secrets: &[&str]) -> Redactor {
        Redactor::new(secrets.iter().map(|s| Secret::new(*s)).collect())
    }

    #[test]
    fn known_secrets_are_redacted_anywhere_in_any_case() {
        let redactor = known(&["Client-S3cret", "tok-abc123"]);
        for text in [
            "bad client secret Client-S3cret",
            "BAD CLIENT SECRET CLIENT-S3CRET",
            "token tok-ABC123 expired",
            "<pre>tok-abc123</pre>",
        ] {
            let shown = redactor.text(text);
            assert!(!shown.to_ascii_lowercase().contains("s3cret"), "{shown}");
            assert!(!shown.to_ascii_lowercase().contains("abc123"), "{shown}");
            assert!(shown.contains(MASK), "{shown}");
        }
        assert_eq!(redactor.text("nothing to hide"), "nothing to hide");
        // Under any key, nested, as a key, and as a number.
        let redactor = known(&["hunter2", "452180"]);
        let body = br#"{"message":"pw hunter2","other":{"x":["HUNTER2"]},"hunter2":1,"n":452180}"#;
        let shown = redactor.excerpt(body);
        assert!(!shown.to_ascii_lowercase().contains("hunter2"), "{shown}");
        assert!(!shown.contains("452180"), "{shown}");
    }

    #[test]
    fn escaped_spellings_are_redacted_too() {
        let redactor = known(&[r#"p"w<&>'\x"#]);
        let html = b"<html><body>p&quot;w&lt;&amp;&gt;&#39;\\x</body></html>";
        assert!(
            !redactor.excerpt(html).contains("&quot;w"),
            "{}",
            redactor.excerpt(html)
        );
        let json = serde_json::json!({ "message": r#"p"w<&>'\x"# }).to_string();
        let shown = redactor.excerpt(json.as_bytes());
        assert!(!shown.contains("w<&>"), "{shown}");
        let form = "client_secret=p%22w%3C%26%3E%27%5Cx&grant_type=x";
        assert!(
            !redactor.text(form).contains("%3C%26"),
            "{}",
            redactor.text(form)
        );
    }

    #[test]
    fn html_references_are_decoded() {
        assert_eq!(
            unescape_html("a &amp; b &lt;c&gt; &#65;&#x42; &bogus; & x"),
            "a & b <c> AB &bogus; & x"
        );
        assert_eq!(unescape_html("&#xFFFFFFFF; &#;"), "&#xFFFFFFFF; &#;");
    }

    #[test]
    fn secret_bearing_keys_are_masked_in_any_case() {
        let body = br#"{"secret":"a1","Client_Secret":"a2","authorization":"Bearer a3","X-Api-Token":"a4","PASSWORD":"a5","note":"a6","name":"shown"}"#;
        let shown = Redactor::default().excerpt(body);
        for value in ["a1", "a2", "a3", "a4", "a5", "a6"] {
            assert!(!shown.contains(&format!("\"{value}")), "{value} in {shown}");
        }
        assert!(shown.contains(r#""name":"shown""#), "{shown}");
    }

    #[test]
    fn control_characters_are_escaped_and_text_is_cut() {
        let hostile = "\u{1b}[2J\u{1b}[31mFAKE\nINFO forged line\r\u{202e}txt";
        let shown = Redactor::default().text(hostile);
        assert!(!shown.chars().any(is_dangerous), "{shown:?}");
        assert_eq!(
            shown,
            "\\u{1b}[2J\\u{1b}[31mFAKE\\nINFO forged line\\r\\u{202e}txt"
        );
        let page = format!("<p>\u{1b}]0;owned\u{7}{}</p>", "y".repeat(1000));
        let shown = Redactor::default().excerpt(page.as_bytes());
        assert!(!shown.chars().any(is_dangerous), "{shown:?}");
        assert_eq!(shown.chars().count(), MAX_CHARS + 1);
        let long = Redactor::default().text(&"z".repeat(10_000));
        assert_eq!(long.chars().count(), MAX_TEXT + 1);
    }

    #[test]
    fn a_secret_cut_by_the_window_does_not_show_its_start() {
        let secret = "w1ndow-secret-value";
        let mut page = " ".repeat(WINDOW - 6);
        page.push_str(secret);
        let shown = known(&[secret]).excerpt(page.as_bytes());
        assert!(!shown.contains("w1ndow"), "{shown:?}");
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

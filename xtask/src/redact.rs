//! Masks secrets in the lines the maintainer tools print.
//!
//! The doc checks quote what the vendor's pages write (request lines, URLs), and a
//! page, or a maintainer's own page, may hold a real URL with credentials in it
//! (`https://admin:hunter2@pam.example.com/...`), a token endpoint called with
//! `?client_secret=...`, or an `Authorization: Bearer ...` line. Every line the
//! commands print goes through [`secrets`], which masks them while keeping the rest
//! readable. The tests are in this module.

/// What a secret is replaced with.
pub const MASK: &str = "***";

/// Parameter names whose values are secrets wherever they appear (a test checks that
/// every property the spec marks `format: password` is among them).
const SECRET_NAMES: [&str; 8] = ["code", "note", "otp", "pass", "pin", "sig", "totp", "jwt"];

/// Parts of parameter names that make them secret: `client_secret`, `api_key`,
/// `access_token`, `X-Auth`, `session_id`...
const SECRET_PARTS: [&str; 11] = [
    "secret",
    "password",
    "passwd",
    "pwd",
    "token",
    "key",
    "auth",
    "credential",
    "signature",
    "session",
    "cookie",
];

/// `text` (one line or many) with these masked:
/// - URL credentials: `https://user:pw@host` and `user:pw@host` become `https://***@host`
///   and `***@host` (a user name alone is masked too after a scheme: it is often a
///   token); an e-mail address stays;
/// - the value of a secret-looking parameter, in a query, a fragment or a form body:
///   `?client_secret=abc&tenant=t` becomes `?client_secret=***&tenant=t`; a Postman
///   variable (`client_secret={{secret}}`) stays, it is not a value;
/// - the word after `Bearer` or `Basic`.
///
/// One pass over the text, so a long line costs no more than its length.
pub fn secrets(text: &str) -> String {
    Redactor::new(text).run()
}

/// Ends a word: URLs, parameters and tokens never span one of these.
fn ends_word(b: u8) -> bool {
    // `\` too: in JSON text, `\"` ends a quoted URL.
    b.is_ascii_whitespace()
        || matches!(
            b,
            b'`' | b'"' | b'\'' | b'\\' | b'(' | b')' | b'<' | b'>' | b','
        )
}

/// Ends a parameter's value.
fn ends_value(b: u8) -> bool {
    ends_word(b) || matches!(b, b'&' | b'#' | b';')
}

fn in_name(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'[' | b']')
}

fn secret_looking(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_NAMES.contains(&name.as_str()) || SECRET_PARTS.iter().any(|part| name.contains(part))
}

struct Redactor<'a> {
    text: &'a str,
    out: String,
    /// `text[..copied]` is in `out`, as it was or masked.
    copied: usize,
    word_start: usize,
    /// Where the authority of a URL in this word starts (just after `://`).
    authority: Option<usize>,
    /// A `/` since the authority (or the word) began: an `@` after it is in a path.
    in_path: bool,
    /// A `:` since then: `user:pw@` without a scheme.
    colon: bool,
    name_start: usize,
    /// The word before was `Bearer` or `Basic`, followed by a space.
    mask_word: bool,
}

impl<'a> Redactor<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            out: String::with_capacity(text.len()),
            copied: 0,
            word_start: 0,
            authority: None,
            in_path: false,
            colon: false,
            name_start: 0,
            mask_word: false,
        }
    }

    /// Replaces `text[start..end]` with the mask (nothing when it is already masked).
    fn mask(&mut self, start: usize, end: usize) {
        if start >= self.copied {
            self.out.push_str(&self.text[self.copied..start]);
            self.out.push_str(MASK);
        }
        self.copied = self.copied.max(end);
    }

    fn end_of(&self, from: usize, stop: fn(u8) -> bool) -> usize {
        self.text.as_bytes()[from..]
            .iter()
            .position(|&b| stop(b))
            .map_or(self.text.len(), |n| from + n)
    }

    fn run(mut self) -> String {
        let bytes = self.text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let b = bytes[i];
            if ends_word(b) {
                let word = &self.text[self.word_start..i];
                if !word.is_empty() {
                    // `Bearer, expires...` is prose: only `Bearer <token>` is a credential.
                    self.mask_word = b.is_ascii_whitespace()
                        && (word.eq_ignore_ascii_case("bearer")
                            || word.eq_ignore_ascii_case("basic"));
                }
                i += 1;
                self.word_start = i;
                self.name_start = i;
                self.authority = None;
                self.in_path = false;
                self.colon = false;
                continue;
            }
            if i == self.word_start && self.mask_word {
                self.mask_word = false;
                let end = self.end_of(i, ends_word);
                self.mask(i, end);
                i = end;
                continue;
            }
            match b {
                b':' if bytes[i + 1..].starts_with(b"//") => {
                    i += 3;
                    self.authority = Some(i);
                    self.in_path = false;
                    self.colon = false;
                    self.name_start = i;
                    continue;
                }
                b':' => self.colon = true,
                b'/' => self.in_path = true,
                b'@' if !self.in_path && (self.authority.is_some() || self.colon) => {
                    let start = self.authority.unwrap_or(self.word_start);
                    if start < i {
                        self.mask(start, i);
                    }
                }
                b'=' if secret_looking(&self.text[self.name_start..i]) => {
                    let mut end = self.end_of(i + 1, ends_value);
                    // `...?client_secret=x: cannot read`: the `:` is the message's.
                    while end > i + 1 && matches!(bytes[end - 1], b':' | b'.') {
                        end -= 1;
                    }
                    let value = &self.text[i + 1..end];
                    let variable = value.starts_with("{{") && value.ends_with("}}");
                    if !value.is_empty() && !variable {
                        self.mask(i + 1, end);
                    }
                    i = end;
                    self.name_start = end;
                    continue;
                }
                _ => {}
            }
            if !in_name(b) {
                self.name_start = i + 1;
            }
            i += 1;
        }
        self.out.push_str(&self.text[self.copied..]);
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_credentials_are_masked_and_the_rest_kept() {
        assert_eq!(
            secrets("says `GET https://admin:hunter2@pam.example.com/api/mysafe/password` (x)"),
            "says `GET https://***@pam.example.com/api/mysafe/password` (x)"
        );
        assert_eq!(
            secrets("POST ghp_abc123@github.com:x and https://tok3n@host/a@b"),
            "POST ghp_abc123@github.com:x and https://***@host/a@b"
        );
        assert_eq!(
            secrets("POST admin:hunter2@10.0.0.5/iso/oauth2/token"),
            "POST ***@10.0.0.5/iso/oauth2/token"
        );
        assert_eq!(
            secrets("write to ops@example.com"),
            "write to ops@example.com"
        );
    }

    #[test]
    fn secret_looking_parameters_are_masked_wherever_they_are() {
        assert_eq!(
            secrets(
                "POST {{url}}/api/oauth2/token?grant_type=client_credentials&client_id=app&client_secret=s3cr3t&tenant=t"
            ),
            "POST {{url}}/api/oauth2/token?grant_type=client_credentials&client_id=app&client_secret=***&tenant=t"
        );
        assert_eq!(
            secrets("`GET /cb#access_token=eyJ.x.y&state=1`, then API_KEY=abc; ok"),
            "`GET /cb#access_token=***&state=1`, then API_KEY=***; ok"
        );
        assert_eq!(
            secrets("error: /docs?token=abc: cannot read. And pwd=x."),
            "error: /docs?token=***: cannot read. And pwd=***."
        );
        assert_eq!(
            secrets("GET /api/mysafe/password?identifier_code=12534&tag=gmail"),
            "GET /api/mysafe/password?identifier_code=12534&tag=gmail"
        );
        assert_eq!(
            secrets("client_secret={{client_secret}}&password="),
            "client_secret={{client_secret}}&password="
        );
    }

    #[test]
    fn bearer_and_basic_credentials_are_masked() {
        assert_eq!(
            secrets("Authorization: Bearer eyJhbGciOi.abc.def and basic  dXNlcjpwdw=="),
            "Authorization: Bearer *** and basic  ***"
        );
    }

    #[test]
    fn every_secret_field_of_the_spec_is_secret_looking() {
        let spec = crate::spec::load(&crate::project_root().join(crate::spec::SPEC_PATH)).unwrap();
        let mut names = Vec::new();
        password_fields(&spec.raw, &mut names);
        assert!(names.contains(&"client_secret".to_owned()), "{names:?}");
        for name in names {
            let printed = secrets(&format!("GET /x?{name}=hunter2"));
            assert!(!printed.contains("hunter2"), "{name}: {printed}");
        }
    }

    /// The names of the properties marked `format: password`, anywhere in `node`.
    fn password_fields(node: &serde_json::Value, names: &mut Vec<String>) {
        match node {
            serde_json::Value::Object(map) => {
                if let Some(props) = map.get("properties").and_then(|p| p.as_object()) {
                    for (name, schema) in props {
                        if schema.get("format").and_then(|f| f.as_str()) == Some("password") {
                            names.push(name.clone());
                        }
                    }
                }
                map.values().for_each(|v| password_fields(v, names));
            }
            serde_json::Value::Array(items) => items.iter().for_each(|v| password_fields(v, names)),
            _ => {}
        }
    }
}

//! `--json-body FILE|-`: a request body from a file or stdin, for the generated
//! commands (`crate::generated_cli` calls [`read`]; see xtask/src/codegen/cli.rs).
//!
//! The body may hold a password, so no error quotes it: a parse error names the
//! file, the line and the column, and what kind of problem it is.

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

/// Why a body could not be read.
#[derive(Debug, thiserror::Error)]
pub enum JsonBodyError {
    /// The file (or stdin) could not be read.
    #[error("cannot read the JSON body from {source_name}: {reason}")]
    Read {
        /// The file's path, or "stdin".
        source_name: String,
        /// The I/O error's kind (its text names no content).
        reason: std::io::Error,
    },
    /// The text is not a body of the right shape.
    #[error("the JSON body in {source_name} is {what} at line {line} column {column}")]
    Parse {
        /// The file's path, or "stdin".
        source_name: String,
        /// What is wrong, without the value.
        what: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
    },
}

/// Whether the path is `-`, meaning stdin.
pub fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads the body from `path` (`-`: stdin) and decodes it as `T`.
pub fn read<T: DeserializeOwned>(path: &Path) -> Result<T, JsonBodyError> {
    let source_name = if is_stdin(path) {
        "stdin".to_owned()
    } else {
        path.display().to_string()
    };
    let text = if is_stdin(path) {
        read_bounded(std::io::stdin())
    } else {
        std::fs::File::open(path).and_then(read_bounded)
    }
    .map_err(|reason| JsonBodyError::Read {
        source_name: source_name.clone(),
        reason,
    })?;
    parse(&text, source_name)
}

/// The largest body read: far more than any MySafe item, and a bound on what
/// `--json-body /dev/zero` can take.
const MAX_BODY_BYTES: u64 = 16 * 1024 * 1024;

/// All of `input` as text, at most [`MAX_BODY_BYTES`].
fn read_bounded(input: impl Read) -> std::io::Result<String> {
    let mut text = String::new();
    input.take(MAX_BODY_BYTES + 1).read_to_string(&mut text)?;
    if text.len() as u64 > MAX_BODY_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {MAX_BODY_BYTES} bytes"
        )));
    }
    Ok(text)
}

/// Decodes `text` as `T`; the error carries the position and the category only
/// (serde_json's own message may quote a value: `invalid type: string "hunter2"`).
fn parse<T: DeserializeOwned>(text: &str, source_name: String) -> Result<T, JsonBodyError> {
    serde_json::from_str(text).map_err(|e| JsonBodyError::Parse {
        source_name,
        what: match e.classify() {
            serde_json::error::Category::Syntax => "not valid JSON".to_owned(),
            serde_json::error::Category::Eof => "cut short".to_owned(),
            serde_json::error::Category::Data => match missing_field(&e) {
                Some(field) => format!("missing the required field `{field}`"),
                None => "not a body of the operation's shape (a field of the wrong type or value)"
                    .to_owned(),
            },
            serde_json::error::Category::Io => "unreadable".to_owned(),
        },
        line: e.line(),
        column: e.column(),
    })
}

/// The field of serde's "missing field `name`": a name from the request type,
/// never from the input, so it may be shown.
fn missing_field(error: &serde_json::Error) -> Option<String> {
    let message = error.to_string();
    let rest = message.strip_prefix("missing field `")?;
    let name = &rest[..rest.find('`')?];
    let is_identifier = name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    is_identifier.then(|| name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use mysafe_client::types::UpdatePasswordRequest;

    #[test]
    fn an_endless_body_is_refused_after_the_bound() {
        let error = read_bounded(std::io::repeat(b' ')).unwrap_err();
        assert!(error.to_string().contains("larger than"), "{error}");
        assert_eq!(read_bounded(&b"{}"[..]).unwrap(), "{}");
    }

    #[test]
    fn a_wrong_type_names_the_place_and_not_the_value() {
        let text = "{\n  \"name\": \"n\",\n  \"tags\": [\"hunter2-secret\"]\n}";
        let error = parse::<UpdatePasswordRequest>(text, "body.json".into()).unwrap_err();
        let message = error.to_string();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(
            message.starts_with("the JSON body in body.json is not a body"),
            "{message}"
        );
        assert!(message.contains("line 3"), "{message}");
    }

    #[test]
    fn a_missing_field_is_named() {
        let text = r#"{"password": "hunter2-secret"}"#;
        let error = parse::<mysafe_client::types::CreatePasswordRequest>(text, "b.json".into())
            .unwrap_err();
        let message = error.to_string();
        assert!(
            message.starts_with("the JSON body in b.json is missing the required field `"),
            "{message}"
        );
        assert!(!message.contains("hunter2"), "{message}");
    }

    #[test]
    fn broken_json_names_the_place_and_not_the_text() {
        let text = "{\"password\": \"hunter2-secret\" \"name\": 1}";
        let error = parse::<UpdatePasswordRequest>(text, "stdin".into()).unwrap_err();
        let message = error.to_string();
        assert!(!message.contains("hunter2"), "{message}");
        assert!(
            message.contains("stdin is not valid JSON at line 1 column"),
            "{message}"
        );
    }

    #[test]
    fn a_good_body_decodes_with_its_secret() {
        let text = r#"{"password": "hunter2-secret", "name": "n"}"#;
        let body = parse::<UpdatePasswordRequest>(text, "b".into()).unwrap();
        assert_eq!(body.password.unwrap().expose(), "hunter2-secret");
    }

    #[test]
    fn a_missing_file_is_named() {
        let error = read::<UpdatePasswordRequest>(Path::new("/nonexistent/body.json")).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot read the JSON body from /nonexistent/body.json: "),
            "{error}"
        );
    }
}

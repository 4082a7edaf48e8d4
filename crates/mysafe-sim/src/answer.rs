//! Answers as the server sends them: MySafe envelopes, OAuth errors, Kong's errors.

use hyper::StatusCode;
use hyper::body::Bytes;
use mysafe_client::types::{ErrorBody, Exception, ResponseStatus};
use serde::Serialize;

/// A complete answer, before it becomes an HTTP response (and perhaps a truncated one).
#[derive(Clone, Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub body: Bytes,
}

impl Answer {
    /// `value` as JSON with `status`.
    pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(body) => Self {
                status,
                content_type: "application/json".into(),
                body: body.into(),
            },
            // Only a map with non-string keys fails to serialize; the generated types
            // have none, but a request path must not panic.
            Err(_) => Self::unexpected_error(),
        }
    }

    /// MySafe's 500, as the pages document it.
    pub fn unexpected_error() -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            content_type: "application/json".into(),
            body: Bytes::from_static(br#"{"message":"Unexpected error."}"#),
        }
    }
}

/// The `response` block of every MySafe answer: the same message in English and
/// Portuguese keys, `error_code`/`cod_erro` 1 on errors.
pub fn status_block(status: StatusCode, message: &str, error: bool) -> ResponseStatus {
    ResponseStatus {
        status: Some(i32::from(status.as_u16())),
        message: Some(message.to_owned()),
        error: Some(error),
        error_code: Some(i32::from(error)),
        detail: Some(String::new()),
        mensagem: Some(message.to_owned()),
        erro: Some(error),
        cod_erro: Some(i32::from(error)),
        extra: serde_json::Map::new(),
    }
}

/// A MySafe refusal: HTTP 400 with the envelope and `exception.code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MySafeError {
    pub code: i32,
    pub message: String,
}

impl MySafeError {
    /// `message` must start with the code, as MySafe's do (`"1005: Password not found"`).
    pub fn new(code: i32, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// 1001 for a required field that is missing or empty.
    pub fn not_informed(field: &str) -> Self {
        Self::new(1001, format!("1001: Parameter '{field}' was not informed!"))
    }

    pub fn no_access() -> Self {
        Self::new(1006, "1006: User does not have access")
    }

    pub fn answer(&self) -> Answer {
        let status = StatusCode::BAD_REQUEST;
        Answer::json(
            status,
            &ErrorBody {
                code: Some(i32::from(status.as_u16())),
                response: Some(status_block(status, &self.message, true)),
                exception: Some(Exception {
                    code: Some(self.code),
                    message: Some(self.message.clone()),
                    detail: Some(String::new()),
                }),
                ..ErrorBody::default()
            },
        )
    }
}

/// What the API answers to a missing, expired, revoked or unknown bearer token.
pub fn not_authorized() -> Answer {
    Answer::json(
        StatusCode::UNAUTHORIZED,
        &ErrorBody {
            message: Some("You are not authorized to access this resource.".into()),
            ..ErrorBody::default()
        },
    )
}

/// The OAuth server's error shape: `{"error", "message"}` plus an optional hint.
pub fn oauth_error(status: StatusCode, error: &str, message: &str, hint: Option<&str>) -> Answer {
    Answer::json(
        status,
        &ErrorBody {
            error: Some(error.into()),
            message: Some(message.into()),
            hint: hint.map(str::to_owned),
            ..ErrorBody::default()
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mysafe_error_decodes_as_the_spec_error_body() {
        let answer = MySafeError::new(1005, "1005: Password not found").answer();
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        let body: ErrorBody = serde_json::from_slice(&answer.body).unwrap();
        let exception = body.exception.unwrap();
        assert_eq!(exception.code, Some(1005));
        assert_eq!(
            exception.message.as_deref(),
            Some("1005: Password not found")
        );
        let response = body.response.unwrap();
        assert_eq!(response.status, Some(400));
        assert_eq!(response.error, Some(true));
        assert_eq!(
            response.mensagem.as_deref(),
            Some("1005: Password not found")
        );
    }
}

//! The one error type callers match on, and how every failure becomes one.
//!
//! Generated calls fail with `progenitor_client::Error<types::ErrorBody>`; `?` turns
//! that into [`Error`] through the `From` impl here. progenitor's own `Display`
//! prints raw bodies, so nothing of it is ever copied into an [`Error`]: messages come
//! from decoded fields, and bodies only through the masked excerpts of `excerpt.rs`.

use std::fmt;
use std::sync::Arc;

use crate::excerpt;
use crate::types::ErrorBody;

/// A failed MySafe call.
///
/// Match on the variant, or use the helpers: [`Error::is_not_found`],
/// [`Error::is_access_denied`], [`Error::is_retryable`]. No variant carries a
/// secret: not the client secret, not a token, not a password from a body.
#[derive(Clone, Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// MySafe refused the request (status 400 with the MySafe envelope).
    #[error("MySafe error {code} (HTTP {status}): {message}")]
    Api {
        /// HTTP status, 400 in practice.
        status: u16,
        /// The MySafe error code, `exception.code`.
        code: ApiCode,
        /// The message, e.g. "1005: Password not found".
        message: String,
        /// Extra detail when MySafe gives one.
        detail: Option<String>,
    },
    /// The Kong gateway in front of MySafe answered instead of MySafe.
    #[error(
        "gateway error {status} ({kind}): {message}{}",
        fmt_request_id(request_id)
    )]
    Gateway {
        /// HTTP status: 404, 502, 503 or 504.
        status: u16,
        /// What the status means here.
        kind: GatewayKind,
        /// The gateway's message, e.g. "The upstream server is timing out".
        message: String,
        /// Kong's request id, to quote in a support ticket.
        request_id: Option<String>,
    },
    /// Logging in failed, or the server rejected the token.
    #[error("authentication failed ({kind}, HTTP {status}): {message}")]
    Auth {
        /// HTTP status.
        status: u16,
        /// Bad credentials or a rejected token.
        kind: AuthFailure,
        /// The server's message.
        message: String,
    },
    /// No answer in time (a connect, request or overall deadline ran out).
    #[error("timed out: {message}")]
    Timeout {
        /// What timed out.
        message: String,
        /// The HTTP client's error, when there is one.
        #[source]
        source: Option<Arc<reqwest::Error>>,
    },
    /// The connection failed, or closed before the answer was complete.
    #[error("transport error: {message}")]
    Transport {
        /// What failed.
        message: String,
        /// The HTTP client's error.
        #[source]
        source: Option<Arc<reqwest::Error>>,
    },
    /// An answer whose body could not be decoded: HTML, empty, cut short, or JSON of
    /// the wrong shape.
    #[error("undecodable response{}: {reason}; body: {excerpt}", fmt_status(*status))]
    Undecodable {
        /// HTTP status; `None` only for a success status whose JSON has the wrong
        /// shape, which the HTTP layer reports without its status.
        status: Option<u16>,
        /// Why decoding failed, with the position, never the offending value.
        reason: String,
        /// The start of the body, with the values of secret-bearing keys masked.
        excerpt: String,
    },
    /// Any other error status, e.g. MySafe's 500 "Unexpected error.".
    #[error("HTTP {status}: {message}")]
    Status {
        /// HTTP status.
        status: u16,
        /// The message from the body, or a description of the status.
        message: String,
    },
    /// The request could not be built (a parameter failed to convert).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client could not be configured (missing variable, bad URL or certificate).
    #[error("configuration error: {0}")]
    Config(String),
}

fn fmt_request_id(request_id: &Option<String>) -> String {
    request_id
        .as_deref()
        .map(|id| format!(" (request id {id})"))
        .unwrap_or_default()
}

fn fmt_status(status: Option<u16>) -> String {
    status
        .map(|status| format!(" (HTTP {status})"))
        .unwrap_or_default()
}

/// The MySafe error code of an [`Error::Api`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ApiCode {
    /// 1001: a required parameter is missing, too long or already used.
    InvalidParameter,
    /// 1005: the item does not exist.
    NotFound,
    /// 1006: the item belongs to someone else and is not shared with the caller.
    NoAccess,
    /// 1009: the password is inactive.
    Inactive,
    /// 1010: the identifier in the path is not a number.
    InvalidIdentifier,
    /// A code this version of the crate does not know.
    Other(i64),
}

impl ApiCode {
    /// The code for a number.
    pub fn from_code(code: i64) -> Self {
        match code {
            1001 => Self::InvalidParameter,
            1005 => Self::NotFound,
            1006 => Self::NoAccess,
            1009 => Self::Inactive,
            1010 => Self::InvalidIdentifier,
            other => Self::Other(other),
        }
    }

    /// The number, e.g. 1005.
    pub fn code(self) -> i64 {
        match self {
            Self::InvalidParameter => 1001,
            Self::NotFound => 1005,
            Self::NoAccess => 1006,
            Self::Inactive => 1009,
            Self::InvalidIdentifier => 1010,
            Self::Other(other) => other,
        }
    }
}

impl fmt::Display for ApiCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.code())
    }
}

/// Which gateway failure an [`Error::Gateway`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GatewayKind {
    /// 404 "no Route matched with those values": the URL is wrong (base URL, path).
    NoRoute,
    /// 502: MySafe sent the gateway an invalid answer.
    BadGateway,
    /// 503: the gateway has no healthy MySafe server.
    Unavailable,
    /// 504: MySafe did not answer the gateway in time.
    Timeout,
}

impl fmt::Display for GatewayKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NoRoute => "no route",
            Self::BadGateway => "bad gateway",
            Self::Unavailable => "service unavailable",
            Self::Timeout => "gateway timeout",
        })
    }
}

/// Why an [`Error::Auth`] happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum AuthFailure {
    /// The token endpoint rejected the client id or secret (`invalid_client`).
    BadCredentials,
    /// The token endpoint refused the request for another OAuth reason (e.g.
    /// `unsupported_grant_type`).
    TokenRequestRefused,
    /// A MySafe route rejected the bearer token, even after one refresh.
    TokenRejected,
}

impl fmt::Display for AuthFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::BadCredentials => "bad client credentials",
            Self::TokenRequestRefused => "token request refused",
            Self::TokenRejected => "token rejected",
        })
    }
}

impl Error {
    /// MySafe answered 1005: the item does not exist.
    pub fn is_not_found(&self) -> bool {
        self.api_code() == Some(ApiCode::NotFound)
    }

    /// MySafe answered 1006: the caller may not touch the item.
    pub fn is_access_denied(&self) -> bool {
        self.api_code() == Some(ApiCode::NoAccess)
    }

    /// Trying again later may succeed: a transport failure, a timeout, or the
    /// gateway's 502, 503 or 504. (The client has already retried what it safely
    /// could; this is for the caller's own scheduling.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout { .. } => true,
            Self::Gateway { kind, .. } => *kind != GatewayKind::NoRoute,
            _ => false,
        }
    }

    /// Logging in failed or the token was rejected.
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Auth { .. })
    }

    /// The MySafe error code, for [`Error::Api`].
    pub fn api_code(&self) -> Option<ApiCode> {
        match self {
            Self::Api { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Api { status, .. }
            | Self::Gateway { status, .. }
            | Self::Auth { status, .. }
            | Self::Status { status, .. } => Some(*status),
            Self::Undecodable { status, .. } => *status,
            _ => None,
        }
    }

    /// Kong's request id, for gateway errors.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Gateway { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    pub(crate) fn from_transport(error: reqwest::Error) -> Self {
        // reqwest's message names the URL, never headers or bodies.
        let message = error.to_string();
        let source = Some(Arc::new(error));
        if source.as_ref().is_some_and(|e| e.is_timeout()) {
            Self::Timeout { message, source }
        } else {
            Self::Transport { message, source }
        }
    }

    pub(crate) fn undecodable(status: Option<u16>, body: &[u8], reason: String) -> Self {
        Self::Undecodable {
            status,
            reason,
            excerpt: excerpt::excerpt(body),
        }
    }

    /// A gateway failure whose body is not JSON (Kong's HTML pages).
    pub(crate) fn gateway_page(status: u16, body: &[u8]) -> Self {
        Self::Gateway {
            status,
            kind: match status {
                502 => GatewayKind::BadGateway,
                503 => GatewayKind::Unavailable,
                _ => GatewayKind::Timeout,
            },
            message: excerpt::excerpt(body),
            request_id: None,
        }
    }

    /// Classifies an error answer that decoded as [`ErrorBody`]. The body tells the
    /// three producers apart: MySafe's envelope has `exception` or `response`, the
    /// OAuth server has `error`, Kong has a bare `message`.
    pub(crate) fn from_answer(
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &ErrorBody,
    ) -> Self {
        let envelope_message = body
            .exception
            .as_ref()
            .and_then(|e| e.message.clone())
            .or_else(|| body.response.as_ref().and_then(|r| r.message.clone()));
        let exception_code = body.exception.as_ref().and_then(|e| e.code);
        if let Some(code) = exception_code
            .map(i64::from)
            .or_else(|| envelope_message.as_deref().and_then(leading_code))
        {
            return Self::Api {
                status,
                code: ApiCode::from_code(code),
                message: envelope_message.unwrap_or_default(),
                detail: body
                    .exception
                    .as_ref()
                    .and_then(|e| e.detail.clone())
                    .or_else(|| body.response.as_ref().and_then(|r| r.detail.clone()))
                    .filter(|detail| !detail.is_empty()),
            };
        }
        let message = body
            .message
            .clone()
            .or(body.error_description.clone())
            .or(envelope_message)
            .unwrap_or_else(|| describe_status(status));
        if let Some(oauth) = &body.error {
            let kind = if oauth == "invalid_client" || status == 401 {
                AuthFailure::BadCredentials
            } else {
                AuthFailure::TokenRequestRefused
            };
            return Self::Auth {
                status,
                kind,
                message: format!("{oauth}: {message}"),
            };
        }
        let request_id = body.request_id.clone().or_else(|| {
            headers
                .get("x-kong-request-id")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        });
        let gateway = |kind| Self::Gateway {
            status,
            kind,
            message: message.clone(),
            request_id: request_id.clone(),
        };
        match status {
            401 | 403 => Self::Auth {
                status,
                kind: AuthFailure::TokenRejected,
                message,
            },
            404 => gateway(GatewayKind::NoRoute),
            502 => gateway(GatewayKind::BadGateway),
            503 => gateway(GatewayKind::Unavailable),
            504 => gateway(GatewayKind::Timeout),
            _ => Self::Status { status, message },
        }
    }
}

/// "1005: Password not found" and "1005 - Password not found" start with the code;
/// some versions send the message without `exception`.
fn leading_code(message: &str) -> Option<i64> {
    let digits: String = message
        .trim_start()
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let rest = message.trim_start()[digits.len()..].trim_start();
    (digits.len() == 4 && (rest.starts_with(':') || rest.starts_with('-')))
        .then(|| digits.parse().ok())
        .flatten()
}

fn describe_status(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("no message")
        .to_owned()
}

/// An [`Error`] decided inside the request hooks (a failed token request, a body that
/// cannot decode), carried to the caller in the extensions of a stand-in response
/// because the hooks can only return responses or `reqwest` errors.
#[derive(Clone, Debug)]
pub(crate) struct Carried(pub(crate) Error);

impl From<progenitor_client::Error<ErrorBody>> for Error {
    fn from(error: progenitor_client::Error<ErrorBody>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::ErrorResponse(answer) => {
                Self::from_answer(answer.status().as_u16(), answer.headers(), &answer)
            }
            P::UnexpectedResponse(response) => match response.extensions().get::<Carried>() {
                Some(Carried(error)) => error.clone(),
                None => Self::Status {
                    status: response.status().as_u16(),
                    message: describe_status(response.status().as_u16()),
                },
            },
            // The hooks tag every body with its status (see `tag.rs`).
            P::InvalidResponsePayload(bytes, e) => match crate::tag::untag(&bytes) {
                (Some(status), body) if crate::retry::is_retryable_status(status) => {
                    Self::gateway_page(status, body)
                }
                (status, body) => Self::undecodable(status, body, excerpt::describe(&e)),
            },
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
                Self::from_transport(e)
            }
            P::InvalidRequest(message) | P::Custom(message) => Self::InvalidRequest(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn body(json: &str) -> ErrorBody {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn mysafe_envelope_gives_the_api_code() {
        let fixture =
            include_str!("../../../openapi/examples/seed/003-disable_password-400-1005.json");
        let error = Error::from_answer(400, &HeaderMap::new(), &body(fixture));
        assert!(error.is_not_found(), "{error:?}");
        assert!(!error.is_access_denied());
        assert!(!error.is_retryable());
        assert_eq!(
            error.to_string(),
            "MySafe error 1005 (HTTP 400): 1005: Password not found"
        );

        let fixture =
            include_str!("../../../openapi/examples/seed/003-disable_password-400-1006.json");
        let error = Error::from_answer(400, &HeaderMap::new(), &body(fixture));
        assert!(error.is_access_denied(), "{error:?}");
        assert_eq!(error.api_code(), Some(ApiCode::NoAccess));
    }

    #[test]
    fn code_is_read_from_the_message_when_exception_is_missing() {
        let error = Error::from_answer(
            400,
            &HeaderMap::new(),
            &body(
                r#"{"response":{"status":400,"message":"1009 - Inactive password","error":true}}"#,
            ),
        );
        assert_eq!(error.api_code(), Some(ApiCode::Inactive));
        assert_eq!(leading_code("1010: Unexpected identifier type"), Some(1010));
        assert_eq!(leading_code("Password successfully deactivated"), None);
        assert_eq!(leading_code("2024 was a year"), None);
    }

    #[test]
    fn api_codes_round_trip() {
        for code in [1001, 1005, 1006, 1009, 1010, 1011, -3] {
            assert_eq!(ApiCode::from_code(code).code(), code);
        }
        assert_eq!(ApiCode::from_code(1011), ApiCode::Other(1011));
    }

    #[test]
    fn kong_answers_are_gateway_errors_with_request_id() {
        let error = Error::from_answer(
            504,
            &HeaderMap::new(),
            &body(r#"{"message":"The upstream server is timing out","request_id":"abc123"}"#),
        );
        assert!(matches!(
            error,
            Error::Gateway {
                kind: GatewayKind::Timeout,
                ..
            }
        ));
        assert!(error.is_retryable());
        assert_eq!(error.request_id(), Some("abc123"));
        assert!(
            error.to_string().ends_with("(request id abc123)"),
            "{error}"
        );

        let mut headers = HeaderMap::new();
        headers.insert("x-kong-request-id", "from-header".parse().unwrap());
        let error = Error::from_answer(
            404,
            &headers,
            &body(r#"{"message":"no Route matched with those values"}"#),
        );
        assert!(matches!(
            error,
            Error::Gateway {
                kind: GatewayKind::NoRoute,
                ..
            }
        ));
        assert!(!error.is_retryable());
        assert!(!error.is_not_found(), "a wrong URL is not a missing item");
        assert_eq!(error.request_id(), Some("from-header"));
    }

    #[test]
    fn oauth_and_bearer_failures_are_auth_errors() {
        let error = Error::from_answer(
            401,
            &HeaderMap::new(),
            &body(r#"{"error":"invalid_client","message":"Client authentication failed"}"#),
        );
        assert!(matches!(
            error,
            Error::Auth {
                kind: AuthFailure::BadCredentials,
                ..
            }
        ));
        let error = Error::from_answer(
            400,
            &HeaderMap::new(),
            &body(r#"{"error":"unsupported_grant_type","message":"nope"}"#),
        );
        assert!(matches!(
            error,
            Error::Auth {
                kind: AuthFailure::TokenRequestRefused,
                ..
            }
        ));
        for status in [401, 403] {
            let error = Error::from_answer(
                status,
                &HeaderMap::new(),
                &body(r#"{"message":"You are not authorized to access this resource."}"#),
            );
            assert!(matches!(
                error,
                Error::Auth {
                    kind: AuthFailure::TokenRejected,
                    ..
                }
            ));
            assert!(error.is_auth());
        }
    }

    #[test]
    fn other_statuses_keep_their_message() {
        let error = Error::from_answer(
            500,
            &HeaderMap::new(),
            &body(r#"{"message":"Unexpected error."}"#),
        );
        assert!(
            matches!(&error, Error::Status { status: 500, message } if message == "Unexpected error.")
        );
        let error = Error::from_answer(500, &HeaderMap::new(), &body("{}"));
        assert_eq!(error.to_string(), "HTTP 500: Internal Server Error");
    }

    #[test]
    fn undecodable_success_bodies_do_not_leak_the_password() {
        let payload = bytes::Bytes::from_static(
            br#"{"response":{"status":"200"},"password_entity":{"identifier":"1","password":"hunter2"}}"#,
        );
        let serde_error =
            serde_json::from_slice::<crate::types::PasswordResponse>(&payload).unwrap_err();
        let error = Error::from(progenitor_client::Error::InvalidResponsePayload(
            payload,
            serde_error,
        ));
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("JSON of an unexpected shape"), "{shown}");
    }
}

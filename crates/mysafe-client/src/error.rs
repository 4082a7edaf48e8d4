//! The one error type callers match on, and how an answer becomes one.
//!
//! Every generated `send()` returns [`Error`]. The hooks decide every answer that is
//! not a documented success here (`from_answer`, `from_page`), so progenitor's own
//! error, whose `Display` prints raw bodies, never reaches a caller. Every string an
//! [`Error`] holds that came from the server went through the call's
//! [`Redactor`](crate::excerpt::Redactor).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use crate::excerpt::{self, Redactor};
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
    /// The gateway's rate limit (429), still in force when the client's retries ran
    /// out or the server asked for a longer wait than the policy allows.
    #[error(
        "rate limited (HTTP {status}): {message}{}{}",
        fmt_retry_after(retry_after),
        fmt_request_id(request_id)
    )]
    RateLimited {
        /// HTTP status, 429.
        status: u16,
        /// The gateway's message, e.g. "API rate limit exceeded".
        message: String,
        /// How long the server asked to wait (`Retry-After`), when it said.
        retry_after: Option<Duration>,
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
    /// An answer whose body could not be decoded: HTML, empty, or JSON of the wrong
    /// shape. (A body cut short is a [`Error::Transport`] failure.)
    #[error("undecodable response (HTTP {status}): {reason}; body: {excerpt}")]
    Undecodable {
        /// HTTP status of the answer.
        status: u16,
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

fn fmt_retry_after(retry_after: &Option<Duration>) -> String {
    retry_after
        .map(|wait| format!("; retry after {} s", wait.as_secs_f64().ceil()))
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

    /// Trying again later may succeed: a transport failure, a timeout, the
    /// gateway's 502, 503 or 504, or its rate limit. (The client has already retried
    /// what it safely could; this is for the caller's own scheduling, with
    /// [`Error::retry_after`] when the server said how long to wait.)
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Transport { .. } | Self::Timeout { .. } | Self::RateLimited { .. } => true,
            Self::Gateway { kind, .. } => *kind != GatewayKind::NoRoute,
            _ => false,
        }
    }

    /// Logging in failed or the token was rejected.
    pub fn is_auth(&self) -> bool {
        matches!(self, Self::Auth { .. })
    }

    /// The gateway's rate limit stopped the call.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Self::RateLimited { .. })
    }

    /// How long the server asked to wait before trying again, for a rate limit.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Self::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
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
            | Self::RateLimited { status, .. }
            | Self::Auth { status, .. }
            | Self::Undecodable { status, .. }
            | Self::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Kong's request id, for gateway errors and rate limits.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Gateway { request_id, .. } | Self::RateLimited { request_id, .. } => {
                request_id.as_deref()
            }
            _ => None,
        }
    }

    pub(crate) fn from_transport(error: reqwest::Error, redactor: &Redactor) -> Self {
        // reqwest's message names the URL, never headers or bodies.
        let message = redactor.text(&error.to_string());
        let source = Some(Arc::new(error));
        if source.as_ref().is_some_and(|e| e.is_timeout()) {
            Self::Timeout { message, source }
        } else {
            Self::Transport { message, source }
        }
    }

    pub(crate) fn undecodable(
        status: u16,
        body: &[u8],
        error: &serde_json::Error,
        redactor: &Redactor,
    ) -> Self {
        Self::Undecodable {
            status,
            reason: excerpt::describe(error),
            excerpt: redactor.excerpt(body),
        }
    }

    /// An error answer whose body is not an [`ErrorBody`]: Kong's HTML pages for its
    /// gateway failures and rate limit, anything else undecodable.
    pub(crate) fn from_page(
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &[u8],
        error: &serde_json::Error,
        redactor: &Redactor,
    ) -> Self {
        let kind = match status {
            429 => {
                return Self::RateLimited {
                    status,
                    message: redactor.excerpt(body),
                    retry_after: crate::retry::retry_after(headers, SystemTime::now()),
                    request_id: kong_request_id(headers, redactor),
                };
            }
            502 => GatewayKind::BadGateway,
            503 => GatewayKind::Unavailable,
            504 => GatewayKind::Timeout,
            _ => return Self::undecodable(status, body, error, redactor),
        };
        Self::Gateway {
            status,
            kind,
            message: redactor.excerpt(body),
            request_id: kong_request_id(headers, redactor),
        }
    }

    /// Classifies an error answer that decoded as [`ErrorBody`]. The body tells the
    /// three producers apart: MySafe's envelope has `exception` or `response`, the
    /// OAuth server has `error`, Kong has a bare `message`.
    pub(crate) fn from_answer(
        status: u16,
        headers: &reqwest::header::HeaderMap,
        body: &ErrorBody,
        redactor: &Redactor,
    ) -> Self {
        let text = |value: &Option<String>| value.as_deref().map(|v| redactor.text(v));
        let envelope_message = body
            .exception
            .as_ref()
            .and_then(|e| text(&e.message))
            .or_else(|| body.response.as_ref().and_then(|r| text(&r.message)));
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
                    .and_then(|e| text(&e.detail))
                    .or_else(|| body.response.as_ref().and_then(|r| text(&r.detail)))
                    .filter(|detail| !detail.is_empty()),
            };
        }
        let message = text(&body.message)
            .or_else(|| text(&body.error_description))
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
                message: format!("{}: {message}", redactor.text(oauth)),
            };
        }
        let request_id = text(&body.request_id).or_else(|| kong_request_id(headers, redactor));
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
            429 => Self::RateLimited {
                status,
                message,
                retry_after: crate::retry::retry_after(headers, SystemTime::now()),
                request_id,
            },
            502 => gateway(GatewayKind::BadGateway),
            503 => gateway(GatewayKind::Unavailable),
            504 => gateway(GatewayKind::Timeout),
            _ => Self::Status { status, message },
        }
    }
}

/// Kong's request id from its header, when the body has none.
fn kong_request_id(headers: &reqwest::header::HeaderMap, redactor: &Redactor) -> Option<String> {
    headers
        .get("x-kong-request-id")
        .and_then(|v| v.to_str().ok())
        .map(|id| redactor.text(id))
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

pub(crate) fn describe_status(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("no message")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderMap;

    fn body(json: &str) -> ErrorBody {
        serde_json::from_str(json).unwrap()
    }

    fn answer(status: u16, headers: &HeaderMap, body: &ErrorBody) -> Error {
        Error::from_answer(status, headers, body, &Redactor::default())
    }

    #[test]
    fn mysafe_envelope_gives_the_api_code() {
        let fixture =
            include_str!("../../../openapi/examples/seed/003-disable_password-400-1005.json");
        let error = answer(400, &HeaderMap::new(), &body(fixture));
        assert!(error.is_not_found(), "{error:?}");
        assert!(!error.is_access_denied());
        assert!(!error.is_retryable());
        assert_eq!(
            error.to_string(),
            "MySafe error 1005 (HTTP 400): 1005: Password not found"
        );

        let fixture =
            include_str!("../../../openapi/examples/seed/003-disable_password-400-1006.json");
        let error = answer(400, &HeaderMap::new(), &body(fixture));
        assert!(error.is_access_denied(), "{error:?}");
        assert_eq!(error.api_code(), Some(ApiCode::NoAccess));
    }

    #[test]
    fn code_is_read_from_the_message_when_exception_is_missing() {
        let error = answer(
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
        let error = answer(
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
        let error = answer(
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
        let error = answer(
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
        let error = answer(
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
            let error = answer(
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
        let error = answer(
            500,
            &HeaderMap::new(),
            &body(r#"{"message":"Unexpected error."}"#),
        );
        assert!(
            matches!(&error, Error::Status { status: 500, message } if message == "Unexpected error.")
        );
        let error = answer(500, &HeaderMap::new(), &body("{}"));
        assert_eq!(error.to_string(), "HTTP 500: Internal Server Error");
    }

    #[test]
    fn undecodable_success_bodies_do_not_leak_the_password() {
        let payload =
            br#"{"response":{"status":"200"},"password_entity":{"identifier":"1","password":"hunter2"}}"#;
        let serde_error =
            serde_json::from_slice::<crate::types::PasswordResponse>(payload).unwrap_err();
        let error = Error::undecodable(200, payload, &serde_error, &Redactor::default());
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("JSON of an unexpected shape"), "{shown}");
        assert_eq!(error.status(), Some(200));
    }

    #[test]
    fn rate_limits_say_so_and_when_to_come_back() {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", "7".parse().unwrap());
        headers.insert("x-kong-request-id", "kong-1".parse().unwrap());
        let error = answer(
            429,
            &headers,
            &body(r#"{"message":"API rate limit exceeded"}"#),
        );
        assert!(error.is_rate_limited() && error.is_retryable(), "{error:?}");
        assert_eq!(error.retry_after(), Some(std::time::Duration::from_secs(7)));
        assert_eq!(error.request_id(), Some("kong-1"));
        assert_eq!(
            error.to_string(),
            "rate limited (HTTP 429): API rate limit exceeded; retry after 7 s (request id kong-1)"
        );
        // Kong's HTML page for the same.
        let page = b"<html><body>API rate limit exceeded</body></html>";
        let json_error = serde_json::from_slice::<ErrorBody>(page).unwrap_err();
        let error = Error::from_page(
            429,
            &HeaderMap::new(),
            page,
            &json_error,
            &Redactor::default(),
        );
        assert!(error.is_rate_limited(), "{error:?}");
        assert_eq!(error.retry_after(), None);
    }

    #[test]
    fn pages_of_other_statuses_are_undecodable_with_their_status() {
        let page = b"<html><body>Teapot</body></html>";
        let json_error = serde_json::from_slice::<ErrorBody>(page).unwrap_err();
        let error = Error::from_page(
            418,
            &HeaderMap::new(),
            page,
            &json_error,
            &Redactor::default(),
        );
        assert!(
            matches!(&error, Error::Undecodable { status: 418, excerpt, .. } if excerpt.contains("Teapot")),
            "{error:?}"
        );
        let error = Error::from_page(
            502,
            &HeaderMap::new(),
            page,
            &json_error,
            &Redactor::default(),
        );
        assert!(matches!(
            error,
            Error::Gateway {
                kind: GatewayKind::BadGateway,
                ..
            }
        ));
    }
}

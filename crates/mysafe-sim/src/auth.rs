//! The OAuth 2.0 client-credentials endpoint and the bearer check.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use hyper::{StatusCode, body::Bytes};
use mysafe_client::Secret;
use mysafe_client::types::{GrantType, TokenRequest, TokenResponse};
use serde_json::{Map, Value};

use crate::answer::{self, Answer};
use crate::config::Application;

/// Issued access tokens, each bound to the application that asked for it.
#[derive(Default)]
pub struct TokenStore {
    tokens: HashMap<String, Issued>,
}

struct Issued {
    client_id: String,
    expires_at: Instant,
}

impl TokenStore {
    pub fn issue(&mut self, client_id: &str, ttl: Duration) -> String {
        let now = Instant::now();
        // Expired tokens can never be valid again; dropping them keeps a long
        // benchmark run from growing the map without bound.
        self.tokens.retain(|_, issued| issued.expires_at > now);
        let token = crate::random::hex(32);
        self.tokens.insert(
            token.clone(),
            Issued {
                client_id: client_id.to_owned(),
                expires_at: now + ttl,
            },
        );
        token
    }

    /// The client id a valid, unexpired token was issued to.
    pub fn check(&self, token: &str) -> Option<&str> {
        self.tokens
            .get(token)
            .filter(|issued| issued.expires_at > Instant::now())
            .map(|issued| issued.client_id.as_str())
    }

    pub fn revoke_all(&mut self) {
        self.tokens.clear();
    }
}

/// The token from `Authorization: Bearer <token>` (scheme case-insensitive).
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

const INVALID_REQUEST: &str = "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed.";

/// What the token endpoint decided.
pub enum TokenOutcome {
    /// Credentials accepted: issue a token to this client id.
    Issue(String),
    /// Refused, with the OAuth error to send.
    Refuse(Answer),
}

/// Checks a token request. The pages show the parameters as JSON while every client
/// sends a form, so both are read.
pub fn authenticate(
    applications: &[Application],
    headers: &HeaderMap,
    body: &Bytes,
) -> TokenOutcome {
    let params = match parameters(headers, body) {
        Some(params) => params,
        None => return TokenOutcome::Refuse(invalid_request("Check the request body")),
    };
    let grant = params.get("grant_type").and_then(Value::as_str);
    if grant.and_then(|g| g.parse::<GrantType>().ok()).is_none() {
        return TokenOutcome::Refuse(answer::oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server.",
            Some("Check that all required parameters have been provided"),
        ));
    }
    for field in ["client_id", "client_secret"] {
        if params
            .get(field)
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return TokenOutcome::Refuse(invalid_request(&format!(
                "Check the `{field}` parameter"
            )));
        }
    }
    let request: TokenRequest = match serde_json::from_value(Value::Object(params)) {
        Ok(request) => request,
        Err(_) => return TokenOutcome::Refuse(invalid_request("Check the request parameters")),
    };
    match find_application(applications, &request) {
        Some(app) => TokenOutcome::Issue(app.client_id.clone()),
        None => TokenOutcome::Refuse(answer::oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed",
            None,
        )),
    }
}

pub fn token_answer(token: String, ttl: Duration) -> Answer {
    Answer::json(
        StatusCode::OK,
        &TokenResponse {
            access_token: Secret::new(token),
            expires_in: Some(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
            token_type: Some("Bearer".into()),
        },
    )
}

fn invalid_request(hint: &str) -> Answer {
    answer::oauth_error(
        StatusCode::BAD_REQUEST,
        "invalid_request",
        INVALID_REQUEST,
        Some(hint),
    )
}

/// The request's parameters as a JSON object of strings; `None` when the body is
/// neither a form nor a JSON object.
fn parameters(headers: &HeaderMap, body: &Bytes) -> Option<Map<String, Value>> {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if is_json {
        match serde_json::from_slice(body).ok()? {
            Value::Object(map) => Some(map),
            _ => None,
        }
    } else {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).ok()?;
        Some(
            pairs
                .into_iter()
                .map(|(k, v)| (k, Value::String(v)))
                .collect(),
        )
    }
}

fn find_application<'a>(
    applications: &'a [Application],
    request: &TokenRequest,
) -> Option<&'a Application> {
    applications.iter().find(|app| {
        app.client_id == request.client_id
            && app.client_secret == request.client_secret.expose()
            // Reached by IP address, MySafe cannot tell the tenant from the host name,
            // so an application with a tenant must name it. An empty `tenant=` is
            // what a client sends from an empty setting: the same as none.
            && app.tenant.as_deref() == request.tenant.as_deref().filter(|t| !t.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bearer_reads_the_token_and_rejects_other_schemes() {
        let mut headers = HeaderMap::new();
        assert_eq!(bearer(&headers), None);
        headers.insert(AUTHORIZATION, "bearer abc".parse().unwrap());
        assert_eq!(bearer(&headers), Some("abc"));
        headers.insert(AUTHORIZATION, "Basic abc".parse().unwrap());
        assert_eq!(bearer(&headers), None);
        headers.insert(AUTHORIZATION, "Bearer ".parse().unwrap());
        assert_eq!(bearer(&headers), None);
    }

    #[test]
    fn tokens_expire_and_revoke() {
        let mut store = TokenStore::default();
        let live = store.issue("app", Duration::from_secs(60));
        let dead = store.issue("app", Duration::ZERO);
        assert_eq!(store.check(&live), Some("app"));
        assert_eq!(store.check(&dead), None);
        assert_eq!(store.check("unknown"), None);
        store.revoke_all();
        assert_eq!(store.check(&live), None);
    }
}

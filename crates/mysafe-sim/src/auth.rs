//! The OAuth 2.0 client-credentials endpoint and the bearer check.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};
use std::time::{Duration, Instant};

use hyper::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap};
use hyper::{StatusCode, body::Bytes};
use mysafe_client::Secret;
use mysafe_client::types::{GrantType, TokenRequest, TokenResponse};
use serde_json::{Map, Value};

use crate::answer::{self, Answer};
use crate::config::Application;

/// Issued access tokens, each bound to the application that asked for it.
///
/// Checking a token is a map lookup, and issuing one drops the expired tokens from a
/// heap ordered by expiry, so both cost the same however many tokens are live (the
/// test `pruning_looks_only_at_expired_tokens` counts it).
#[derive(Default)]
pub struct TokenStore {
    tokens: HashMap<String, Issued>,
    /// Tokens that expire, soonest first.
    expiries: BinaryHeap<Reverse<(Instant, String)>>,
}

struct Issued {
    client_id: String,
    /// `None`: the lifetime reaches beyond what `Instant` can represent, so the
    /// token never expires.
    expires_at: Option<Instant>,
}

impl TokenStore {
    /// A new token for `client_id`, valid for `ttl` from `now`.
    pub fn issue(&mut self, client_id: &str, ttl: Duration, now: Instant) -> String {
        // Expired tokens can never be valid again; dropping them keeps a long
        // benchmark run from growing the map without bound.
        self.prune(now);
        let token = crate::random::hex(32);
        // `now + ttl` would panic for a huge `--token-ttl`: saturate instead.
        let expires_at = now.checked_add(ttl);
        if let Some(at) = expires_at {
            self.expiries.push(Reverse((at, token.clone())));
        }
        self.tokens.insert(
            token.clone(),
            Issued {
                client_id: client_id.to_owned(),
                expires_at,
            },
        );
        token
    }

    /// The client id a valid token was issued to, if it has not expired by `now`.
    pub fn check(&self, token: &str, now: Instant) -> Option<&str> {
        self.tokens
            .get(token)
            .filter(|issued| issued.expires_at.is_none_or(|at| at > now))
            .map(|issued| issued.client_id.as_str())
    }

    pub fn revoke_all(&mut self) {
        self.tokens.clear();
        self.expiries.clear();
    }

    /// Drops the tokens expired by `now`. Returns how many heap entries it looked
    /// at, which is the expired ones and one more, never the live ones.
    fn prune(&mut self, now: Instant) -> usize {
        let mut examined = 0;
        while let Some(Reverse((at, _))) = self.expiries.peek() {
            examined += 1;
            if *at > now {
                break;
            }
            if let Some(Reverse((_, token))) = self.expiries.pop() {
                self.tokens.remove(&token);
            }
        }
        examined
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
        let now = Instant::now();
        let live = store.issue("app", Duration::from_secs(60), now);
        let dead = store.issue("app", Duration::ZERO, now);
        assert_eq!(store.check(&live, now), Some("app"));
        assert_eq!(store.check(&dead, now), None);
        assert_eq!(store.check("unknown", now), None);
        let later = now + Duration::from_secs(60);
        assert_eq!(store.check(&live, later), None, "expired at its deadline");
        let live = store.issue("app", Duration::from_secs(60), later);
        store.revoke_all();
        assert_eq!(store.check(&live, later), None);
    }

    #[test]
    fn a_lifetime_beyond_the_clock_saturates_instead_of_panicking() {
        let mut store = TokenStore::default();
        let now = Instant::now();
        let forever = store.issue("app", Duration::MAX, now);
        let far = now + Duration::from_secs(100 * 365 * 24 * 3600);
        assert_eq!(store.check(&forever, far), Some("app"));
        // Later issues prune around it without touching it.
        store.issue("app", Duration::ZERO, far);
        store.issue("app", Duration::from_secs(1), far);
        assert_eq!(store.check(&forever, far), Some("app"));
        assert_eq!(
            token_answer("t".into(), Duration::MAX)
                .body
                .windows(b"9223372036854775807".len())
                .filter(|w| w == b"9223372036854775807")
                .count(),
            1,
            "expires_in is capped at i64::MAX"
        );
    }

    /// The work of issuing a token does not grow with the number of live tokens: the
    /// pruning looks at the expired tokens and one more. (A scan of every token,
    /// as `retain` did, looked at all 10,000.)
    #[test]
    fn pruning_looks_only_at_expired_tokens() {
        let mut store = TokenStore::default();
        let now = Instant::now();
        for _ in 0..1_000 {
            store.issue("app", Duration::from_secs(1), now);
        }
        for _ in 0..10_000 {
            store.issue("app", Duration::from_secs(3600), now);
        }
        assert_eq!(store.tokens.len(), 11_000);
        let later = now + Duration::from_secs(2);
        assert_eq!(
            store.prune(later),
            1_001,
            "the 1,000 expired, then one live"
        );
        assert_eq!(store.tokens.len(), 10_000);
        assert_eq!(store.prune(later), 1, "10,000 live tokens, one looked at");
        let token = store.issue("app", Duration::from_secs(3600), later);
        assert_eq!(store.check(&token, later), Some("app"));
    }
}

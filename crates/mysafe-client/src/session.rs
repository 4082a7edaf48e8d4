//! The client's inner state: credentials, the cached token and the retry policy.
//!
//! progenitor stores a [`Session`] in every generated `Client` (the generator's
//! "inner type") and the hooks in `hooks.rs` reach it through `ClientInfo::inner`.
//! Clones of a client share one token cache.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;

use crate::retry::RetryPolicy;
use crate::{Client, Error, Secret, types};

/// Per-client state behind the generated [`Client`]: who logs in, the token cache,
/// the retry policy. Built by [`crate::ClientBuilder`]; its `Debug` shows no secret.
#[derive(Clone)]
pub struct Session {
    pub(crate) shared: Arc<Shared>,
    pub(crate) retry: RetryPolicy,
}

pub(crate) struct Shared {
    pub(crate) credentials: Credentials,
    pub(crate) tokens: TokenCache,
    /// A token given by the caller: sent as is, never fetched nor refreshed.
    pub(crate) fixed_bearer: Option<HeaderValue>,
    /// The per-request timeout the HTTP client was built with; each attempt's
    /// timeout is the smaller of it and what is left of the call's deadline.
    pub(crate) request_timeout: Duration,
}

pub(crate) struct Credentials {
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) tenant: Option<String>,
}

impl Session {
    pub(crate) fn new(
        credentials: Credentials,
        fixed_token: Option<&Secret>,
        retry: RetryPolicy,
        refresh_margin: Duration,
        request_timeout: Duration,
    ) -> Result<Self, Error> {
        let fixed_bearer = fixed_token.map(bearer_header).transpose().map_err(|_| {
            Error::Config("the bearer token is not a valid header value".to_owned())
        })?;
        Ok(Self {
            shared: Arc::new(Shared {
                credentials,
                tokens: TokenCache::new(refresh_margin),
                fixed_bearer,
                request_timeout,
            }),
            retry,
        })
    }

    /// The bearer for a call: the caller's fixed token, or the session's.
    pub(crate) async fn bearer(&self, client: &Client) -> Result<Bearer, Error> {
        match &self.shared.fixed_bearer {
            // `fresh`: a rejected fixed token cannot be refreshed.
            Some(header) => Ok(Bearer {
                header: header.clone(),
                generation: 0,
                fresh: true,
            }),
            None => self.shared.tokens.bearer(client).await,
        }
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let credentials = &self.shared.credentials;
        f.debug_struct("Session")
            .field("client_id", &credentials.client_id)
            .field("client_secret", &credentials.client_secret)
            .field("tenant", &credentials.tenant)
            .field("token_cached", &self.shared.tokens.has_token())
            .field("fixed_token", &self.shared.fixed_bearer.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

/// A bearer header ready to send, and where it came from.
#[derive(Clone)]
pub(crate) struct Bearer {
    pub(crate) header: HeaderValue,
    generation: u64,
    /// Fetched for this call, as opposed to taken from the cache. A rejected fresh
    /// token is not worth refreshing again.
    pub(crate) fresh: bool,
}

struct CachedToken {
    header: HeaderValue,
    refresh_at: Instant,
    generation: u64,
}

/// The token cache: one token at a time, fetched by one caller while the others wait
/// (single flight), and refreshed a margin before it expires.
pub(crate) struct TokenCache {
    current: RwLock<Option<CachedToken>>,
    /// Held by the one caller fetching a token.
    refresh: tokio::sync::Mutex<()>,
    /// Token requests finished so far. A caller that waited for the lock compares it
    /// with the count it saw before waiting to tell whether it waited on a request
    /// that failed, in which case it shares that failure instead of repeating it.
    finished: AtomicU64,
    last_failure: Mutex<Option<(u64, Error)>>,
    margin: Duration,
}

impl TokenCache {
    fn new(margin: Duration) -> Self {
        Self {
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            finished: AtomicU64::new(0),
            last_failure: Mutex::new(None),
            margin,
        }
    }

    fn has_token(&self) -> bool {
        read(&self.current).is_some()
    }

    fn cached(&self) -> Option<Bearer> {
        read(&self.current)
            .as_ref()
            .filter(|token| Instant::now() < token.refresh_at)
            .map(|token| Bearer {
                header: token.header.clone(),
                generation: token.generation,
                fresh: false,
            })
    }

    /// A valid token: the cached one, or one fetched with the generated `get_token`.
    pub(crate) async fn bearer(&self, client: &Client) -> Result<Bearer, Error> {
        if let Some(bearer) = self.cached() {
            return Ok(bearer);
        }
        let seen = self.finished.load(Ordering::Acquire);
        let _turn = self.refresh.lock().await;
        if let Some(bearer) = self.cached() {
            return Ok(bearer);
        }
        if let Some((at, error)) = lock(&self.last_failure).as_ref()
            && *at > seen
        {
            return Err(error.clone());
        }
        // Boxed: the token request runs through the same hooks as the request that
        // needs it, so its future would otherwise contain itself.
        let fetched = Box::pin(fetch(client)).await;
        let attempt = self.finished.fetch_add(1, Ordering::AcqRel) + 1;
        match fetched {
            Ok(answer) => {
                let header = bearer_header(&answer.access_token)?;
                let lifetime = refresh_after(answer.expires_in, self.margin);
                let refresh_at = crate::hooks::later(Instant::now(), lifetime);
                *write(&self.current) = Some(CachedToken {
                    header: header.clone(),
                    refresh_at,
                    generation: attempt,
                });
                *lock(&self.last_failure) = None;
                Ok(Bearer {
                    header,
                    generation: attempt,
                    fresh: true,
                })
            }
            Err(error) => {
                *lock(&self.last_failure) = Some((attempt, error.clone()));
                Err(error)
            }
        }
    }

    /// Drops the token that was rejected, unless another caller already replaced it.
    pub(crate) fn invalidate(&self, bearer: &Bearer) {
        let mut current = write(&self.current);
        if current
            .as_ref()
            .is_some_and(|token| token.generation == bearer.generation)
        {
            *current = None;
        }
    }
}

async fn fetch(client: &Client) -> Result<types::TokenResponse, Error> {
    let credentials = &client.inner.shared.credentials;
    let answer = client
        .get_token()
        .body(types::TokenRequest {
            grant_type: types::GrantType::ClientCredentials,
            client_id: credentials.client_id.clone(),
            client_secret: credentials.client_secret.clone(),
            tenant: credentials.tenant.clone(),
        })
        .send()
        .await?;
    Ok(answer.into_inner())
}

fn bearer_header(token: &Secret) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        Error::Undecodable {
            status: Some(200),
            reason: "the access token is not a valid header value".to_owned(),
            excerpt: "[REDACTED]".to_owned(),
        }
    })?;
    // Keeps the value out of the HTTP stack's debug output.
    header.set_sensitive(true);
    Ok(header)
}

/// How long a token with this lifetime is used before it is refreshed: its lifetime
/// less the margin, and at most half of it for short-lived tokens.
pub(crate) fn refresh_after(expires_in: Option<i64>, margin: Duration) -> Duration {
    // One hour is the documented default when the server leaves the field out.
    let seconds = expires_in.unwrap_or(3600).max(0).unsigned_abs();
    let lifetime = Duration::from_secs(seconds);
    lifetime - margin.min(lifetime / 2)
}

// A panic while a lock is held cannot leave these values half-written (each write is
// one assignment), so a poisoned lock is used as is.
fn read<T>(lock: &RwLock<T>) -> std::sync::RwLockReadGuard<'_, T> {
    lock.read().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn write<T>(lock: &RwLock<T>) -> std::sync::RwLockWriteGuard<'_, T> {
    lock.write()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn lock<T>(lock: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_refreshed_a_margin_before_expiry() {
        let minute = Duration::from_secs(60);
        assert_eq!(refresh_after(Some(3600), minute), Duration::from_secs(3540));
        assert_eq!(refresh_after(None, minute), Duration::from_secs(3540));
        // Short-lived tokens are used for half their lifetime.
        assert_eq!(refresh_after(Some(2), minute), Duration::from_secs(1));
        assert_eq!(refresh_after(Some(0), minute), Duration::ZERO);
        assert_eq!(refresh_after(Some(-5), minute), Duration::ZERO);
        // A server that says "forever" is taken at its word without overflowing.
        let forever = refresh_after(Some(i64::MAX), minute);
        assert!(crate::hooks::later(Instant::now(), forever) > Instant::now());
    }

    #[test]
    fn session_debug_hides_the_secret() {
        let session = Session::new(
            Credentials {
                client_id: "app".into(),
                client_secret: Secret::new("s3cr3t-value"),
                tenant: None,
            },
            None,
            RetryPolicy::default(),
            Duration::from_secs(60),
            Duration::from_secs(30),
        )
        .unwrap();
        let text = format!("{session:?}");
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert!(text.contains("app"));
    }

    #[test]
    fn bearer_header_is_sensitive() {
        let header = bearer_header(&Secret::new("tok")).unwrap();
        assert!(header.is_sensitive());
        assert_eq!(header.to_str().unwrap(), "Bearer tok");
        assert!(!format!("{header:?}").contains("tok"));
        assert!(bearer_header(&Secret::new("bad\nvalue")).is_err());
    }
}

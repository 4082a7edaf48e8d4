//! The client's inner state: credentials, the cached token and the retry policy.
//!
//! progenitor stores a [`Session`] in every generated `Client` (the generator's
//! "inner type") and the hooks in `hooks.rs` reach it through `ClientInfo::inner`.
//! Clones of a client share one token cache. The cache does not know how a token is
//! fetched: the hooks hand it the fetch, so this module calls nothing back.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use reqwest::header::HeaderValue;
use tokio::time::Instant;

use crate::retry::{RetryPolicy, later};
use crate::route::RouteRewrite;
use crate::{Error, Secret, types};

/// Per-client state behind the generated [`crate::Client`]: who logs in, the token
/// cache, the retry policy. Opaque: it is public only because progenitor's
/// [`ClientInfo::inner`](crate::ClientInfo::inner) returns it. Built by
/// [`crate::ClientBuilder`]; its `Debug` shows no secret.
#[derive(Clone)]
pub struct Session {
    pub(crate) shared: Arc<Shared>,
    pub(crate) retry: RetryPolicy,
}

pub(crate) struct Shared {
    pub(crate) credentials: Credentials,
    pub(crate) tokens: TokenCache,
    /// A token given by the caller: sent as is, never fetched nor refreshed.
    pub(crate) fixed: Option<(Secret, HeaderValue)>,
    /// The per-request timeout the HTTP client was built with; an attempt needs a
    /// timeout of its own only when the call's deadline is nearer.
    pub(crate) request_timeout: Duration,
    /// The largest answer body read, in bytes.
    pub(crate) max_response_size: u64,
    /// Moves every path to the route prefix the builder chose, if not the spec's.
    pub(crate) route: Option<RouteRewrite>,
}

pub(crate) struct Credentials {
    pub(crate) client_id: String,
    pub(crate) client_secret: Secret,
    pub(crate) tenant: Option<String>,
}

impl Session {
    pub(crate) fn new(
        credentials: Credentials,
        fixed_token: Option<Secret>,
        retry: RetryPolicy,
        refresh_margin: Duration,
        request_timeout: Duration,
        max_response_size: u64,
        route: Option<RouteRewrite>,
    ) -> Result<Self, Error> {
        let fixed = fixed_token
            .map(|token| {
                let header = bearer_header(&token).map_err(|_| {
                    Error::Config("the bearer token is not a valid header value".to_owned())
                })?;
                Ok::<_, Error>((token, header))
            })
            .transpose()?;
        Ok(Self {
            shared: Arc::new(Shared {
                credentials,
                tokens: TokenCache::new(refresh_margin),
                fixed,
                request_timeout,
                max_response_size,
                route,
            }),
            retry,
        })
    }

    /// The bearer for a call: the caller's fixed token, or the session's, fetched
    /// with `fetch` when the cache has none.
    pub(crate) async fn bearer<F, Fut>(&self, fetch: F) -> Result<Bearer, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<types::TokenResponse, Error>>,
    {
        match &self.shared.fixed {
            // `fresh`: a rejected fixed token cannot be refreshed.
            Some((_, header)) => Ok(Bearer {
                header: header.clone(),
                generation: 0,
                fresh: true,
            }),
            None => self.shared.tokens.bearer(fetch).await,
        }
    }

    /// Every secret the session holds: the client secret, the fixed token, the
    /// current token and the ones before it. Error texts must show none of them.
    pub(crate) fn secrets(&self) -> Vec<Secret> {
        let shared = &self.shared;
        let mut secrets = vec![shared.credentials.client_secret.clone()];
        secrets.extend(shared.fixed.iter().map(|(token, _)| token.clone()));
        secrets.extend(shared.tokens.known());
        secrets
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
            .field("fixed_token", &self.shared.fixed.is_some())
            .field("retry", &self.retry)
            .finish()
    }
}

/// A bearer header ready to send, and where it came from.
#[derive(Clone)]
pub(crate) struct Bearer {
    pub(crate) header: HeaderValue,
    generation: u64,
    /// Fetched for this call, or the caller's fixed token, as opposed to taken from
    /// the cache. A rejected fresh token is not worth refreshing again.
    pub(crate) fresh: bool,
}

struct CachedToken {
    header: HeaderValue,
    refresh_at: Instant,
    generation: u64,
}

/// How many replaced tokens the cache remembers, so that an error echoing one is
/// still redacted.
const REMEMBERED: usize = 4;

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
    /// The tokens this cache has held, newest last: only for redaction.
    issued: Mutex<VecDeque<Secret>>,
    margin: Duration,
}

impl TokenCache {
    pub(crate) fn new(margin: Duration) -> Self {
        Self {
            current: RwLock::new(None),
            refresh: tokio::sync::Mutex::new(()),
            finished: AtomicU64::new(0),
            last_failure: Mutex::new(None),
            issued: Mutex::new(VecDeque::new()),
            margin,
        }
    }

    fn has_token(&self) -> bool {
        read(&self.current).is_some()
    }

    fn known(&self) -> Vec<Secret> {
        lock(&self.issued).iter().cloned().collect()
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

    /// A valid token: the cached one, or one that `fetch` gets. Of callers that
    /// find the cache empty at the same time, one fetches and the others wait for
    /// it and share its token, or its error.
    pub(crate) async fn bearer<F, Fut>(&self, fetch: F) -> Result<Bearer, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<types::TokenResponse, Error>>,
    {
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
        let fetched = fetch().await;
        let attempt = self.finished.fetch_add(1, Ordering::AcqRel) + 1;
        let stored = fetched.and_then(|answer| {
            let header = bearer_header(&answer.access_token)?;
            let mut issued = lock(&self.issued);
            issued.push_back(answer.access_token);
            if issued.len() > REMEMBERED + 1 {
                issued.pop_front();
            }
            Ok((header, refresh_after(answer.expires_in, self.margin)))
        });
        match stored {
            Ok((header, lifetime)) => {
                *write(&self.current) = Some(CachedToken {
                    header: header.clone(),
                    refresh_at: later(Instant::now(), lifetime),
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

fn bearer_header(token: &Secret) -> Result<HeaderValue, Error> {
    let mut header = HeaderValue::try_from(format!("Bearer {}", token.expose())).map_err(|_| {
        Error::Undecodable {
            status: 200,
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
// one assignment or one push), so a poisoned lock is used as is.
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
    use std::sync::atomic::AtomicU32;

    fn token(value: &str, expires_in: i64) -> types::TokenResponse {
        types::TokenResponse {
            access_token: Secret::new(value),
            expires_in: Some(expires_in),
            token_type: Some("Bearer".into()),
        }
    }

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
        assert!(later(Instant::now(), forever) > Instant::now());
    }

    /// On the paused clock of one runtime thread, every caller finds the cache empty
    /// and queues behind the one fetch before it ends.
    #[tokio::test(start_paused = true)]
    async fn concurrent_callers_share_one_failed_login() {
        const CALLERS: usize = 50;
        let cache = Arc::new(TokenCache::new(Duration::from_secs(60)));
        let fetches = Arc::new(AtomicU32::new(0));
        // Every caller is waiting before the one fetch ends.
        let gate = Arc::new(tokio::sync::Barrier::new(CALLERS));
        let callers: Vec<_> = (0..CALLERS)
            .map(|_| {
                let (cache, fetches, gate) = (cache.clone(), fetches.clone(), gate.clone());
                tokio::spawn(async move {
                    gate.wait().await;
                    let result = cache
                        .bearer(|| async {
                            fetches.fetch_add(1, Ordering::SeqCst);
                            tokio::time::sleep(Duration::from_millis(200)).await;
                            Err::<types::TokenResponse, _>(Error::Auth {
                                status: 401,
                                kind: crate::AuthFailure::BadCredentials,
                                message: "invalid_client: Client authentication failed".into(),
                            })
                        })
                        .await;
                    result.err().map(|e| e.to_string())
                })
            })
            .collect();
        let mut errors = Vec::new();
        for caller in callers {
            errors.push(caller.await.unwrap().expect("every caller fails"));
        }
        assert_eq!(fetches.load(Ordering::SeqCst), 1, "one token request");
        assert_eq!(errors.len(), CALLERS);
        assert!(errors.iter().all(|e| *e == errors[0]), "{errors:?}");
        assert!(
            errors[0].contains("bad client credentials"),
            "{}",
            errors[0]
        );

        // The next caller, who waited on nothing, tries again.
        let bearer = cache
            .bearer(|| async { Ok(token("t2", 3600)) })
            .await
            .unwrap();
        assert!(bearer.fresh);
        assert_eq!(fetches.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_token_is_cached_until_it_is_rejected_and_every_one_is_remembered() {
        let cache = TokenCache::new(Duration::from_secs(60));
        let first = cache
            .bearer(|| async { Ok(token("one", 3600)) })
            .await
            .unwrap();
        assert!(first.fresh);
        let again = cache
            .bearer(|| async { Err(Error::Config("the cache is not used".into())) })
            .await
            .unwrap();
        assert!(!again.fresh);
        assert_eq!(again.header, first.header);
        cache.invalidate(&again);
        let second = cache
            .bearer(|| async { Ok(token("two", 3600)) })
            .await
            .unwrap();
        assert_eq!(second.header.to_str().unwrap(), "Bearer two");
        // A stale rejection leaves the newer token alone.
        cache.invalidate(&first);
        assert!(cache.has_token());
        let known: Vec<_> = cache
            .known()
            .iter()
            .map(|s| s.expose().to_owned())
            .collect();
        assert_eq!(known, ["one", "two"]);
    }

    #[test]
    fn session_debug_hides_the_secret() {
        let session = Session::new(
            Credentials {
                client_id: "app".into(),
                client_secret: Secret::new("s3cr3t-value"),
                tenant: None,
            },
            Some(Secret::new("fixed-token-value")),
            RetryPolicy::default(),
            Duration::from_secs(60),
            Duration::from_secs(30),
            crate::config::DEFAULT_MAX_RESPONSE_SIZE,
            None,
        )
        .unwrap();
        let text = format!("{session:?}");
        assert!(!text.contains("s3cr3t-value"), "{text}");
        assert!(!text.contains("fixed-token-value"), "{text}");
        assert!(text.contains("app"));
        let secrets: Vec<_> = session
            .secrets()
            .iter()
            .map(|s| s.expose().to_owned())
            .collect();
        assert_eq!(secrets, ["s3cr3t-value", "fixed-token-value"]);
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

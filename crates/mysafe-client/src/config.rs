//! Building a [`Client`]: base URL, credentials, TLS, timeouts, retries.

use std::fmt;
use std::time::Duration;

use crate::retry::RetryPolicy;
use crate::route::RouteRewrite;
use crate::session::{Credentials, Session};
use crate::{Client, Error, Secret};

/// Environment variables read by [`ClientBuilder::from_env`].
pub const ENV_URL: &str = "MYSAFE_URL";
/// The application's client id.
pub const ENV_CLIENT_ID: &str = "MYSAFE_CLIENT_ID";
/// The application's client secret.
pub const ENV_CLIENT_SECRET: &str = "MYSAFE_CLIENT_SECRET";
/// The tenant, optional.
pub const ENV_TENANT: &str = "MYSAFE_TENANT";
/// The environment variable [`ClientBuilder::from_env`] reads the route prefix from
/// (optional; see [`ClientBuilder::route_prefix`]).
pub const ENV_ROUTE_PREFIX: &str = "MYSAFE_ROUTE_PREFIX";

/// The largest answer a client reads by default: 32 MiB, far more than MySafe's
/// lists of thousands of items take.
pub const DEFAULT_MAX_RESPONSE_SIZE: u64 = 32 * 1024 * 1024;

/// Configures and builds a [`Client`] that logs in by itself.
///
/// ```no_run
/// # fn main() -> Result<(), mysafe_client::Error> {
/// use std::time::Duration;
/// let client = mysafe_client::Client::builder()
///     .base_url("https://tenant.senhasegura.com")
///     .client_id("my-app")
///     .client_secret(std::env::var("MYSAFE_CLIENT_SECRET").unwrap_or_default())
///     .timeout(Duration::from_secs(20))
///     .build()?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: Option<String>,
    client_id: Option<String>,
    client_secret: Option<Secret>,
    bearer_token: Option<Secret>,
    tenant: Option<String>,
    connect_timeout: Duration,
    timeout: Duration,
    root_certificates: Vec<Vec<u8>>,
    accept_invalid_certificates: bool,
    user_agent: String,
    retry: RetryPolicy,
    refresh_margin: Duration,
    max_response_size: u64,
    route_prefix: Option<String>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("bearer_token", &self.bearer_token)
            .field("tenant", &self.tenant)
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("root_certificates", &self.root_certificates.len())
            .field(
                "danger_accept_invalid_certificates",
                &self.accept_invalid_certificates,
            )
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .field("token_refresh_margin", &self.refresh_margin)
            .field("max_response_size", &self.max_response_size)
            .field("route_prefix", &self.route_prefix)
            .finish()
    }
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            client_id: None,
            client_secret: None,
            bearer_token: None,
            tenant: None,
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(30),
            root_certificates: Vec::new(),
            accept_invalid_certificates: false,
            user_agent: concat!("mysafe-client/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
            refresh_margin: Duration::from_secs(60),
            max_response_size: DEFAULT_MAX_RESPONSE_SIZE,
            route_prefix: None,
        }
    }
}

impl ClientBuilder {
    /// A builder with defaults: 10 s connect timeout, 30 s per attempt, the default
    /// [`RetryPolicy`], tokens refreshed 60 s before they expire.
    pub fn new() -> Self {
        Self::default()
    }

    /// A builder filled from `MYSAFE_URL`, `MYSAFE_CLIENT_ID`,
    /// `MYSAFE_CLIENT_SECRET` and, if set, `MYSAFE_TENANT` and `MYSAFE_ROUTE_PREFIX`. Fails with the name of
    /// the first variable that is missing or not Unicode (never with its value).
    pub fn from_env() -> Result<Self, Error> {
        Self::from_lookup(|name| std::env::var_os(name))
    }

    pub(crate) fn from_lookup(
        lookup: impl Fn(&str) -> Option<std::ffi::OsString>,
    ) -> Result<Self, Error> {
        let var = |name: &str, required: bool| -> Result<Option<String>, Error> {
            match lookup(name) {
                Some(value) => value.into_string().map(Some).map_err(|_| {
                    Error::Config(format!("environment variable {name} is not valid Unicode"))
                }),
                None if required => Err(Error::Config(format!(
                    "environment variable {name} is not set"
                ))),
                None => Ok(None),
            }
        };
        let url = var(ENV_URL, true)?.unwrap_or_default();
        let client_id = var(ENV_CLIENT_ID, true)?.unwrap_or_default();
        let client_secret = var(ENV_CLIENT_SECRET, true)?.unwrap_or_default();
        let mut builder = Self::new()
            .base_url(url)
            .client_id(client_id)
            .client_secret(client_secret);
        if let Some(tenant) = var(ENV_TENANT, false)?.filter(|t| !t.is_empty()) {
            builder = builder.tenant(tenant);
        }
        if let Some(prefix) = var(ENV_ROUTE_PREFIX, false)?.filter(|p| !p.is_empty()) {
            builder = builder.route_prefix(prefix);
        }
        Ok(builder)
    }

    /// The installation's URL, e.g. `https://tenant.senhasegura.com`.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The client id of the application's access key.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// The client secret of the application's access key.
    pub fn client_secret(mut self, secret: impl Into<Secret>) -> Self {
        self.client_secret = Some(secret.into());
        self
    }

    /// Send this access token instead of logging in, e.g. one obtained by another
    /// system. It is never refreshed: once it expires, calls fail with
    /// [`Error::Auth`]. Client id and secret are then not needed.
    pub fn bearer_token(mut self, token: impl Into<Secret>) -> Self {
        self.bearer_token = Some(token.into());
        self
    }

    /// The tenant, needed when the server is reached by IP address.
    pub fn tenant(mut self, tenant: impl Into<String>) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Time allowed to open a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Time allowed for one attempt, from sending to the end of the body.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Also trust the CA certificates in this PEM text (one or more certificates),
    /// for on-premises installations with an internal CA. The system's roots stay
    /// trusted. A PEM that does not parse fails [`ClientBuilder::build`].
    pub fn add_root_certificate_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.root_certificates.push(pem.into());
        self
    }

    /// **Dangerous**: accept any server certificate, expired, self-signed or for
    /// another host. Anyone on the network path can then read the client secret and
    /// every password. Only for throw-away test installations; prefer
    /// [`ClientBuilder::add_root_certificate_pem`].
    pub fn danger_accept_invalid_certificates(mut self, accept: bool) -> Self {
        self.accept_invalid_certificates = accept;
        self
    }

    /// The `User-Agent` header; `mysafe-client/<version>` by default.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// How failed attempts are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The largest answer body the client reads, in bytes
    /// ([`DEFAULT_MAX_RESPONSE_SIZE`], 32 MiB, by default). A larger answer fails
    /// with [`Error::TooLarge`] as soon as its `Content-Length` says so or its bytes
    /// pass the limit, so a hostile or broken server cannot make the client hold
    /// more than about this much per call.
    pub fn max_response_size(mut self, bytes: u64) -> Self {
        self.max_response_size = bytes;
        self
    }

    /// The route prefix the installation serves MySafe under: `/api` (the spec's
    /// own, the default) or another of [`crate::spec::ROUTE_PREFIXES`], such as
    /// `/iso`. Every call, the token request included, goes under it; a prefix the
    /// spec does not list fails [`build`](Self::build).
    ///
    /// ```
    /// # fn main() -> Result<(), mysafe_client::Error> {
    /// let client = mysafe_client::Client::builder()
    ///     .base_url("https://tenant.senhasegura.com")
    ///     .client_id("my-app")
    ///     .client_secret("s3cr3t")
    ///     .route_prefix("/iso")
    ///     .build()?;
    /// # Ok(()) }
    /// ```
    pub fn route_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.route_prefix = Some(prefix.into());
        self
    }

    /// How long before its expiry a token is replaced (at most half its lifetime).
    pub fn token_refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Builds the client. Fails on a missing or invalid setting; nothing is sent
    /// until the first call, which logs in.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = normalize_base_url(
            self.base_url
                .as_deref()
                .ok_or_else(|| Error::Config("base URL is not set".to_owned()))?,
        )?;
        let route = match &self.route_prefix {
            Some(prefix) => RouteRewrite::new(&base_url, prefix)?,
            None => None,
        };
        let fixed = self.bearer_token.filter(|token| !token.expose().is_empty());
        let client_id = self.client_id.filter(|id| !id.is_empty());
        let client_secret = self
            .client_secret
            .filter(|secret| !secret.expose().is_empty());
        let (client_id, client_secret) = match (client_id, client_secret, &fixed) {
            (Some(id), Some(secret), _) => (id, secret),
            // Only the generated `get_token` would use them, by the caller's choice.
            (id, secret, Some(_)) => (id.unwrap_or_default(), secret.unwrap_or(Secret::new(""))),
            (None, _, None) => return Err(Error::Config("client id is not set".to_owned())),
            (_, None, None) => return Err(Error::Config("client secret is not set".to_owned())),
        };

        let http = reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            // No redirect is followed: reqwest's default would re-send bodies (the
            // client secret, a password) to wherever a 307 or 308 points, and use
            // what that host answers. A 3xx becomes `Error::Redirected`.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(self.user_agent);
        let http = tls(
            http,
            &self.root_certificates,
            self.accept_invalid_certificates,
        )?
        .build()
        .map_err(|e| Error::Config(format!("HTTP client: {e}")))?;
        let session = Session::new(
            Credentials {
                client_id,
                client_secret,
                tenant: self.tenant.filter(|t| !t.is_empty()),
            },
            fixed,
            self.retry,
            self.refresh_margin,
            self.timeout,
            self.max_response_size,
            route,
        )?;
        Ok(Client::new_with_client(&base_url, http, session))
    }
}

#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn tls(
    mut http: reqwest::ClientBuilder,
    pems: &[Vec<u8>],
    accept_invalid: bool,
) -> Result<reqwest::ClientBuilder, Error> {
    for (index, pem) in pems.iter().enumerate() {
        let certificates = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| Error::Config(format!("root certificate #{}: {e}", index + 1)))?;
        if certificates.is_empty() {
            return Err(Error::Config(format!(
                "root certificate #{}: no certificate in the PEM text",
                index + 1
            )));
        }
        http = http.tls_certs_merge(certificates);
    }
    Ok(http.tls_danger_accept_invalid_certs(accept_invalid))
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
fn tls(
    http: reqwest::ClientBuilder,
    pems: &[Vec<u8>],
    accept_invalid: bool,
) -> Result<reqwest::ClientBuilder, Error> {
    if pems.is_empty() && !accept_invalid {
        Ok(http)
    } else {
        Err(Error::Config(
            "TLS settings need the `rustls` or `native-tls` feature".to_owned(),
        ))
    }
}

/// Checks the URL and drops a trailing slash: the generated code appends paths that
/// start with `/`.
fn normalize_base_url(url: &str) -> Result<String, Error> {
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| Error::Config(format!("base URL {url:?} is not a valid URL: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base URL {url:?} must start with https:// (or http://)"
        )));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::Config(
            "base URL must not contain credentials; use client_id and client_secret".to_owned(),
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(format!(
            "base URL {url:?} must not have a query or fragment"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}

impl Client {
    /// A builder for a client that logs in by itself.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::new()
    }

    /// A client configured from `MYSAFE_URL`, `MYSAFE_CLIENT_ID`,
    /// `MYSAFE_CLIENT_SECRET` and `MYSAFE_TENANT` (see [`ClientBuilder::from_env`]).
    pub fn from_env() -> Result<Client, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// The same client (same connection pool, same token cache) with another retry
    /// policy, e.g. to let one create retry:
    ///
    /// ```no_run
    /// # async fn run(client: mysafe_client::Client) -> Result<(), mysafe_client::Error> {
    /// use mysafe_client::RetryPolicy;
    /// let retrying = client.with_retry_policy(RetryPolicy {
    ///     retry_non_idempotent: true,
    ///     ..RetryPolicy::default()
    /// });
    /// # Ok(()) }
    /// ```
    pub fn with_retry_policy(&self, policy: RetryPolicy) -> Client {
        let mut session = self.inner.clone();
        session.retry = policy;
        Client::new_with_client(&self.baseurl, self.client.clone(), session)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::ffi::OsString;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<OsString> {
        let map: HashMap<String, OsString> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        move |name| map.get(name).cloned()
    }

    const FULL: &[(&str, &str)] = &[
        (ENV_URL, "https://tenant.example.com/"),
        (ENV_CLIENT_ID, "app"),
        (ENV_CLIENT_SECRET, "env-secret-value"),
        (ENV_TENANT, "acme"),
    ];

    #[test]
    fn from_env_reads_all_four_variables() {
        let builder = ClientBuilder::from_lookup(env(FULL)).unwrap();
        assert_eq!(
            builder.base_url.as_deref(),
            Some("https://tenant.example.com/")
        );
        assert_eq!(builder.client_id.as_deref(), Some("app"));
        assert_eq!(builder.tenant.as_deref(), Some("acme"));
        let debug = format!("{builder:?}");
        assert!(!debug.contains("env-secret-value"), "{debug}");
        let client = builder.build().unwrap();
        assert_eq!(client.baseurl, "https://tenant.example.com");
        let debug = format!("{client:?}");
        assert!(!debug.contains("env-secret-value"), "{debug}");
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        for missing in [ENV_URL, ENV_CLIENT_ID, ENV_CLIENT_SECRET] {
            let pairs: Vec<_> = FULL
                .iter()
                .copied()
                .filter(|(k, _)| *k != missing)
                .collect();
            let error = ClientBuilder::from_lookup(env(&pairs)).unwrap_err();
            assert_eq!(
                error.to_string(),
                format!("configuration error: environment variable {missing} is not set")
            );
        }
        let pairs: Vec<_> = FULL
            .iter()
            .copied()
            .filter(|(k, _)| *k != ENV_TENANT)
            .collect();
        let builder = ClientBuilder::from_lookup(env(&pairs)).unwrap();
        assert_eq!(builder.tenant, None);
    }

    #[cfg(unix)]
    #[test]
    fn non_unicode_secret_is_reported_without_its_value() {
        use std::os::unix::ffi::OsStringExt;
        let lookup = |name: &str| {
            (name == ENV_CLIENT_SECRET)
                .then(|| OsString::from_vec(b"secret\xffvalue".to_vec()))
                .or_else(|| env(FULL)(name))
        };
        let error = ClientBuilder::from_lookup(lookup).unwrap_err().to_string();
        assert!(
            error.contains("MYSAFE_CLIENT_SECRET is not valid Unicode"),
            "{error}"
        );
        assert!(!error.contains("secret\u{fffd}value") && !error.contains("value"));
    }

    #[test]
    fn bad_settings_fail_with_a_clear_message() {
        let base = || {
            Client::builder()
                .base_url("https://x.example.com")
                .client_id("app")
                .client_secret("s")
        };
        let cases = [
            (
                Client::builder().client_id("a").client_secret("s"),
                "base URL is not set",
            ),
            (base().base_url("not a url"), "is not a valid URL"),
            (
                base().base_url("ftp://x.example.com"),
                "must start with https://",
            ),
            (
                base().base_url("https://u:p@x.example.com"),
                "must not contain credentials",
            ),
            (base().client_secret(""), "client secret is not set"),
            (base().client_id(""), "client id is not set"),
            (
                base().add_root_certificate_pem("not a pem"),
                "root certificate #1",
            ),
        ];
        for (builder, expected) in cases {
            let error = builder.build().unwrap_err().to_string();
            assert!(
                error.contains(expected),
                "{error} should contain {expected}"
            );
        }
    }

    /// A self-signed CA made for these tests (`openssl req -x509 -newkey ec ...`).
    const TEST_CA: &str = "\
-----BEGIN CERTIFICATE-----\n\
MIIBjjCCATWgAwIBAgIUWDoTrHn5s+e5XTYa9+umzUiEslowCgYIKoZIzj0EAwIw\n\
HDEaMBgGA1UEAwwRbXlzYWZlLXJzIHRlc3QgQ0EwIBcNMjYxMTIyMTQ0MDEzWhgP\n\
MjEyNjEwMjkxNDQwMTNaMBwxGjAYBgNVBAMMEW15c2FmZS1ycyB0ZXN0IENBMFkw\n\
EwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE3/HwFI8c4HA2XeO9o7XVHDkyMqTOlsFc\n\
QLSCjkfu19JSbdWthBHMw84nwrusY2PtBRZjORP97CysaPewKGCb06NTMFEwHQYD\n\
VR0OBBYEFDsBqHYN3uFVvivhxuFZVTNr8dFZMB8GA1UdIwQYMBaAFDsBqHYN3uFV\n\
vivhxuFZVTNr8dFZMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDRwAwRAIg\n\
JaSKKyzOVz3DFZfh1LU+1c7TspKhQc/qF/Q7TGc1ukQCIDvQCUI2uR7byW9Nhkxv\n\
RAhhjUvo+pyXzuwfNqtb6wEd\n\
-----END CERTIFICATE-----\n\
";

    #[test]
    fn an_internal_ca_and_the_dangerous_option_build() {
        let base = Client::builder()
            .base_url("https://10.0.0.5")
            .client_id("app")
            .client_secret("s")
            .tenant("acme");
        base.clone()
            .add_root_certificate_pem(TEST_CA)
            .build()
            .unwrap();
        let two = format!("{TEST_CA}{TEST_CA}");
        base.clone().add_root_certificate_pem(two).build().unwrap();
        let error = base
            .clone()
            .add_root_certificate_pem("no certificate here")
            .build()
            .unwrap_err();
        assert!(error.to_string().contains("root certificate #1"), "{error}");
        let dangerous = base.danger_accept_invalid_certificates(true);
        assert!(format!("{dangerous:?}").contains("danger_accept_invalid_certificates: true"));
        dangerous.build().unwrap();
    }

    #[test]
    fn base_url_keeps_a_path_prefix() {
        assert_eq!(
            normalize_base_url("https://h.example.com/mysafe/").unwrap(),
            "https://h.example.com/mysafe"
        );
        assert_eq!(
            normalize_base_url("http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
    }
}

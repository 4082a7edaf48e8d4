//! What a simulator is started with: the applications it knows, the token lifetime
//! and how long it waits for a request's header.

use std::time::Duration;

/// Settings of a simulator; [`SimConfig::default`] is one application, one-hour
/// tokens, as a fresh MySafe installation hands out, and a 60 s header-read timeout.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// Lifetime of issued tokens; `expires_in` reports it in whole seconds, rounded
    /// down, so a client that trusts `expires_in` never keeps a token too long. A
    /// lifetime too long for the clock to represent (`Duration::MAX`) saturates: such
    /// tokens never expire, and `expires_in` is capped at `i64::MAX`.
    pub token_ttl: Duration,
    /// How long a connection may take to send a request's complete header before the
    /// simulator closes it without an answer. The wait also runs while a kept-alive
    /// connection sits idle between requests, so an idle connection is closed after
    /// it too, as Kong's nginx does with its 60 s `client_header_timeout` and
    /// `keepalive_timeout`.
    pub header_read_timeout: Duration,
    /// The applications (access key authorizations) that may ask for tokens. Items
    /// belong to the application whose token created them.
    pub applications: Vec<Application>,
}

impl Default for SimConfig {
    fn default() -> Self {
        Self {
            token_ttl: Duration::from_secs(3600),
            header_read_timeout: Duration::from_secs(60),
            applications: vec![Application::generate()],
        }
    }
}

/// An application registered in MySafe, with the credentials of its access key
/// authorization.
///
/// Sharing refers to users by name; the simulator takes an application's
/// `client_id` as its user name, so an item shared with `username: <client_id>`
/// becomes visible to that application.
#[derive(Clone)]
pub struct Application {
    /// The OAuth client id.
    pub client_id: String,
    /// The OAuth client secret.
    pub client_secret: String,
    /// The tenant the application lives in. When set, a token request must name it
    /// (the simulator is reached by IP address, where MySafe requires the tenant);
    /// when unset, a token request must not name another tenant.
    pub tenant: Option<String>,
}

impl Application {
    /// An application with random credentials and no tenant.
    pub fn generate() -> Self {
        Self {
            client_id: format!("sim-{}", crate::random::hex(8)),
            client_secret: crate::random::hex(24),
            tenant: None,
        }
    }
}

// The secret is a test credential, but code that prints a config should still not
// learn to print secrets.
impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[REDACTED]")
            .field("tenant", &self.tenant)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_client_secret() {
        let config = SimConfig::default();
        let secret = config.applications[0].client_secret.clone();
        let debug = format!("{config:?}");
        assert!(debug.contains(&config.applications[0].client_id));
        assert!(!debug.contains(&secret), "{debug}");
    }
}

//! The client against a loopback server that answers what each test scripts:
//! rate limits with `Retry-After`, and (in `hostile.rs`) a server that tries to
//! make the client leak or misbehave. One test binary, so that the workspace links
//! it once.

mod hostile;
#[path = "../support/logs.rs"]
mod logs;
mod rate_limits;
mod server;

use std::time::Duration;

use mysafe_client::{Client, ClientBuilder, RetryPolicy};

/// A client of `url` with fast retries (the backoff, not what a server asks for).
fn builder(url: &str) -> ClientBuilder {
    Client::builder()
        .base_url(url)
        .client_id("app")
        .client_secret("client-secret-1")
        .retry_policy(RetryPolicy {
            initial_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            ..RetryPolicy::default()
        })
        .timeout(Duration::from_secs(10))
}

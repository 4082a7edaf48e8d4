//! The client against the simulator over real sockets: every operation, every error
//! class, the token session, retries, and the secrets a full session must not leak.
//! One test binary, so that the workspace links it once.

mod errors;
mod operations;
mod retries;
mod session;

use std::time::Duration;

use mysafe_client::{Client, ClientBuilder, RetryPolicy};
use mysafe_sim::Sim;

/// Retries as in production, with waits short enough for tests.
fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn builder(sim: &Sim) -> ClientBuilder {
    Client::builder()
        .base_url(sim.url())
        .client_id(sim.client_id())
        .client_secret(sim.client_secret())
        .retry_policy(fast_retries())
        .timeout(Duration::from_secs(5))
}

fn client(sim: &Sim) -> Client {
    builder(sim).build().expect("a valid configuration")
}

/// How many requests the simulator saw for one operation.
fn seen(sim: &Sim, operation: &str) -> u64 {
    sim.stats()
        .by_operation
        .get(operation)
        .copied()
        .unwrap_or(0)
}

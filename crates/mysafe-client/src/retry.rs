//! When a failed attempt may be tried again, and how long to wait first.
//!
//! The decisions are pure functions of the policy, the operation and the failure, so
//! they are unit-tested here; the attempt loop in `hooks.rs` only applies them.

use std::time::Duration;

/// How requests are retried.
///
/// Retries cover transport failures (connection refused or reset, timeouts, bodies
/// cut short) and the gateway's 502, 503 and 504. By default only operations that can
/// safely run twice retry: get, list, enable, disable and the token request. A create
/// or update that failed ambiguously (the request may have reached MySafe) is not
/// retried, because the first attempt may have succeeded and a second would create
/// a duplicate; set [`RetryPolicy::retry_non_idempotent`] to opt in anyway. A
/// connection that was refused never carried the request, so every operation retries
/// that.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included; 1 disables retries.
    pub max_attempts: u32,
    /// Upper bound of the wait before the first retry; it doubles for each retry.
    pub initial_backoff: Duration,
    /// Upper bound of any single wait.
    pub max_backoff: Duration,
    /// Time budget of one call and its retries: no retry starts, and no attempt
    /// runs, past it. When it runs out while a retry waits for its answer, the call
    /// reports the attempt before (e.g. the gateway's 502), not a timeout; a first
    /// attempt it cuts short is a timeout. A token request the call needs first has a
    /// budget of its own.
    pub deadline: Duration,
    /// Also retry create and update after an ambiguous failure.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            deadline: Duration::from_secs(60),
            retry_non_idempotent: false,
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries (the deadline still applies).
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The wait before retry number `retry` (1 for the first retry), given a jitter
    /// sample in `[0, 1)`. "Equal jitter": half the exponential step is fixed and
    /// half is random, so callers that failed together spread out but still back off.
    pub(crate) fn backoff(&self, retry: u32, jitter: f64) -> Duration {
        let exponent = retry.saturating_sub(1).min(31);
        let step = self
            .initial_backoff
            .saturating_mul(1u32 << exponent)
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }

    /// Whether a failed attempt may be retried, before the attempt count and the
    /// deadline are considered.
    pub(crate) fn allows(&self, operation_id: &str, failure: Failure) -> bool {
        match failure {
            // Nothing reached the server: safe for every operation.
            Failure::Connect => true,
            Failure::Transport | Failure::Status(502..=504) => {
                is_idempotent(operation_id) || self.retry_non_idempotent
            }
            Failure::Status(_) => false,
        }
    }
}

/// What went wrong with one attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Failure {
    /// The connection could not be made; the request was never sent.
    Connect,
    /// The request may have been sent: a reset, a timeout, a body cut short.
    Transport,
    /// The server answered with this status.
    Status(u16),
}

impl Failure {
    pub(crate) fn of_transport(error: &reqwest::Error) -> Self {
        // reqwest reports a connect timeout as both; the request was not sent.
        if error.is_connect() {
            Failure::Connect
        } else {
            Failure::Transport
        }
    }
}

/// Whether running the operation twice has the same effect as running it once.
/// Enabling an enabled item answers "already activated", so enable and disable are.
pub(crate) fn is_idempotent(operation_id: &str) -> bool {
    operation_id == "get_token"
        || ["get_", "list_", "enable_", "disable_"]
            .iter()
            .any(|prefix| operation_id.starts_with(prefix))
}

/// Statuses that say "try again later": the gateway could not reach MySafe.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 502..=504)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap_with_bounded_jitter() {
        let policy = RetryPolicy {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
            ..RetryPolicy::default()
        };
        assert_eq!(policy.backoff(1, 0.0), Duration::from_millis(50));
        assert_eq!(policy.backoff(1, 1.0), Duration::from_millis(100));
        assert_eq!(policy.backoff(2, 0.0), Duration::from_millis(100));
        assert_eq!(policy.backoff(3, 0.5), Duration::from_millis(300));
        // 800 ms is capped at 700.
        assert_eq!(policy.backoff(4, 1.0), Duration::from_millis(700));
        // Huge retry numbers neither overflow nor exceed the cap.
        assert_eq!(policy.backoff(u32::MAX, 1.0), Duration::from_millis(700));
        // A cap of "forever" neither overflows nor panics.
        let unbounded = RetryPolicy {
            max_backoff: Duration::MAX,
            ..RetryPolicy::default()
        };
        assert!(unbounded.backoff(u32::MAX, 1.0) >= unbounded.backoff(1, 1.0));
        // An out-of-range jitter sample is clamped.
        assert_eq!(policy.backoff(1, 7.0), Duration::from_millis(100));
    }

    #[test]
    fn only_idempotent_operations_retry_ambiguous_failures() {
        let policy = RetryPolicy::default();
        for op in [
            "get_token",
            "get_password",
            "list_notes",
            "enable_api_secret",
            "disable_password",
        ] {
            assert!(policy.allows(op, Failure::Transport), "{op}");
            assert!(policy.allows(op, Failure::Status(502)), "{op}");
            assert!(policy.allows(op, Failure::Status(504)), "{op}");
        }
        for op in ["create_password", "update_note", "create_api_secret"] {
            assert!(!policy.allows(op, Failure::Transport), "{op}");
            assert!(!policy.allows(op, Failure::Status(503)), "{op}");
            // A refused connection never carried the request.
            assert!(policy.allows(op, Failure::Connect), "{op}");
        }
        let opted_in = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        assert!(opted_in.allows("create_password", Failure::Transport));
        assert!(opted_in.allows("update_password", Failure::Status(502)));
    }

    #[test]
    fn answers_other_than_gateway_failures_never_retry() {
        let policy = RetryPolicy::default();
        for status in [400, 401, 403, 404, 500, 501, 505] {
            assert!(!policy.allows("get_password", Failure::Status(status)));
            assert!(!is_retryable_status(status));
        }
    }
}

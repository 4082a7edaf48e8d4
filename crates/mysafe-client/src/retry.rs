//! When a failed attempt is tried again, how long to wait first, and the attempt
//! loop that applies it.
//!
//! [`drive`] runs the attempts of one call: it counts them, keeps the call's
//! deadline, waits between retries (backoff, or what the server asks with
//! `Retry-After`), replays once after a rejected token, and reports the answer
//! before a retry that the deadline cut short. What one attempt is (an HTTP request
//! and its body) is the caller's [`Attempts`] impl, so the loop is tested here
//! without sockets, on tokio's paused clock.

use std::future::Future;
use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use tokio::time::Instant;

use crate::Error;

/// How requests are retried.
///
/// Retries cover transport failures (connection refused or reset, timeouts, bodies
/// cut short), the gateway's 502, 503 and 504, and rate limits (429). By default
/// only operations that can safely run twice retry: those the spec marks
/// `x-idempotent: true` (get, list, enable, disable and the token request). A
/// create or update that failed ambiguously (the request may have reached MySafe)
/// is not retried, because the first attempt may have succeeded and a second would
/// create a duplicate; set [`RetryPolicy::retry_non_idempotent`] to opt in anyway.
/// A connection that was refused never carried the request, so every operation
/// retries that. A 429 or 503 with `Retry-After` waits what the server asks, up to
/// [`RetryPolicy::max_retry_after`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first one included; 1 disables retries.
    pub max_attempts: u32,
    /// Upper bound of the wait before the first retry; it doubles for each retry.
    pub initial_backoff: Duration,
    /// Upper bound of any single backoff.
    pub max_backoff: Duration,
    /// The longest `Retry-After` the client waits for. A server that asks for
    /// more gets its answer reported ([`Error::RateLimited`] with
    /// [`Error::retry_after`]), so the caller can schedule the call again.
    pub max_retry_after: Duration,
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
            max_retry_after: Duration::from_secs(20),
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

    /// The wait before a retry: the backoff, or longer when the server asks for it.
    /// `None` when the server asks for more than [`RetryPolicy::max_retry_after`].
    pub(crate) fn wait(
        &self,
        retry: u32,
        retry_after: Option<Duration>,
        jitter: f64,
    ) -> Option<Duration> {
        let backoff = self.backoff(retry, jitter);
        match retry_after {
            Some(asked) if asked > self.max_retry_after => None,
            Some(asked) => Some(asked.max(backoff)),
            None => Some(backoff),
        }
    }

    /// Whether a failed attempt may be retried, before the attempt count and the
    /// deadline are considered. `idempotent` is the operation's `x-idempotent`.
    pub(crate) fn allows(&self, idempotent: bool, failure: Failure) -> bool {
        match failure {
            // Nothing reached the server: safe for every operation.
            Failure::Connect => true,
            Failure::Transport | Failure::Status(502..=504) => {
                idempotent || self.retry_non_idempotent
            }
            // The gateway's rate limit: try again later, where that is safe.
            Failure::Status(429) => idempotent || self.retry_non_idempotent,
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

/// Statuses that say "try again later": the gateway could not reach MySafe, or
/// the caller went over the gateway's rate limit.
pub(crate) fn is_retryable_status(status: u16) -> bool {
    matches!(status, 429 | 502..=504)
}

/// How long `Retry-After` asks to wait: delay-seconds or an HTTP date (RFC 9110),
/// measured from `now`. A date in the past is no wait; anything else is ignored.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// `from + by`, or a day later when the sum does not fit (a policy or a server that
/// says "forever" must not make the client panic).
pub(crate) fn later(from: Instant, by: Duration) -> Instant {
    from.checked_add(by)
        .unwrap_or_else(|| from + Duration::from_secs(86_400))
}

/// How the driver reads one attempt's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Final: a success, or an answer that no retry can change.
    Done,
    /// The server rejected a token that came from the cache: worth one refresh and
    /// one replay.
    Rejected,
    /// Might go better if tried again: a transport failure or a status that says so.
    Failed {
        failure: Failure,
        retry_after: Option<Duration>,
    },
}

/// One call's attempts, as [`drive`] runs them.
pub(crate) trait Attempts {
    /// What one attempt gives: an answer or a transport failure.
    type Result;

    /// Makes one attempt. With `keep`, a later attempt may follow, so the request
    /// must be kept for it.
    fn send(&mut self, keep: bool) -> impl Future<Output = Self::Result> + Send;

    /// Whether a request is kept for another attempt.
    fn can_follow(&self) -> bool;

    /// How the driver should read `result`.
    fn verdict(&self, result: &Self::Result) -> Verdict;

    /// The status of an answer, for the trace.
    fn status(result: &Self::Result) -> Option<u16>;

    /// After [`Verdict::Rejected`]: a fresh token for the replay.
    fn refresh(&mut self) -> impl Future<Output = Result<(), Error>> + Send;
}

/// What a call may do.
pub(crate) struct Plan<'a> {
    pub(crate) policy: &'a RetryPolicy,
    /// The operation's `x-idempotent`.
    pub(crate) idempotent: bool,
    /// Whether a rejected token can be refreshed and the call replayed once (the
    /// token came from the cache).
    pub(crate) replayable: bool,
    /// The HTTP client's own timeout for one attempt: an attempt needs the call's
    /// deadline as a timeout of its own only when the deadline is nearer.
    pub(crate) attempt_timeout: Duration,
    /// A jitter sample in `[0, 1)` per retry.
    pub(crate) jitter: fn() -> f64,
}

/// How a call ended.
pub(crate) enum End<R> {
    /// The result of the last attempt that counts: the last one, or the one before
    /// a retry that the deadline cut short.
    Last(R),
    /// No attempt's result to report: the deadline ran out before the first one
    /// answered, or the refresh after a rejected token failed.
    Failed(Error),
}

/// A call's end and the attempts it took.
pub(crate) struct Driven<R> {
    pub(crate) end: End<R>,
    pub(crate) attempts: u32,
}

/// Runs a call's attempts under `plan`.
pub(crate) async fn drive<A: Attempts>(plan: &Plan<'_>, call: &mut A) -> Driven<A::Result> {
    let policy = plan.policy;
    let deadline = later(Instant::now(), policy.deadline);
    let mut attempts: u32 = 0;
    let mut retries: u32 = 0;
    let mut replayed = false;
    // The failed attempt a retry follows: when the deadline runs out before the
    // retry has an answer, the server's last real answer says more to the caller
    // than "the deadline ran out" (and cannot depend on how loaded the machine is).
    let mut previous: Option<A::Result> = None;
    let cut_short = |previous: Option<A::Result>, attempts: u32| Driven {
        end: previous.map_or_else(
            || {
                End::Failed(Error::Timeout {
                    message: format!("the call's deadline of {:?} ran out", policy.deadline),
                    source: None,
                })
            },
            End::Last,
        ),
        attempts,
    };
    loop {
        let sent = Instant::now();
        let remaining = deadline.saturating_duration_since(sent);
        if remaining.is_zero() {
            return cut_short(previous, attempts);
        }
        attempts += 1;
        let keep = attempts < policy.max_attempts || plan.replayable && !replayed;
        let result = if remaining < plan.attempt_timeout {
            match tokio::time::timeout_at(deadline, call.send(keep)).await {
                Ok(result) => result,
                Err(_) => {
                    tracing::debug!(attempt = attempts, "the deadline cut the attempt short");
                    return cut_short(previous, attempts);
                }
            }
        } else {
            call.send(keep).await
        };
        let verdict = call.verdict(&result);
        tracing::debug!(
            attempt = attempts,
            status = A::status(&result),
            ?verdict,
            elapsed_ms = sent.elapsed().as_millis() as u64,
            "attempt"
        );
        match verdict {
            Verdict::Done => {}
            Verdict::Rejected if plan.replayable && !replayed && call.can_follow() => {
                // The cached token expired early or was revoked: one refresh, one
                // replay. Concurrent callers share the refresh.
                tracing::debug!(attempt = attempts, "token rejected; refreshing once");
                replayed = true;
                previous = None;
                if let Err(error) = call.refresh().await {
                    return Driven {
                        end: End::Failed(error),
                        attempts,
                    };
                }
                continue;
            }
            Verdict::Rejected => {}
            Verdict::Failed {
                failure,
                retry_after,
            } => {
                if attempts < policy.max_attempts
                    && call.can_follow()
                    && policy.allows(plan.idempotent, failure)
                    && let Some(wait) = policy.wait(retries + 1, retry_after, (plan.jitter)())
                    && later(Instant::now(), wait) < deadline
                {
                    retries += 1;
                    tracing::info!(
                        attempt = attempts,
                        ?failure,
                        wait_ms = wait.as_millis() as u64,
                        "retrying"
                    );
                    tokio::time::sleep(wait).await;
                    previous = Some(result);
                    continue;
                }
            }
        }
        return Driven {
            end: End::Last(result),
            attempts,
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::VecDeque;

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
    fn retry_after_is_waited_within_the_cap() {
        let policy = RetryPolicy::default();
        let second = Duration::from_secs(1);
        assert_eq!(policy.wait(1, Some(second * 3), 0.0), Some(second * 3));
        // Never shorter than the backoff.
        assert_eq!(
            policy.wait(1, Some(Duration::ZERO), 1.0),
            Some(policy.backoff(1, 1.0))
        );
        assert_eq!(
            policy.wait(1, Some(policy.max_retry_after), 0.0),
            Some(policy.max_retry_after)
        );
        assert_eq!(
            policy.wait(1, Some(policy.max_retry_after + second), 0.0),
            None
        );
        assert_eq!(policy.wait(2, None, 0.0), Some(policy.backoff(2, 0.0)));
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_777); // Sun, 06 Nov 1994 08:49:37 GMT
        let header = |value: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(RETRY_AFTER, value.parse().unwrap());
            retry_after(&headers, now)
        };
        assert_eq!(header("120"), Some(Duration::from_secs(120)));
        assert_eq!(header(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            header("Sun, 06 Nov 1994 08:50:07 GMT"),
            Some(Duration::from_secs(30))
        );
        assert_eq!(
            header("Sun, 06 Nov 1994 08:00:00 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(header("soon"), None);
        assert_eq!(header("-5"), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn only_idempotent_operations_retry_ambiguous_failures() {
        let policy = RetryPolicy::default();
        for failure in [
            Failure::Transport,
            Failure::Status(502),
            Failure::Status(503),
            Failure::Status(504),
            Failure::Status(429),
        ] {
            assert!(policy.allows(true, failure), "{failure:?}");
            assert!(!policy.allows(false, failure), "{failure:?}");
        }
        // A refused connection never carried the request.
        assert!(policy.allows(false, Failure::Connect));
        let opted_in = RetryPolicy {
            retry_non_idempotent: true,
            ..RetryPolicy::default()
        };
        assert!(opted_in.allows(false, Failure::Transport));
        assert!(opted_in.allows(false, Failure::Status(502)));
    }

    #[test]
    fn answers_other_than_gateway_failures_never_retry() {
        let policy = RetryPolicy::default();
        for status in [400, 401, 403, 404, 500, 501, 505] {
            assert!(!policy.allows(true, Failure::Status(status)));
            assert!(!is_retryable_status(status));
        }
    }

    #[test]
    fn huge_durations_do_not_overflow() {
        let now = Instant::now();
        assert!(later(now, Duration::MAX) > now);
        assert_eq!(
            later(now, Duration::from_secs(1)),
            now + Duration::from_secs(1)
        );
    }

    /// A scripted call: each attempt takes its latency on the (paused) clock and
    /// gives its status, or a transport failure (`0`), or a connection refused
    /// (`1`).
    struct Script {
        steps: VecDeque<(Duration, u16, Option<Duration>)>,
        /// When each attempt started, relative to the first.
        started: Vec<Duration>,
        origin: Instant,
        kept: bool,
        refreshes: u32,
        refresh_fails: bool,
        /// Whether the token came from the cache for the current attempt.
        cached_token: bool,
    }

    impl Script {
        fn new(steps: &[(u64, u16)]) -> Self {
            Self {
                steps: steps
                    .iter()
                    .map(|(ms, status)| (Duration::from_millis(*ms), *status, None))
                    .collect(),
                started: Vec::new(),
                origin: Instant::now(),
                kept: true,
                refreshes: 0,
                refresh_fails: false,
                cached_token: true,
            }
        }
    }

    impl Attempts for Script {
        type Result = (u16, Option<Duration>);

        async fn send(&mut self, keep: bool) -> Self::Result {
            self.started.push(Instant::now() - self.origin);
            self.kept = keep;
            let (latency, status, retry_after) =
                self.steps.pop_front().expect("a scripted attempt");
            tokio::time::sleep(latency).await;
            (status, retry_after)
        }

        fn can_follow(&self) -> bool {
            self.kept
        }

        fn verdict(&self, (status, retry_after): &Self::Result) -> Verdict {
            match *status {
                0 => Verdict::Failed {
                    failure: Failure::Transport,
                    retry_after: None,
                },
                1 => Verdict::Failed {
                    failure: Failure::Connect,
                    retry_after: None,
                },
                401 if self.cached_token => Verdict::Rejected,
                status if is_retryable_status(status) => Verdict::Failed {
                    failure: Failure::Status(status),
                    retry_after: *retry_after,
                },
                _ => Verdict::Done,
            }
        }

        fn status((status, _): &Self::Result) -> Option<u16> {
            (*status > 1).then_some(*status)
        }

        async fn refresh(&mut self) -> Result<(), Error> {
            self.refreshes += 1;
            self.cached_token = false;
            tokio::time::sleep(Duration::from_millis(30)).await;
            if self.refresh_fails {
                Err(Error::Config("login failed".into()))
            } else {
                Ok(())
            }
        }
    }

    fn plan(policy: &RetryPolicy, idempotent: bool) -> Plan<'_> {
        Plan {
            policy,
            idempotent,
            replayable: true,
            attempt_timeout: Duration::from_secs(30),
            jitter: || 0.5,
        }
    }

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            ..RetryPolicy::default()
        }
    }

    fn last(driven: Driven<(u16, Option<Duration>)>) -> u16 {
        match driven.end {
            End::Last((status, _)) => status,
            End::Failed(error) => panic!("{error}"),
        }
    }

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    #[tokio::test(start_paused = true)]
    async fn backoff_sequence_between_attempts() {
        let policy = policy();
        let mut call = Script::new(&[(10, 502), (10, 503), (10, 0), (10, 200)]);
        let no_replay = Plan {
            replayable: false,
            ..plan(&policy, true)
        };
        let driven = drive(&no_replay, &mut call).await;
        assert_eq!(driven.attempts, 4);
        assert_eq!(last(driven), 200);
        // Equal jitter at 0.5: 75, 150, then 300 capped at 300 -> 225.
        assert_eq!(call.started, [ms(0), ms(85), ms(245), ms(480)]);
        assert!(!call.kept, "the last attempt keeps no copy");
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_stop_at_the_maximum_with_the_last_answer() {
        let policy = policy();
        let mut call = Script::new(&[(1, 504), (1, 504), (1, 504), (1, 504), (1, 200)]);
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert_eq!(driven.attempts, 4);
        assert_eq!(last(driven), 504);
    }

    #[tokio::test(start_paused = true)]
    async fn non_idempotent_calls_retry_only_a_refused_connection() {
        let policy = policy();
        let mut call = Script::new(&[(1, 502)]);
        assert_eq!(last(drive(&plan(&policy, false), &mut call).await), 502);
        let mut call = Script::new(&[(1, 1), (1, 201)]);
        let driven = drive(&plan(&policy, false), &mut call).await;
        assert_eq!((driven.attempts, last(driven)), (2, 201));
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_cuts_a_retry_short_and_the_previous_answer_is_reported() {
        let policy = RetryPolicy {
            deadline: ms(300),
            ..policy()
        };
        // The retry would answer after 3 s; the deadline ends it, and the 502
        // before it is what the caller gets.
        let mut call = Script::new(&[(10, 502), (3_000, 200)]);
        let started = Instant::now();
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert_eq!(started.elapsed(), ms(300));
        assert_eq!(driven.attempts, 2);
        assert_eq!(last(driven), 502);
    }

    #[tokio::test(start_paused = true)]
    async fn a_first_attempt_cut_by_the_deadline_is_a_timeout() {
        let policy = RetryPolicy {
            deadline: ms(300),
            ..policy()
        };
        let mut call = Script::new(&[(3_000, 200)]);
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert!(matches!(driven.end, End::Failed(Error::Timeout { .. })));
    }

    #[tokio::test(start_paused = true)]
    async fn no_retry_starts_when_its_wait_would_pass_the_deadline() {
        let policy = RetryPolicy {
            deadline: ms(100),
            ..policy()
        };
        // 90 ms, then a 75 ms wait would end past the deadline: stop with the 502.
        let mut call = Script::new(&[(90, 502), (1, 200)]);
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert_eq!((driven.attempts, last(driven)), (1, 502));
    }

    #[tokio::test(start_paused = true)]
    async fn one_refresh_and_replay_after_a_rejected_cached_token() {
        let policy = policy();
        let mut call = Script::new(&[(5, 401), (5, 200)]);
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert_eq!((driven.attempts, last(driven)), (2, 200));
        assert_eq!(call.refreshes, 1);
        // The replay follows the refresh (30 ms) without a backoff.
        assert_eq!(call.started, [ms(0), ms(35)]);

        // A fresh token rejected again is the answer: no second refresh.
        let mut call = Script::new(&[(5, 401), (5, 401), (5, 200)]);
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert_eq!((driven.attempts, last(driven)), (2, 401));
        assert_eq!(call.refreshes, 1);

        // Even a call with one attempt replays once.
        let never = RetryPolicy::never();
        let mut call = Script::new(&[(5, 401), (5, 200)]);
        let driven = drive(&plan(&never, true), &mut call).await;
        assert_eq!((driven.attempts, last(driven)), (2, 200));

        // A failed refresh is the call's error.
        let mut call = Script::new(&[(5, 401)]);
        call.refresh_fails = true;
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert!(matches!(driven.end, End::Failed(Error::Config(_))));

        // Without a cached token there is nothing to refresh.
        let mut call = Script::new(&[(5, 401)]);
        let not_replayable = Plan {
            replayable: false,
            ..plan(&policy, true)
        };
        assert_eq!(last(drive(&not_replayable, &mut call).await), 401);
        assert_eq!(call.refreshes, 0);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limits_wait_what_the_server_asks() {
        let policy = policy();
        let mut call = Script::new(&[(0, 429), (0, 200)]);
        call.steps[0].2 = Some(Duration::from_secs(5));
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert_eq!(last(driven), 200);
        assert_eq!(call.started, [ms(0), ms(5_000)]);

        // More than the policy allows: the 429 is the answer, at once.
        let mut call = Script::new(&[(0, 429), (0, 200)]);
        call.steps[0].2 = Some(policy.max_retry_after + Duration::from_secs(1));
        let started = Instant::now();
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert_eq!((driven.attempts, last(driven)), (1, 429));
        assert_eq!(started.elapsed(), Duration::ZERO);

        // More than the deadline leaves: the 429 is the answer.
        let short = RetryPolicy {
            deadline: Duration::from_secs(3),
            ..policy.clone()
        };
        let mut call = Script::new(&[(0, 429), (0, 200)]);
        call.steps[0].2 = Some(Duration::from_secs(5));
        assert_eq!(last(drive(&plan(&short, true), &mut call).await), 429);

        // A 503 with Retry-After waits it too; without, the backoff.
        let mut call = Script::new(&[(0, 503), (0, 503), (0, 200)]);
        call.steps[0].2 = Some(Duration::from_secs(2));
        drive(&plan(&policy, true), &mut call).await;
        assert_eq!(call.started, [ms(0), ms(2_000), ms(2_150)]);
    }

    #[tokio::test(start_paused = true)]
    async fn nothing_kept_means_nothing_retried() {
        /// A request that cannot be copied (a streamed body) is sent once.
        struct Unkept(Script);
        impl Attempts for Unkept {
            type Result = (u16, Option<Duration>);
            async fn send(&mut self, _keep: bool) -> Self::Result {
                self.0.send(false).await
            }
            fn can_follow(&self) -> bool {
                false
            }
            fn verdict(&self, result: &Self::Result) -> Verdict {
                self.0.verdict(result)
            }
            fn status(result: &Self::Result) -> Option<u16> {
                Script::status(result)
            }
            async fn refresh(&mut self) -> Result<(), Error> {
                self.0.refresh().await
            }
        }
        let policy = policy();
        let mut call = Unkept(Script::new(&[(1, 502), (1, 200)]));
        let driven = drive(&plan(&policy, true), &mut call).await;
        assert_eq!((driven.attempts, last(driven)), (1, 502));
    }
}

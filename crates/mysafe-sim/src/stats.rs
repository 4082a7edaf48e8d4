//! What the simulator has seen, so tests can count attempts.

use std::collections::BTreeMap;

/// Requests received since the start or the last [`Sim::reset_stats`](crate::Sim::reset_stats).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Token requests (`POST /api/oauth2/token` or `/iso/oauth2/token`), failed ones
    /// included.
    pub token_requests: u64,
    /// Every request, whether it was answered, faulted or routed nowhere.
    pub requests: u64,
    /// Requests per operation, keyed by the spec's `operationId`; requests that
    /// match no route are only in `requests`.
    pub by_operation: BTreeMap<String, u64>,
    /// Routed requests per route prefix (`"/api"`, `"/iso"`), so a test can tell
    /// which prefix a client used; requests that match no route are only in
    /// `requests`.
    pub by_prefix: BTreeMap<String, u64>,
}

impl Stats {
    /// Counts one request, with its route prefix and `operationId` when it matched
    /// a route, and returns its 1-based number.
    pub(crate) fn record(&mut self, routed: Option<(&'static str, &'static str)>) -> u64 {
        self.requests += 1;
        if let Some((prefix, op)) = routed {
            *self.by_prefix.entry(prefix.to_owned()).or_default() += 1;
            *self.by_operation.entry(op.to_owned()).or_default() += 1;
            if op == "get_token" {
                self.token_requests += 1;
            }
        }
        self.requests
    }
}

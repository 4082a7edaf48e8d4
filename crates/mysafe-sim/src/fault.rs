//! Fault injection: which request gets which failure.

use std::collections::VecDeque;
use std::time::Duration;

/// A failure to inflict on the next requests that match `target`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    /// Which requests it hits.
    pub target: Target,
    /// What happens to them.
    pub kind: FaultKind,
    /// How many requests it hits before it is used up.
    pub times: u32,
}

impl Fault {
    /// A fault that hits the next matching request only.
    pub fn once(target: Target, kind: FaultKind) -> Self {
        Self {
            target,
            kind,
            times: 1,
        }
    }
}

/// The requests a [`Fault`] applies to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// Every request, the token request and unknown routes included.
    Any,
    /// Requests for one operation, named by the spec's `operationId`
    /// (e.g. `"disable_password"`, `"get_token"`).
    Operation(String),
    /// The request with this 1-based number, counted since the simulator started or
    /// since the last [`Sim::reset_stats`](crate::Sim::reset_stats); with `times > 1`
    /// also the requests right after it.
    NthRequest(u64),
}

/// What a fault does to a request it hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Waits this long, then answers normally.
    Latency(Duration),
    /// Kong's 502: `{"message":"An invalid response was received from the upstream server","request_id":"..."}`.
    ///
    /// Like Kong, the three gateway errors (and the 404 for unknown routes) come as
    /// an HTML page instead when the request's `Accept` ranks `text/html` first.
    KongBadGateway,
    /// Kong's 504: `{"message":"The upstream server is timing out","request_id":"..."}`.
    KongGatewayTimeout,
    /// Kong's 503: `{"message":"failure to get a peer from the ring-balancer","request_id":"..."}`.
    KongServiceUnavailable,
    /// A 502 with an HTML page, as Kong answers a client whose `Accept` prefers HTML.
    HtmlBadGateway,
    /// Closes the connection without an answer.
    DropConnection,
    /// Runs the operation (its effects happen), then sends the answer's status and a
    /// `Content-Length` for the whole body but only half of the bytes, and closes the
    /// connection.
    TruncatedBody,
    /// Answers exactly this, whatever the request.
    Status {
        /// The HTTP status; one outside 100..=999 is sent as 500.
        status: u16,
        /// The `Content-Type` header.
        content_type: String,
        /// The body, sent as is.
        body: String,
    },
}

/// Injected faults, in the order of injection.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    faults: VecDeque<Fault>,
}

impl FaultQueue {
    pub fn push(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.faults.push_back(fault);
        }
    }

    pub fn clear(&mut self) {
        self.faults.clear();
    }

    /// The fault for request number `nth` of `operation` (`None` for an unknown
    /// route): the first injected one that matches, used up by one.
    pub fn take(&mut self, nth: u64, operation: Option<&str>) -> Option<FaultKind> {
        let index = self.faults.iter().position(|fault| match &fault.target {
            Target::Any => true,
            Target::Operation(id) => operation == Some(id.as_str()),
            Target::NthRequest(n) => nth >= *n,
        })?;
        let fault = &mut self.faults[index];
        let kind = fault.kind.clone();
        fault.times -= 1;
        if fault.times == 0 {
            self.faults.remove(index);
        }
        Some(kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(queue: &mut FaultQueue, requests: &[(u64, Option<&str>)]) -> Vec<Option<String>> {
        requests
            .iter()
            .map(|(n, op)| queue.take(*n, *op).map(|k| format!("{k:?}")))
            .collect()
    }

    #[test]
    fn operation_target_hits_only_its_operation_and_times_counts_down() {
        let mut queue = FaultQueue::default();
        queue.push(Fault {
            target: Target::Operation("get_note".into()),
            kind: FaultKind::KongBadGateway,
            times: 2,
        });
        let got = kinds(
            &mut queue,
            &[
                (1, Some("get_token")),
                (2, Some("get_note")),
                (3, None),
                (4, Some("get_note")),
                (5, Some("get_note")),
            ],
        );
        let hit = Some("KongBadGateway".to_owned());
        assert_eq!(got, vec![None, hit.clone(), None, hit, None]);
    }

    #[test]
    fn nth_request_waits_for_its_number_then_hits_consecutive_requests() {
        let mut queue = FaultQueue::default();
        queue.push(Fault {
            target: Target::NthRequest(3),
            kind: FaultKind::DropConnection,
            times: 2,
        });
        let got = kinds(
            &mut queue,
            &[(1, None), (2, None), (3, None), (4, None), (5, None)],
        );
        let hit = Some("DropConnection".to_owned());
        assert_eq!(got, vec![None, None, hit.clone(), hit, None]);
    }

    #[test]
    fn faults_are_consumed_in_order_of_injection() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::once(Target::Any, FaultKind::KongGatewayTimeout));
        queue.push(Fault::once(Target::Any, FaultKind::HtmlBadGateway));
        queue.push(Fault {
            target: Target::Any,
            kind: FaultKind::DropConnection,
            times: 0,
        });
        let got = kinds(&mut queue, &[(1, None), (2, Some("list_notes")), (3, None)]);
        assert_eq!(
            got,
            vec![
                Some("KongGatewayTimeout".into()),
                Some("HtmlBadGateway".into()),
                None
            ]
        );
    }

    #[test]
    fn clear_removes_pending_faults() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::once(Target::Any, FaultKind::KongGatewayTimeout));
        queue.clear();
        assert!(queue.take(1, None).is_none());
    }
}

//! The Kong gateway's own answers: no route, bad gateway, timeouts, bad or oversized requests.

use hyper::StatusCode;
use hyper::header::{ACCEPT, HeaderMap};
use mysafe_client::types::ErrorBody;

use crate::answer::Answer;

/// An error that Kong answers itself, without reaching MySafe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KongError {
    NoRoute,
    BadRequest,
    BadGateway,
    ServiceUnavailable,
    GatewayTimeout,
    TooLarge,
}

impl KongError {
    fn status(self) -> StatusCode {
        match self {
            Self::NoRoute => StatusCode::NOT_FOUND,
            Self::BadRequest => StatusCode::BAD_REQUEST,
            Self::BadGateway => StatusCode::BAD_GATEWAY,
            Self::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            Self::GatewayTimeout => StatusCode::GATEWAY_TIMEOUT,
            Self::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::NoRoute => "no Route matched with those values",
            Self::BadRequest => "Bad request",
            Self::BadGateway => "An invalid response was received from the upstream server",
            Self::ServiceUnavailable => "failure to get a peer from the ring-balancer",
            Self::GatewayTimeout => "The upstream server is timing out",
            Self::TooLarge => "Request size limit exceeded",
        }
    }

    /// `{"message", "request_id"}` (Kong 3.5 and later), or Kong's HTML page for a
    /// client that prefers HTML. Every answer gets a fresh request id.
    pub fn answer(self, html: bool) -> Answer {
        let request_id = crate::random::hex(16);
        if html {
            let page = format!(
                "<!doctype html>\n<html>\n  <head>\n    <meta charset=\"utf-8\">\n    <title>Error</title>\n  </head>\n  <body>\n    <h1>Error</h1>\n    <p>{}.</p>\n    <p>request_id: {request_id}</p>\n  </body>\n</html>\n",
                self.message()
            );
            return Answer {
                status: self.status(),
                content_type: "text/html; charset=utf-8".into(),
                body: page.into(),
            };
        }
        Answer::json(
            self.status(),
            &ErrorBody {
                message: Some(self.message().into()),
                request_id: Some(request_id),
                ..ErrorBody::default()
            },
        )
    }
}

/// Whether `Accept` ranks `text/html` above `application/json`, as Kong checks
/// before choosing the format of its own errors. Equal ranks go to the one listed
/// first; without either, the answer is JSON.
pub fn prefers_html(headers: &HeaderMap) -> bool {
    let mut best: Option<(f32, bool)> = None;
    for value in headers
        .get_all(ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
    {
        for range in value.split(',') {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
            let is_html = match media.as_str() {
                "text/html" => true,
                "application/json" => false,
                _ => continue,
            };
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if best.is_none_or(|(best_q, _)| q > best_q) {
                best = Some((q, is_html));
            }
        }
    }
    best.is_some_and(|(q, is_html)| is_html && q > 0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(ACCEPT, value.parse().unwrap());
        headers
    }

    #[test]
    fn html_only_when_accept_ranks_it_first() {
        assert!(!prefers_html(&HeaderMap::new()));
        assert!(!prefers_html(&accept("*/*")));
        assert!(!prefers_html(&accept("application/json")));
        assert!(prefers_html(&accept(
            "text/html,application/xhtml+xml,*/*;q=0.8"
        )));
        assert!(!prefers_html(&accept("application/json, text/html")));
        assert!(prefers_html(&accept("application/json;q=0.5, text/html")));
        assert!(!prefers_html(&accept("text/html;q=0")));
    }

    #[test]
    fn json_answers_carry_a_fresh_request_id() {
        let a: ErrorBody =
            serde_json::from_slice(&KongError::BadGateway.answer(false).body).unwrap();
        let b: ErrorBody =
            serde_json::from_slice(&KongError::BadGateway.answer(false).body).unwrap();
        assert_eq!(
            a.message.as_deref(),
            Some("An invalid response was received from the upstream server")
        );
        assert_eq!(a.request_id.as_ref().map(String::len), Some(32));
        assert_ne!(a.request_id, b.request_id);
    }

    #[test]
    fn html_answers_are_a_page_with_the_message() {
        let answer = KongError::GatewayTimeout.answer(true);
        assert_eq!(answer.status, StatusCode::GATEWAY_TIMEOUT);
        assert!(answer.content_type.starts_with("text/html"));
        let page = std::str::from_utf8(&answer.body).unwrap();
        assert!(page.starts_with("<!doctype html>"));
        assert!(page.contains("The upstream server is timing out"));
    }
}

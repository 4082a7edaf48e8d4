//! progenitor's request hooks: every generated call runs its request through
//! [`ClientHooks::exec`] here, which adds the bearer token, retries what is safe to
//! retry, replays once after a 401 on a cached token, and traces the call.
//!
//! `exec` can only hand back a `reqwest` response or a `reqwest` error. A failure
//! decided here (the token request failed, a status the spec does not document)
//! travels as a stand-in response with status [`CARRIER_STATUS`], which the generated
//! code reports as an unexpected response, with the [`Error`] in its extensions;
//! `error.rs` takes it out again. Every other answer goes on with its body tagged with
//! its status (`tag.rs`), so that a body that fails to decode still reports it.

use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, HeaderMap};
use reqwest::{Request, Response, ResponseBuilderExt, StatusCode};
use tracing::{Instrument, Span};

use crate::error::Carried;
use crate::retry::{Failure, is_retryable_status};
use crate::session::{Bearer, Session};
use crate::{Client, Error, types};

/// Status of the stand-in responses that carry an [`Error`]; no operation of the
/// spec documents it, so the generated code never tries to decode it.
pub(crate) const CARRIER_STATUS: u16 = 599;

/// The error statuses every operation of the spec documents with an `ErrorBody`;
/// the generated code decodes these and reports any other status bare.
const DOCUMENTED_ERRORS: [u16; 8] = [400, 401, 403, 404, 500, 502, 503, 504];

/// The most a `Content-Length` may reserve up front: the header comes from the
/// network, and a body larger than this still arrives, only with the buffer growing.
const MAX_PRESIZE: usize = 64 * 1024;

impl ClientHooks<Session> for Client {
    async fn exec(&self, request: Request, info: &OperationInfo) -> reqwest::Result<Response> {
        let span = tracing::info_span!(
            "mysafe",
            operation = info.operation_id,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        // Not boxed: the allocation and the copy into it cost more than moving the
        // larger inline future (counted with callgrind, see BENCHMARKS.md).
        run(self, request, info.operation_id, span.clone())
            .instrument(span)
            .await
    }
}

/// One attempt's result, with the body already read so that a body cut short is a
/// transport failure of the attempt (and can be retried) rather than of the decode.
// One value per attempt, on the stack of the attempt loop; boxing the answer would
// add an allocation per call for nothing.
#[allow(clippy::large_enum_variant)]
enum Attempt {
    Answer {
        status: StatusCode,
        headers: HeaderMap,
        extensions: http::Extensions,
        url: reqwest::Url,
        body: BytesMut,
    },
    Failed(reqwest::Error),
}

async fn run(
    client: &Client,
    request: Request,
    operation: &'static str,
    span: Span,
) -> reqwest::Result<Response> {
    let session = client.inner();
    let policy = &session.retry;
    let started = Instant::now();
    let deadline = later(started, policy.deadline);
    let tokens = &session.shared.tokens;
    // The request for the next attempt; `None` once no attempt can follow.
    let mut request = Some(request);

    let mut bearer: Option<Bearer> = None;
    if operation != "get_token" {
        match session.bearer(client).await {
            Ok(token) => {
                if let Some(request) = &mut request {
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, token.header.clone());
                }
                bearer = Some(token);
            }
            Err(error) => return Ok(finish(&span, carry(error), started, 0)),
        }
    }

    let mut attempts: u32 = 0;
    let mut retries: u32 = 0;
    let mut replayed = false;
    // The failed attempt a retry follows: when the deadline runs out before the
    // retry has an answer, the server's last real answer says more to the caller
    // than "the deadline ran out" (and cannot depend on how loaded the machine is).
    let mut previous: Option<Attempt> = None;
    loop {
        attempts += 1;
        let sent = Instant::now();
        let remaining = deadline.saturating_duration_since(sent);
        if remaining.is_zero() {
            if let Some(previous) = previous {
                return conclude(&span, previous, started, attempts - 1);
            }
            let error = Error::Timeout {
                message: format!(
                    "{operation}: the call's deadline of {:?} ran out",
                    policy.deadline
                ),
                source: None,
            };
            return Ok(finish(&span, carry(error), started, attempts - 1));
        }
        // The request itself is sent: reqwest adds the client's default headers to
        // it, and the map the generated code built has room for them, where a copy's
        // would grow. A copy is kept only when a retry or the one replay after a 401
        // could follow. Bodies here are always buffered (JSON or form), so a copy
        // exists; without one the request is sent once.
        let Some(mut this) = request.take() else {
            // Unreachable: the loop only goes round again with a request kept.
            return Ok(finish(
                &span,
                carry(Error::InvalidRequest(format!(
                    "{operation}: no request left to send"
                ))),
                started,
                attempts - 1,
            ));
        };
        let may_follow = attempts < policy.max_attempts
            || bearer.as_ref().is_some_and(|b| !b.fresh) && !replayed;
        if may_follow {
            request = copy(&this);
        }
        // The HTTP client already enforces its own timeout; a per-request one is
        // only needed when the call's deadline is nearer.
        let cut_by_deadline = remaining < session.shared.request_timeout;
        if cut_by_deadline {
            *this.timeout_mut() = Some(remaining);
        }

        let attempt = match client.client().execute(this).await {
            Ok(mut response) => {
                let status = response.status();
                // Moved, not copied: the answer is re-built around the same headers
                // and extensions (the connection's details).
                let headers = std::mem::take(response.headers_mut());
                let extensions = std::mem::take(response.extensions_mut());
                let url = response.url().clone();
                match read_body(&mut response).await {
                    Ok(body) => Attempt::Answer {
                        status,
                        headers,
                        extensions,
                        url,
                        body,
                    },
                    Err(error) => Attempt::Failed(error.with_url(url)),
                }
            }
            Err(error) => Attempt::Failed(error),
        };
        if let Attempt::Failed(error) = &attempt
            && error.is_timeout()
            && cut_by_deadline
            && let Some(previous) = previous.take()
        {
            tracing::debug!(
                attempt = attempts,
                "the deadline cut the retry short; reporting the previous answer"
            );
            return conclude(&span, previous, started, attempts);
        }

        let failure = match &attempt {
            Attempt::Answer { status, .. } => {
                tracing::debug!(
                    attempt = attempts,
                    status = status.as_u16(),
                    elapsed_ms = sent.elapsed().as_millis() as u64,
                    "answer"
                );
                if *status == StatusCode::UNAUTHORIZED
                    && let Some(used) = bearer.clone()
                {
                    // A rejected token is of no use to any caller (a fixed token is
                    // not in the cache, so this leaves the cache alone).
                    tokens.invalidate(&used);
                    if !used.fresh
                        && !replayed
                        && let Some(request) = &mut request
                    {
                        // The cached token expired early or was revoked: one
                        // refresh, one replay. Concurrent callers share the refresh.
                        tracing::debug!(attempt = attempts, "token rejected; refreshing once");
                        match tokens.bearer(client).await {
                            Ok(token) => {
                                request
                                    .headers_mut()
                                    .insert(AUTHORIZATION, token.header.clone());
                                bearer = Some(token);
                                replayed = true;
                                previous = None;
                                continue;
                            }
                            Err(error) => {
                                return Ok(finish(&span, carry(error), started, attempts));
                            }
                        }
                    }
                }
                is_retryable_status(status.as_u16()).then_some(Failure::Status(status.as_u16()))
            }
            Attempt::Failed(error) => {
                tracing::debug!(
                    attempt = attempts,
                    elapsed_ms = sent.elapsed().as_millis() as u64,
                    error = %error,
                    "transport failure"
                );
                Some(Failure::of_transport(error))
            }
        };

        if let Some(failure) = failure
            && attempts < policy.max_attempts
            && request.is_some()
            && policy.allows(operation, failure)
        {
            retries += 1;
            let wait = policy.backoff(retries, fastrand::f64());
            if later(Instant::now(), wait) < deadline {
                tracing::info!(
                    attempt = attempts,
                    ?failure,
                    wait_ms = wait.as_millis() as u64,
                    "retrying"
                );
                tokio::time::sleep(wait).await;
                previous = Some(attempt);
                continue;
            }
        }

        return conclude(&span, attempt, started, attempts);
    }
}

/// The call's result from its last attempt that counts.
fn conclude(
    span: &Span,
    attempt: Attempt,
    started: Instant,
    attempts: u32,
) -> reqwest::Result<Response> {
    match attempt {
        Attempt::Answer {
            status,
            headers,
            extensions,
            url,
            body,
        } => Ok(finish(
            span,
            checked(status, headers, extensions, url, body),
            started,
            attempts,
        )),
        Attempt::Failed(error) => {
            record(span, started, attempts, None);
            Err(error)
        }
    }
}

/// A copy of `request` for one attempt. reqwest's own `try_clone` also gives every
/// copy a map of per-request settings, two allocations per call even when there is
/// no setting to copy; the requests the generated code builds carry no setting but
/// the timeout, copied here when there is one. A request with a body is left to
/// `try_clone`, which shares the buffered body instead of copying it.
fn copy(request: &Request) -> Option<Request> {
    if request.body().is_some() {
        return request.try_clone();
    }
    let mut copy = Request::new(request.method().clone(), request.url().clone());
    *copy.headers_mut() = request.headers().clone();
    *copy.version_mut() = request.version();
    if let Some(timeout) = request.timeout() {
        *copy.timeout_mut() = Some(*timeout);
    }
    Some(copy)
}

/// The whole body, in a buffer with room for the status tag, so that tagging it
/// (see `tag.rs`) copies nothing.
async fn read_body(response: &mut Response) -> reqwest::Result<BytesMut> {
    let expected = response
        .content_length()
        .map_or(0, |length| usize::try_from(length).unwrap_or(MAX_PRESIZE))
        .min(MAX_PRESIZE);
    let mut body = BytesMut::with_capacity(expected + crate::tag::LEN);
    while let Some(chunk) = response.chunk().await? {
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The final answer as the generated code will decode it: the body tagged with its
/// status (see `tag.rs`), so that a body that fails to decode still reports it. An
/// error status the spec does not document is decided here, because the generated
/// code would hand it over without its body.
fn checked(
    status: StatusCode,
    headers: HeaderMap,
    extensions: http::Extensions,
    url: reqwest::Url,
    mut body: BytesMut,
) -> Response {
    let code = status.as_u16();
    if !status.is_success() && !DOCUMENTED_ERRORS.contains(&code) {
        return carry(match serde_json::from_slice::<types::ErrorBody>(&body) {
            Ok(answer) => Error::from_answer(code, &headers, &answer),
            Err(e) => Error::undecodable(Some(code), &body, crate::excerpt::describe(&e)),
        });
    }
    crate::tag::append(&mut body, code);
    // Giving the URL back keeps `Response::url` right and spares reqwest parsing a
    // placeholder URL for every answer. The extensions go in first, so that the URL
    // joins their map (already allocated for the connection's details, which
    // `Response::remote_addr` reads) instead of a new one.
    let mut builder = http::Response::builder().status(status);
    if let Some(slot) = builder.extensions_mut() {
        *slot = extensions;
    }
    if let Some(slot) = builder.headers_mut() {
        *slot = headers;
    }
    let builder = builder.url(url);
    match builder.body(reqwest::Body::from(body.freeze())) {
        Ok(response) => Response::from(response),
        // A status and headers that came from a response are always valid again.
        Err(e) => carry(Error::InvalidRequest(format!("rebuilding the answer: {e}"))),
    }
}

/// `from + by`, or a day later when the sum does not fit (a policy or a server that
/// says "forever" must not make the client panic).
pub(crate) fn later(from: Instant, by: Duration) -> Instant {
    from.checked_add(by)
        .unwrap_or_else(|| from + Duration::from_secs(86_400))
}

fn carry(error: Error) -> Response {
    let mut response = http::Response::new(reqwest::Body::from(Bytes::new()));
    *response.status_mut() =
        StatusCode::from_u16(CARRIER_STATUS).expect("599 is a valid status code");
    response.extensions_mut().insert(Carried(error));
    Response::from(response)
}

fn finish(span: &Span, response: Response, started: Instant, attempts: u32) -> Response {
    let status = match response.extensions().get::<Carried>() {
        Some(Carried(error)) => error.status(),
        None => Some(response.status().as_u16()),
    };
    record(span, started, attempts, status);
    response
}

/// The call's outcome in its span; the clock is only read when a subscriber
/// listens.
fn record(span: &Span, started: Instant, attempts: u32, status: Option<u16>) {
    if !span.is_disabled() {
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Some(status) = status {
            span.record("status", status);
        }
    }
    tracing::debug!("finished");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn test_url() -> reqwest::Url {
        reqwest::Url::parse("http://127.0.0.1:1/api/mysafe/note").unwrap()
    }

    async fn decode_as<T: serde::de::DeserializeOwned + std::fmt::Debug>(
        response: Response,
    ) -> Error {
        let status = response.status();
        if let Some(Carried(error)) = response.extensions().get::<Carried>() {
            return error.clone();
        }
        let body = response.bytes().await.unwrap();
        assert!(status.as_u16() != CARRIER_STATUS);
        let error = serde_json::from_slice::<T>(&body).unwrap_err();
        Error::from(
            progenitor_client::Error::<types::ErrorBody>::InvalidResponsePayload(body, error),
        )
    }

    #[tokio::test]
    async fn bad_bodies_keep_their_status() {
        let html = BytesMut::from(&b"<html><body>Oops</body></html>"[..]);
        let error = decode_as::<types::StatusResponse>(checked(
            StatusCode::OK,
            HeaderMap::new(),
            http::Extensions::new(),
            test_url(),
            html.clone(),
        ))
        .await;
        assert!(
            matches!(&error, Error::Undecodable { status: Some(200), excerpt, .. } if excerpt == "<html><body>Oops</body></html>"),
            "{error:?}"
        );
        let error = decode_as::<types::ErrorBody>(checked(
            StatusCode::BAD_GATEWAY,
            HeaderMap::new(),
            http::Extensions::new(),
            test_url(),
            html,
        ))
        .await;
        assert!(
            matches!(error, Error::Gateway { status: 502, .. }),
            "{error:?}"
        );
        let wrong = BytesMut::from(&br#"{"response":{"status":"two hundred"}}"#[..]);
        let error = decode_as::<types::StatusResponse>(checked(
            StatusCode::OK,
            HeaderMap::new(),
            http::Extensions::new(),
            test_url(),
            wrong,
        ))
        .await;
        assert_eq!(error.status(), Some(200), "{error:?}");
        let empty = BytesMut::new();
        let error = decode_as::<types::StatusResponse>(checked(
            StatusCode::CREATED,
            HeaderMap::new(),
            http::Extensions::new(),
            test_url(),
            empty,
        ))
        .await;
        assert!(
            matches!(&error, Error::Undecodable { status: Some(201), excerpt, .. } if excerpt == "<empty body>"),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn answers_keep_their_extensions_and_url() {
        // What the connection pool records about the connection, for instance.
        #[derive(Clone, Debug, PartialEq)]
        struct Detail(u32);
        let mut extensions = http::Extensions::new();
        extensions.insert(Detail(7));
        let body = BytesMut::from(&br#"{"response":{"status":200}}"#[..]);
        let response = checked(
            StatusCode::OK,
            HeaderMap::new(),
            extensions,
            test_url(),
            body,
        );
        assert_eq!(response.extensions().get::<Detail>(), Some(&Detail(7)));
        assert_eq!(response.url(), &test_url());
        let body = response.bytes().await.unwrap();
        assert_eq!(crate::tag::untag(&body).0, Some(200));
    }

    #[test]
    fn copies_keep_what_the_request_carries() {
        let mut request = Request::new(reqwest::Method::POST, test_url());
        request.headers_mut().insert(
            AUTHORIZATION,
            reqwest::header::HeaderValue::from_static("Bearer t"),
        );
        request.headers_mut().append(
            "api-version",
            reqwest::header::HeaderValue::from_static("3.33"),
        );
        *request.version_mut() = reqwest::Version::HTTP_2;
        let copied = copy(&request).unwrap();
        assert_eq!(copied.method(), request.method());
        assert_eq!(copied.url(), request.url());
        assert_eq!(copied.headers(), request.headers());
        assert_eq!(copied.version(), reqwest::Version::HTTP_2);
        assert_eq!(copied.timeout(), None);

        *request.timeout_mut() = Some(Duration::from_secs(3));
        *request.body_mut() = Some(reqwest::Body::from(r#"{"name":"n"}"#));
        let copied = copy(&request).unwrap();
        assert_eq!(copied.timeout(), Some(&Duration::from_secs(3)));
        assert_eq!(
            copied.body().and_then(reqwest::Body::as_bytes),
            Some(&br#"{"name":"n"}"#[..])
        );
        assert_eq!(copied.headers(), request.headers());
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

    #[tokio::test]
    async fn undocumented_statuses_are_decided_here() {
        let limited = BytesMut::from(&br#"{"message":"API rate limit exceeded"}"#[..]);
        let error = decode_as::<types::ErrorBody>(checked(
            StatusCode::TOO_MANY_REQUESTS,
            HeaderMap::new(),
            http::Extensions::new(),
            test_url(),
            limited,
        ))
        .await;
        assert_eq!(error.to_string(), "HTTP 429: API rate limit exceeded");
    }

    #[tokio::test]
    async fn good_bodies_decode_unchanged() {
        let fine = BytesMut::from(&br#"{"response":{"status":200,"message":"ok"}}"#[..]);
        let response = checked(
            StatusCode::OK,
            HeaderMap::new(),
            http::Extensions::new(),
            test_url(),
            fine,
        );
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.url(), &test_url());
        let body = response.bytes().await.unwrap();
        let answer: types::StatusResponse = serde_json::from_slice(&body).unwrap();
        assert_eq!(answer.response.message.as_deref(), Some("ok"));
    }
}

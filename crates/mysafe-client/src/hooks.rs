//! progenitor's request hooks: every generated call runs its request through
//! [`ClientHooks::exec`] here, which adds the bearer token, runs the attempts
//! ([`retry::drive`]: retries, deadline, one replay after a 401 on a cached token),
//! decides every answer that is not a documented success, and traces the call.
//!
//! What each operation allows comes from the spec's generated facts
//! ([`crate::spec`]): whether it needs a bearer, whether it is idempotent, which
//! statuses it documents. How answers travel back through the generated code is
//! `answer.rs`.

use std::future::Future;
use std::pin::Pin;
use std::time::SystemTime;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo, ResponseValue};
use reqwest::header::AUTHORIZATION;
use reqwest::{Request, Response};
use tracing::{Instrument, Span};

use crate::answer::{self, Answer, BodyError, SentBody};
use crate::retry::{self, Attempts, End, Failure, Plan, Verdict, is_retryable_status};
use crate::session::{Bearer, Session};
use crate::spec::{self, Operation};
use crate::{Client, Error, types};

impl ClientHooks<Session> for Client {
    // A plain `fn` returning the call's future rather than an `async fn`: the
    // future is the call's own, instrumented, with no layer around it (an `async
    // fn` would also keep a second copy of the request it was given). Counted with
    // callgrind, see BENCHMARKS.md.
    #[allow(clippy::manual_async_fn)]
    fn exec(
        &self,
        request: Request,
        info: &OperationInfo,
    ) -> impl Future<Output = reqwest::Result<Response>> {
        let span = tracing::info_span!(
            "mysafe",
            operation = info.operation_id,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        let operation = info.operation_id;
        call(
            self,
            request,
            operation,
            spec::operation(operation),
            span.clone(),
        )
        .instrument(span)
    }
}

/// One call: the bearer, the attempts, the answer the generated code gets. Every
/// failure is an [`Error`] carried in a stand-in response, so the generated code
/// never sees a `reqwest` error or an error answer.
// Not an `async fn`: see the block below.
#[allow(clippy::manual_async_fn)]
fn call<'a>(
    client: &'a Client,
    mut request: Request,
    operation: &'static str,
    facts: Option<&'static Operation>,
    span: Span,
) -> impl Future<Output = reqwest::Result<Response>> + Send + 'a {
    // An `async move` block uses what it captures in place, where an `async fn`
    // would copy each argument into its state a second time.
    async move {
        // The clock is only read when a subscriber listens.
        let started = (!span.is_disabled()).then(std::time::Instant::now);
        let session = client.inner();
        if let Some(route) = &session.shared.route {
            route.apply(request.url_mut());
        }
        let sent = SentBody::of(&request);
        // An operation the table does not know (none, as the table and the client
        // are generated from one spec) gets the safe reading: a bearer, no retry.
        let mut bearer = None;
        if facts.is_none_or(|op| op.bearer) {
            match session.bearer(|| login(client)).await {
                Ok(token) => {
                    request
                        .headers_mut()
                        .insert(AUTHORIZATION, token.header.clone());
                    bearer = Some(token);
                }
                Err(error) => return Ok(finish(&span, started, 0, answer::carry(error))),
            }
        }
        let plan = Plan {
            policy: &session.retry,
            idempotent: facts.is_some_and(|op| op.idempotent),
            replayable: bearer.as_ref().is_some_and(|b| !b.fresh),
            attempt_timeout: session.shared.request_timeout,
            jitter: fastrand::f64,
        };
        let mut attempts = HttpAttempts {
            client,
            next: Some(request),
            bearer,
        };
        let driven = retry::drive(&plan, &mut attempts).await;
        let response = match driven.end {
            End::Failed(error) => answer::carry(error),
            End::Last(Attempted::Answer(answer)) => {
                conclude(client, operation, facts, answer, sent)
            }
            End::Last(Attempted::Failed(error)) => {
                let redactor = answer::redactor(client, sent.as_ref());
                answer::carry(Error::from_transport(error, &redactor))
            }
            End::Last(Attempted::TooLarge { status, limit }) => {
                answer::carry(Error::TooLarge { status, limit })
            }
            End::Last(Attempted::Unsent) => answer::carry(Error::InvalidRequest(format!(
                "{operation}: no request left to send"
            ))),
        };
        Ok(finish(&span, started, driven.attempts, response))
    }
}

/// The token request, through the same hooks. Boxed: the call that needs a token
/// runs through these hooks too, so its future would otherwise contain itself.
fn login(
    client: &Client,
) -> Pin<Box<dyn Future<Output = Result<types::TokenResponse, Error>> + Send + '_>> {
    Box::pin(async move {
        let credentials = &client.inner().shared.credentials;
        client
            .get_token()
            .body(types::TokenRequest {
                grant_type: types::GrantType::ClientCredentials,
                client_id: credentials.client_id.clone(),
                client_secret: credentials.client_secret.clone(),
                tenant: credentials.tenant.clone(),
            })
            .send()
            .await
            .map(ResponseValue::into_inner)
    })
}

/// One attempt's result, with the body already read so that a body cut short is a
/// transport failure of the attempt (and can be retried) rather than of the decode.
// One value per attempt, on the stack of the attempt loop; boxing the answer would
// add an allocation per call for nothing.
#[allow(clippy::large_enum_variant)]
enum Attempted {
    Answer(Answer),
    Failed(reqwest::Error),
    /// The answer's body is over the client's limit.
    TooLarge {
        status: u16,
        limit: u64,
    },
    /// No request was left to send (one whose body cannot be copied is sent once;
    /// the driver does not ask for another).
    Unsent,
}

/// A call's attempts over HTTP.
struct HttpAttempts<'a> {
    client: &'a Client,
    /// The request for the next attempt; `None` once none can follow.
    next: Option<Request>,
    /// The token the requests carry.
    bearer: Option<Bearer>,
}

impl Attempts for HttpAttempts<'_> {
    type Result = Attempted;

    async fn send(&mut self, keep: bool) -> Attempted {
        // The request itself is sent: reqwest adds the client's default headers to
        // it, and the map the generated code built has room for them, where a copy's
        // would grow. A copy (with the request's extensions) is kept only when a
        // retry or the one replay after a 401 could follow. Bodies here are always
        // buffered (JSON or form), so a copy exists.
        let Some(request) = self.next.take() else {
            return Attempted::Unsent;
        };
        if keep {
            self.next = request.try_clone();
        }
        match self.client.client().execute(request).await {
            Ok(mut response) => {
                let status = response.status();
                // Moved, not copied: the answer is re-built around the same headers
                // and extensions (the connection's details).
                let headers = std::mem::take(response.headers_mut());
                let extensions = std::mem::take(response.extensions_mut());
                let url = response.url().clone();
                let limit = self.client.inner().shared.max_response_size;
                match answer::read_body(&mut response, limit).await {
                    Ok(body) => {
                        if status == reqwest::StatusCode::UNAUTHORIZED
                            && let Some(used) = &self.bearer
                        {
                            // A rejected token is of no use to any caller (a fixed
                            // token is not in the cache, so this leaves it alone).
                            self.client.inner().shared.tokens.invalidate(used);
                        }
                        Attempted::Answer(Answer {
                            status,
                            headers,
                            extensions,
                            url,
                            body,
                        })
                    }
                    Err(BodyError::Transport(error)) => Attempted::Failed(error.with_url(url)),
                    // Dropped unread: the connection closes instead of carrying
                    // the rest.
                    Err(BodyError::TooLarge) => Attempted::TooLarge {
                        status: status.as_u16(),
                        limit,
                    },
                }
            }
            Err(error) => {
                tracing::debug!(
                    error = %crate::excerpt::Redactor::default().text(&error.to_string()),
                    "transport failure"
                );
                Attempted::Failed(error)
            }
        }
    }

    fn can_follow(&self) -> bool {
        self.next.is_some()
    }

    fn verdict(&self, result: &Attempted) -> Verdict {
        match result {
            Attempted::Failed(error) => Verdict::Failed {
                failure: Failure::of_transport(error),
                retry_after: None,
            },
            Attempted::Unsent | Attempted::TooLarge { .. } => Verdict::Done,
            Attempted::Answer(answer) => {
                let status = answer.status.as_u16();
                if status == 401 && self.bearer.as_ref().is_some_and(|b| !b.fresh) {
                    Verdict::Rejected
                } else if is_retryable_status(status) {
                    Verdict::Failed {
                        failure: Failure::Status(status),
                        retry_after: retry::retry_after(&answer.headers, SystemTime::now()),
                    }
                } else {
                    Verdict::Done
                }
            }
        }
    }

    fn status(result: &Attempted) -> Option<u16> {
        match result {
            Attempted::Answer(answer) => Some(answer.status.as_u16()),
            Attempted::TooLarge { status, .. } => Some(*status),
            _ => None,
        }
    }

    async fn refresh(&mut self) -> Result<(), Error> {
        let client = self.client;
        let token = client.inner().bearer(|| login(client)).await?;
        if let Some(next) = &mut self.next {
            next.headers_mut()
                .insert(AUTHORIZATION, token.header.clone());
        }
        self.bearer = Some(token);
        Ok(())
    }
}

/// The response the generated code gets for the call's last answer: a documented
/// success re-built for its decode, anything else the [`Error`] it means.
fn conclude(
    client: &Client,
    operation: &str,
    facts: Option<&Operation>,
    answer: Answer,
    sent: Option<SentBody>,
) -> Response {
    let status = answer.status.as_u16();
    let documented =
        |statuses: fn(&Operation) -> &[u16]| facts.is_none_or(|op| statuses(op).contains(&status));
    if answer.status.is_success() && documented(|op| op.success) {
        return answer::rebuild(answer, sent);
    }
    if !documented(|op| op.errors) {
        // The spec may be missing something: say so where maintainers look.
        tracing::warn!(
            status,
            operation,
            "a status the spec does not document for this operation"
        );
    }
    let redactor = answer::redactor(client, sent.as_ref());
    let error = if answer.status.is_redirection() {
        Error::redirected(status, &answer.headers, &answer.url, &redactor)
    } else if answer.status.is_success() {
        Error::Status {
            status,
            message: format!(
                "{}, a success the spec does not document for {operation}",
                crate::error::describe_status(status)
            ),
        }
    } else {
        match serde_json::from_slice::<types::ErrorBody>(&answer.body) {
            Ok(body) => Error::from_answer(status, &answer.headers, &body, &redactor),
            Err(e) => Error::from_page(status, &answer.headers, &answer.body, &e, &redactor),
        }
    };
    answer::carry(error)
}

fn finish(
    span: &Span,
    started: Option<std::time::Instant>,
    attempts: u32,
    response: Response,
) -> Response {
    if let Some(started) = started {
        let status = match answer::carried(&response) {
            Some(error) => error.status(),
            None => Some(response.status().as_u16()),
        };
        span.record("attempts", attempts);
        span.record("latency_ms", started.elapsed().as_millis() as u64);
        if let Some(status) = status {
            span.record("status", status);
        }
    }
    tracing::debug!("finished");
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    fn client() -> Client {
        Client::builder()
            .base_url("http://127.0.0.1:1")
            .client_id("app")
            .client_secret("client-secret-value")
            .build()
            .unwrap()
    }

    fn answer(status: u16, body: &'static [u8]) -> Answer {
        Answer {
            status: StatusCode::from_u16(status).unwrap(),
            headers: HeaderMap::new(),
            extensions: http::Extensions::new(),
            url: reqwest::Url::parse("http://127.0.0.1:1/api/mysafe/note").unwrap(),
            body: bytes::Bytes::from_static(body),
        }
    }

    /// What the generated code would do with the concluded answer.
    async fn outcome<T: serde::de::DeserializeOwned>(
        operation: &'static str,
        answer: Answer,
    ) -> Result<T, Error> {
        let client = client();
        let response = conclude(&client, operation, spec::operation(operation), answer, None);
        if response.status().as_u16() == 599 {
            return Err(answer::recover(
                progenitor_client::Error::UnexpectedResponse(response),
            ));
        }
        answer::decode::<T>(&client, response)
            .await
            .map(ResponseValue::into_inner)
            .map_err(answer::recover)
    }

    #[tokio::test]
    async fn bad_bodies_keep_their_status() {
        let html = b"<html><body>Oops</body></html>";
        let error = outcome::<types::StatusResponse>("disable_note", answer(200, html))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Undecodable { status: 200, excerpt, .. } if excerpt == "<html><body>Oops</body></html>"),
            "{error:?}"
        );
        let error = outcome::<types::StatusResponse>("disable_note", answer(502, html))
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::Gateway { status: 502, .. }),
            "{error:?}"
        );
        let wrong = br#"{"response":{"status":"two hundred"}}"#;
        let error = outcome::<types::StatusResponse>("disable_note", answer(200, wrong))
            .await
            .unwrap_err();
        assert_eq!(error.status(), Some(200), "{error:?}");
        let error = outcome::<types::NoteResponse>("create_note", answer(201, b""))
            .await
            .unwrap_err();
        assert!(
            matches!(&error, Error::Undecodable { status: 201, excerpt, .. } if excerpt == "<empty body>"),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn undocumented_statuses_are_decided_here() {
        let limited = br#"{"message":"API rate limit exceeded"}"#;
        let error = outcome::<types::StatusResponse>("disable_note", answer(429, limited))
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "rate limited (HTTP 429): API rate limit exceeded"
        );
        let error = outcome::<types::StatusResponse>("disable_note", answer(418, b"{}"))
            .await
            .unwrap_err();
        assert_eq!(error.to_string(), "HTTP 418: I'm a teapot");
        // A success the operation does not document is not decoded as one.
        let error = outcome::<types::StatusResponse>("disable_note", answer(204, b""))
            .await
            .unwrap_err();
        assert_eq!(
            error.to_string(),
            "HTTP 204: No Content, a success the spec does not document for disable_note"
        );
    }

    #[tokio::test]
    async fn good_bodies_decode_unchanged() {
        let fine = br#"{"response":{"status":200,"message":"ok"}}"#;
        let answer = outcome::<types::StatusResponse>("disable_note", answer(200, fine))
            .await
            .unwrap();
        assert_eq!(answer.response.message.as_deref(), Some("ok"));
    }

    /// The retry decision follows the operation's row of the generated table: a
    /// row the table gains when the spec gains an `x-idempotent: true` operation
    /// makes the call retry, with nothing hand-written naming it.
    #[tokio::test]
    async fn a_table_row_decides_whether_a_call_retries() {
        let sim = mysafe_sim::spawn().await.unwrap();
        let client = Client::builder()
            .base_url(sim.url())
            .client_id(sim.client_id())
            .client_secret(sim.client_secret())
            .retry_policy(crate::RetryPolicy {
                initial_backoff: std::time::Duration::from_millis(1),
                ..crate::RetryPolicy::default()
            })
            .build()
            .unwrap();
        client.list_notes().send().await.unwrap();
        for idempotent in [true, false] {
            // A row for an operation the spec does not have yet.
            let row: &'static Operation = Box::leak(Box::new(Operation {
                id: "get_password_history",
                idempotent,
                bearer: true,
                success: &[200],
                errors: &[502],
            }));
            sim.reset_stats();
            sim.inject(mysafe_sim::Fault::once(
                mysafe_sim::Target::Any,
                mysafe_sim::FaultKind::KongBadGateway,
            ));
            let request = client
                .client()
                .get(format!("{}/api/mysafe/note", sim.url()))
                .build()
                .unwrap();
            let response = call(&client, request, row.id, Some(row), Span::none())
                .await
                .unwrap();
            let expected = if idempotent { 2 } else { 1 };
            assert_eq!(sim.stats().requests, expected, "idempotent: {idempotent}");
            assert_eq!(answer::carried(&response).is_some(), !idempotent);
        }
    }
}

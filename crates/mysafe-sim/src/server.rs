//! The HTTP server: accepting connections, counting and faulting requests, and
//! handing them to the token endpoint or the MySafe operations.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full, LengthLimitError, Limited, combinators::BoxBody};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::task::{JoinHandle, JoinSet};

use crate::answer::{self, Answer};
use crate::auth::{self, TokenOutcome, TokenStore};
use crate::config::SimConfig;
use crate::fault::{Fault, FaultKind, FaultQueue};
use crate::kong::{self, KongError};
use crate::ops::{self, Call};
use crate::request;
use crate::routes::{self, Route};
use crate::stats::Stats;
use crate::store::Store;
use crate::truncated::Truncated;

/// Request bodies beyond this are refused as Kong's size limit would.
const MAX_BODY: usize = 1 << 20;

type Body = BoxBody<Bytes, std::io::Error>;

/// Everything the server shares between connections and with the [`Sim`] handle.
struct State {
    config: SimConfig,
    tokens: Mutex<TokenStore>,
    store: Mutex<Store>,
    faults: Mutex<FaultQueue>,
    stats: Mutex<Stats>,
}

/// A poisoned lock only means another request panicked mid-way; the data is still
/// usable for a test server, and refusing every later request would hide the cause.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running simulator. Dropping it stops the server.
pub struct Sim {
    addr: SocketAddr,
    state: Arc<State>,
    task: Option<JoinHandle<()>>,
}

/// Starts a simulator with [`SimConfig::default`] on a random port of 127.0.0.1.
pub async fn spawn() -> std::io::Result<Sim> {
    spawn_with(SimConfig::default()).await
}

/// Starts a simulator with `config` on a random port of 127.0.0.1.
pub async fn spawn_with(config: SimConfig) -> std::io::Result<Sim> {
    spawn_on(SocketAddr::from(([127, 0, 0, 1], 0)), config).await
}

/// Starts a simulator with `config` on `addr` (port 0 picks a free port).
pub async fn spawn_on(addr: SocketAddr, config: SimConfig) -> std::io::Result<Sim> {
    if config.applications.is_empty() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "SimConfig::applications is empty: the simulator needs at least one application",
        ));
    }
    let listener = TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let state = Arc::new(State {
        config,
        tokens: Mutex::default(),
        store: Mutex::default(),
        faults: Mutex::default(),
        stats: Mutex::default(),
    });
    let task = tokio::spawn(serve(listener, Arc::clone(&state)));
    Ok(Sim {
        addr,
        state,
        task: Some(task),
    })
}

impl Sim {
    /// The base URL, e.g. `http://127.0.0.1:43121`, without a trailing slash.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first application's client id.
    pub fn client_id(&self) -> &str {
        &self.state.config.applications[0].client_id
    }

    /// The first application's client secret.
    pub fn client_secret(&self) -> &str {
        &self.state.config.applications[0].client_secret
    }

    /// The configuration the simulator runs with.
    pub fn config(&self) -> &SimConfig {
        &self.state.config
    }

    /// Queues a fault; faults are consumed in the order they were injected.
    pub fn inject(&self, fault: Fault) {
        lock(&self.state.faults).push(fault);
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        lock(&self.state.faults).clear();
    }

    /// Invalidates every issued token: the next call with one answers 401.
    pub fn revoke_tokens(&self) {
        lock(&self.state.tokens).revoke_all();
    }

    /// The requests seen since the start or the last [`reset_stats`](Self::reset_stats).
    pub fn stats(&self) -> Stats {
        lock(&self.state.stats).clone()
    }

    /// Zeroes the counters; [`Target::NthRequest`](crate::Target::NthRequest) counts
    /// from here.
    pub fn reset_stats(&self) {
        *lock(&self.state.stats) = Stats::default();
    }

    /// Stops the server and waits until it has let go of the port and its connections.
    pub async fn shutdown(mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
            // The task was aborted: its result is a cancellation, which is the point.
            let _ = task.await;
        }
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

impl std::fmt::Debug for Sim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sim")
            .field("url", &self.url())
            .finish_non_exhaustive()
    }
}

/// Accepts connections until aborted; the connections live in a `JoinSet` owned by
/// this task, so aborting it closes them too.
async fn serve(listener: TcpListener, state: Arc<State>) {
    let mut connections = JoinSet::new();
    loop {
        while connections.try_join_next().is_some() {}
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file descriptors and the like: let the peer retry.
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let connection = http1_settings(state.config.header_read_timeout).serve_connection(
            TokioIo::new(stream),
            {
                let state = Arc::clone(&state);
                service_fn(move |req| handle(Arc::clone(&state), req))
            },
        );
        // A connection ending in an error is how DropConnection, TruncatedBody and
        // the header-read timeout work; there is nothing to report.
        connections.spawn(async move {
            let _ = connection.await;
        });
    }
}

/// How each connection is served.
///
/// - The header-read timeout closes a connection that sends part of a header and
///   then nothing (a slow or broken client), instead of keeping it forever; hyper
///   needs a timer for it, tokio's here (so `tokio::time::pause()` drives it in
///   tests: `tests/connections.rs`).
/// - Half-close: a client may shut down its write side after the body and wait for
///   the answer. hyper's default closes the connection, unanswered, when it reads
///   that EOF before the answer is ready: a race it mostly loses for bodies that
///   arrive in several reads (200 KB and more). Allowing half-closed connections
///   answers every client alike (test `a_client_that_half_closes_after_a_large_body_gets_an_answer`).
fn http1_settings(header_read_timeout: Duration) -> http1::Builder {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout)
        .half_close(true);
    builder
}

/// Returned by the service to make hyper close the connection without an answer.
#[derive(Debug)]
struct DropConnection;

impl std::fmt::Display for DropConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("fault injected: connection dropped")
    }
}

impl std::error::Error for DropConnection {}

async fn handle(
    state: Arc<State>,
    req: Request<Incoming>,
) -> Result<Response<Body>, DropConnection> {
    let routed = routes::route(req.method(), req.uri().path());
    let operation = routed.as_ref().map(|(_, route)| route.operation_id());
    // Numbering and fault selection happen under one lock (stats, then faults: the
    // only place holding both), so that under concurrency NthRequest(n) hits the
    // request numbered n and not one that overtook it.
    let fault = {
        let mut stats = lock(&state.stats);
        let nth = stats.record(
            routed
                .as_ref()
                .map(|(prefix, route)| (*prefix, route.operation_id())),
        );
        lock(&state.faults).take(nth, operation)
    };
    let html = kong::prefers_html(req.headers());

    let mut truncate = false;
    match fault {
        None => {}
        Some(FaultKind::Latency(delay)) => tokio::time::sleep(delay).await,
        Some(FaultKind::KongBadGateway) => return Ok(respond(KongError::BadGateway.answer(html))),
        Some(FaultKind::KongGatewayTimeout) => {
            return Ok(respond(KongError::GatewayTimeout.answer(html)));
        }
        Some(FaultKind::KongServiceUnavailable) => {
            return Ok(respond(KongError::ServiceUnavailable.answer(html)));
        }
        Some(FaultKind::HtmlBadGateway) => return Ok(respond(KongError::BadGateway.answer(true))),
        Some(FaultKind::DropConnection) => return Err(DropConnection),
        Some(FaultKind::TruncatedBody) => truncate = true,
        Some(FaultKind::Status {
            status,
            content_type,
            body,
        }) => return Ok(respond(custom(status, content_type, body))),
    }

    let answer = match routed {
        None => KongError::NoRoute.answer(html),
        Some((_, route)) => dispatch(&state, route, req, html).await,
    };
    Ok(if truncate {
        respond_truncated(answer)
    } else {
        respond(answer)
    })
}

async fn dispatch(state: &State, route: Route, req: Request<Incoming>, html: bool) -> Answer {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(collected) => collected.to_bytes(),
        Err(e) if e.is::<LengthLimitError>() => return KongError::TooLarge.answer(html),
        // The client broke off or sent a malformed body: nobody reads this answer,
        // or it says what went wrong.
        Err(_) => return KongError::BadRequest.answer(html),
    };
    match route {
        Route::Token => {
            match auth::authenticate(&state.config.applications, &parts.headers, &body) {
                TokenOutcome::Issue(client_id) => {
                    let ttl = state.config.token_ttl;
                    let token = lock(&state.tokens).issue(&client_id, ttl, Instant::now());
                    auth::token_answer(token, ttl)
                }
                TokenOutcome::Refuse(answer) => answer,
            }
        }
        Route::Item {
            kind,
            action,
            identifier,
        } => {
            let app = match auth::bearer(&parts.headers) {
                Some(token) => lock(&state.tokens)
                    .check(token, Instant::now())
                    .map(str::to_owned),
                None => None,
            };
            let Some(app) = app else {
                return answer::not_authorized();
            };
            let query = request::query(parts.uri.query());
            let call = Call {
                app: &app,
                action,
                identifier: identifier.as_deref().unwrap_or_default(),
                query: &query,
                body: &body,
            };
            ops::handle(&mut lock(&state.store), kind, &call)
        }
    }
}

fn custom(status: u16, content_type: String, body: String) -> Answer {
    Answer {
        status: hyper::StatusCode::from_u16(status)
            .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR),
        content_type,
        body: body.into(),
    }
}

fn respond(answer: Answer) -> Response<Body> {
    let body = Full::new(answer.body)
        .map_err(|never: Infallible| match never {})
        .boxed();
    build(answer.status, &answer.content_type, body)
}

/// The answer's headers with a `Content-Length` for the whole body, then half of it,
/// then the connection closes.
fn respond_truncated(answer: Answer) -> Response<Body> {
    let full_len = answer.body.len();
    let sent = answer.body.slice(..full_len / 2);
    let mut response = build(
        answer.status,
        &answer.content_type,
        Truncated::new(sent).boxed(),
    );
    response
        .headers_mut()
        .insert(CONTENT_LENGTH, HeaderValue::from(full_len.max(1)));
    response
}

fn build(status: hyper::StatusCode, content_type: &str, body: Body) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let content_type = HeaderValue::from_str(content_type)
        .unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    response.headers_mut().insert(CONTENT_TYPE, content_type);
    response
}

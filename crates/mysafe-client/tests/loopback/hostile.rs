//! A server that tries to make the client leak or misbehave: redirects to another
//! port, secrets echoed back in every place an answer has, escape sequences and
//! newlines in its text, bodies that drip. (Oversized answers, which need a
//! counting allocator, are in `tests/size_limit.rs`.)

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use mysafe_client::{Error, RetryPolicy, Secret, types};

use crate::builder;
use crate::server::{Reply, Seen, Server, Stream};

const CLIENT_SECRET: &str = "Cl13nt-S3cret-vAlue";
const TOKEN_1: &str = "Tok3n-first-Qz9mK";
const TOKEN_2: &str = "Tok3n-second-Wx7pL";
/// With the characters that JSON and HTML escape.
const PASSWORD: &str = r#"pw"<&>'\sEcret-41"#;

fn logs() -> &'static crate::logs::Logs {
    crate::logs::capture()
}

fn secret_client(url: &str) -> mysafe_client::Client {
    builder(url)
        .client_secret(CLIENT_SECRET)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

fn new_password() -> types::builder::CreatePasswordRequest {
    types::CreatePasswordRequest::builder()
        .name("db")
        .username("admin")
        .password(Secret::new(PASSWORD))
}

#[tokio::test]
async fn redirects_are_not_followed_and_nothing_reaches_the_other_host() {
    logs();
    let elsewhere = Server::start(|_| Reply::token("forged-token")).await;
    for status in [301, 302, 307, 308] {
        let target = elsewhere.url();
        // The token request itself is redirected.
        let to = format!("{target}/steal?token=stolen-query");
        let login =
            Server::start(move |_| Reply::json(status, "").with("location", to.clone())).await;
        let error = secret_client(&login.url())
            .list_notes()
            .send()
            .await
            .unwrap_err();
        check_redirect(&error, status, &elsewhere);

        // The token is fine; a create and a disable are redirected.
        let elsewhere_url = elsewhere.url();
        let api = Server::start(move |seen| {
            if seen.path == "/api/oauth2/token" {
                Reply::token(TOKEN_1)
            } else {
                Reply::json(status, "").with(
                    "location",
                    format!("{elsewhere_url}/steal?token=stolen-query"),
                )
            }
        })
        .await;
        let client = builder(&api.url()).build().unwrap();
        let error = client
            .create_password()
            .body(new_password())
            .send()
            .await
            .unwrap_err();
        check_redirect(&error, status, &elsewhere);
        let error = client
            .disable_password()
            .identifier(10)
            .send()
            .await
            .unwrap_err();
        check_redirect(&error, status, &elsewhere);
        // One create, one disable: a redirect is not retried.
        assert_eq!(api.seen().len(), 3, "{status}: {:?}", api.seen());
    }
    assert!(
        elsewhere.seen().is_empty(),
        "the other host received {:?}",
        elsewhere.seen()
    );
}

fn check_redirect(error: &Error, status: u16, to: &Server) {
    match error {
        Error::Redirected {
            status: got,
            location,
        } => {
            assert_eq!(*got, status);
            assert_eq!(location.as_deref(), Some(to.url().as_str()));
        }
        other => panic!("{status}: expected a redirect error, got {other:?}"),
    }
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("stolen-query"), "{shown}");
    assert!(!shown.contains("/steal"), "{shown}");
    assert!(shown.contains(&format!("HTTP {status}")), "{shown}");
}

/// The token a request carried.
fn bearer(seen: &Seen) -> String {
    seen.header("authorization")
        .and_then(|h| h.strip_prefix("Bearer "))
        .unwrap_or_default()
        .to_owned()
}

type Step = Box<dyn Fn(&Seen) -> Reply + Send>;

/// A server that issues `TOKEN_1`, then `TOKEN_2`, and answers the other requests
/// with `steps` in order, then with an empty note list.
async fn scripted(steps: Vec<Step>) -> Server {
    let steps = Mutex::new(VecDeque::from(steps));
    let issued = Mutex::new(0);
    Server::start(move |seen| {
        if seen.path == "/api/oauth2/token" {
            let mut issued = issued.lock().unwrap();
            *issued += 1;
            return Reply::token(if *issued == 1 { TOKEN_1 } else { TOKEN_2 });
        }
        match steps.lock().unwrap().pop_front() {
            Some(step) => step(seen),
            None => Reply::json(200, r#"{"response":{"status":200},"note_on_list":[]}"#),
        }
    })
    .await
}

/// Every secret the client knows, in the case the server sent it.
fn echo(seen: &Seen) -> String {
    format!(
        "secret {CLIENT_SECRET} old {TOKEN_1} now {} upper {} pw {PASSWORD} PW {}",
        bearer(seen),
        CLIENT_SECRET.to_uppercase(),
        PASSWORD.to_uppercase(),
    )
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[tokio::test]
async fn secrets_echoed_anywhere_are_never_shown() {
    let logs = logs();
    let steps: Vec<Step> = vec![
        // The first call caches TOKEN_1.
        Box::new(|_| Reply::json(200, r#"{"response":{"status":200},"note_on_list":[]}"#)),
        // The cached token is rejected: the client refreshes (TOKEN_2) and replays.
        Box::new(|_| {
            Reply::json(
                401,
                r#"{"message":"You are not authorized to access this resource."}"#,
            )
        }),
        // MySafe's envelope, echoing in message, exception.message and both details.
        Box::new(|seen| {
            let text = echo(seen);
            Reply::json(
                400,
                serde_json::json!({
                    "response": {"status": 400, "message": format!("1001: {text}"), "detail": text},
                    "exception": {"code": 1001, "message": format!("1001: {text}"), "detail": text.to_lowercase()},
                })
                .to_string(),
            )
        }),
        Box::new(|seen| Reply::json(500, serde_json::json!({"message": echo(seen)}).to_string())),
        Box::new(|seen| {
            Reply::text(
                502,
                "text/html",
                format!(
                    "<html><body><h1>502</h1><pre>{}</pre></body></html>",
                    html_escape(&echo(seen))
                ),
            )
        }),
        Box::new(|seen| Reply::text(503, "text/plain", echo(seen))),
        Box::new(|seen| {
            Reply::json(
                418,
                serde_json::json!({"error_description": echo(seen)}).to_string(),
            )
        }),
        // A success body that does not decode, with secrets under any key.
        Box::new(|seen| {
            let token = bearer(seen);
            Reply::json(
                201,
                serde_json::json!({
                    "response": {"status": "created"},
                    "secret": CLIENT_SECRET,
                    "Client_Secret": CLIENT_SECRET,
                    "authorization": format!("Bearer {token}"),
                    "echo": echo(seen),
                    "password_entity": {"identifier": "1", "pwd": PASSWORD},
                })
                .to_string(),
            )
        }),
        Box::new(|seen| {
            Reply::json(
                429,
                serde_json::json!({"message": echo(seen), "request_id": bearer(seen)}).to_string(),
            )
            .with("retry-after", "3600")
        }),
        Box::new(|seen| {
            Reply::json(
                504,
                serde_json::json!({"message": "timing out"}).to_string(),
            )
            .with("x-kong-request-id", bearer(seen))
        }),
    ];
    // The first call, and the 401 that is replayed within the next one.
    let steps_count = steps.len() - 2;
    let server = scripted(steps).await;
    let client = secret_client(&server.url());
    let mut shown = Vec::new();
    client.list_notes().send().await.unwrap();
    for step in 0..steps_count {
        let error = client
            .create_password()
            .body(new_password())
            .send()
            .await
            .unwrap_err();
        shown.push(format!("{error}\n{error:?}"));
        if step == 0 {
            assert!(matches!(error, Error::Api { .. }), "{error:?}");
            assert!(
                error.to_string().contains("1001: secret [REDACTED]"),
                "{error}"
            );
        }
    }
    assert!(
        shown.iter().any(|s| s.contains("Undecodable")),
        "{shown:#?}"
    );
    assert!(
        shown.iter().any(|s| s.contains("RateLimited")),
        "{shown:#?}"
    );

    // The token request echoes the client secret.
    let login = Server::start(|seen| {
        let sent = seen.body.clone();
        Reply::json(
            401,
            serde_json::json!({
                "error": "invalid_client",
                "message": format!("Client authentication failed for {CLIENT_SECRET}"),
                "error_description": sent,
                "hint": CLIENT_SECRET,
            })
            .to_string(),
        )
    })
    .await;
    let error = secret_client(&login.url())
        .list_notes()
        .send()
        .await
        .unwrap_err();
    assert!(error.is_auth(), "{error:?}");
    shown.push(format!("{error}\n{error:?}"));

    let all = format!("{}\n{}", shown.join("\n"), logs.text()).to_ascii_lowercase();
    for secret in [CLIENT_SECRET, TOKEN_1, TOKEN_2, PASSWORD] {
        for spelling in [secret.to_owned(), html_escape(secret)] {
            assert!(
                !all.contains(&spelling.to_ascii_lowercase()),
                "{secret} shown:\n{}",
                shown.join("\n")
            );
        }
    }
    // Fragments that only the secrets have.
    for fragment in ["s3cret-value", "qz9mk", "wx7pl", "secret-41"] {
        assert!(!all.contains(fragment), "{fragment}:\n{}", shown.join("\n"));
    }
}

#[tokio::test]
async fn escape_sequences_and_newlines_are_escaped_and_long_text_is_cut() {
    logs();
    const FORGED: &str = "\u{1b}[2J\u{1b}[31mFAKE\nINFO mysafe: all good\r\u{202e}";
    let steps: Vec<Step> = vec![
        Box::new(|_| {
            Reply::json(
                400,
                serde_json::json!({"exception": {"code": 1005, "message": FORGED}}).to_string(),
            )
        }),
        Box::new(|_| Reply::text(502, "text/html", format!("<p>{FORGED}</p>"))),
        Box::new(|_| {
            Reply::json(
                500,
                serde_json::json!({"message": "x".repeat(20_000)}).to_string(),
            )
        }),
        Box::new(|_| Reply::text(200, "text/plain", format!("{FORGED}{}", "y".repeat(20_000)))),
    ];
    let server = scripted(steps).await;
    let client = secret_client(&server.url());
    for _ in 0..4 {
        let error = client.list_notes().send().await.unwrap_err();
        let shown = error.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control() || c == '\u{202e}'),
            "{shown:?}"
        );
        assert!(
            shown.chars().count() < 600,
            "{} characters",
            shown.chars().count()
        );
        if shown.contains("FAKE") {
            assert!(shown.contains(r"\u{1b}[2J\u{1b}[31mFAKE"), "{shown}");
        }
    }
}

#[tokio::test]
async fn the_deadline_bounds_a_body_that_drips() {
    logs();
    // 100 bytes announced, one every 200 ms: 20 s to read.
    let server = Server::start(|seen| {
        if seen.path == "/api/oauth2/token" {
            return Reply::token(TOKEN_1);
        }
        Reply::json(200, "").streamed(Stream {
            chunk: b" ".to_vec(),
            repeat: 100,
            pause: Duration::from_millis(200),
            announce: Some(100),
        })
    })
    .await;
    let client = builder(&server.url())
        .retry_policy(RetryPolicy {
            deadline: Duration::from_secs(1),
            ..RetryPolicy::default()
        })
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.list_notes().send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    // Generous for a loaded machine, far below the 20 s the body would take.
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{:?}",
        started.elapsed()
    );
    assert!(server.written() < 100, "{} bytes", server.written());
}

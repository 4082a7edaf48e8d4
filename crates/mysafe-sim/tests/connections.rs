//! Connection-level behaviour with clients that misbehave at the socket: a header
//! that never ends, a write side shut down right after the body.

mod common;

use std::time::Duration;

use common::*;
use mysafe_sim::{Sim, SimConfig};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection, giving up after `limit` (virtual
/// time under a paused clock).
async fn read_until_closed(stream: &mut TcpStream, limit: Duration) -> Vec<u8> {
    let mut received = Vec::new();
    tokio::time::timeout(limit, stream.read_to_end(&mut received))
        .await
        .expect("the server closes the connection in time")
        .expect("read");
    received
}

#[tokio::test(start_paused = true)]
async fn a_partial_header_is_closed_after_the_header_read_timeout() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let timeout = sim.config().header_read_timeout;
    assert_eq!(timeout, Duration::from_secs(60), "the documented default");
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    // The request line and one header, but never the blank line that ends them.
    stream
        .write_all(b"GET /api/mysafe/password HTTP/1.1\r\nHost: sim\r\n")
        .await
        .unwrap();
    let started = tokio::time::Instant::now();
    let received = read_until_closed(&mut stream, Duration::from_secs(3600)).await;
    let waited = started.elapsed();
    assert!(received.is_empty(), "no answer: {received:?}");
    assert!(
        waited >= timeout && waited < timeout * 2,
        "closed after {waited:?}"
    );
    // The request never got far enough to be counted.
    assert_eq!(sim.stats().requests, 0);
}

#[tokio::test(start_paused = true)]
async fn the_header_read_timeout_is_configurable() {
    let sim = mysafe_sim::spawn_with(SimConfig {
        header_read_timeout: Duration::from_secs(5),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    stream.write_all(b"GET /api/mysafe/pass").await.unwrap();
    let started = tokio::time::Instant::now();
    read_until_closed(&mut stream, Duration::from_secs(3600)).await;
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_secs(5) && waited < Duration::from_secs(10),
        "closed after {waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn a_slow_but_complete_header_is_answered() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    for part in [
        &b"GET /nowhere HTTP/1.1\r\n"[..],
        b"Host: sim\r\n",
        b"Connection: close\r\n\r\n",
    ] {
        stream.write_all(part).await.unwrap();
        // Well within the 60 s the whole header may take.
        tokio::time::sleep(Duration::from_secs(10)).await;
    }
    let received = read_until_closed(&mut stream, Duration::from_secs(3600)).await;
    let text = String::from_utf8_lossy(&received);
    assert!(text.starts_with("HTTP/1.1 404 "), "{text}");
}

/// Sends `body` to `path` with a `Content-Length`, shuts the write side down right
/// after it, and returns everything the server sends until it closes.
async fn post_then_half_close(sim: &Sim, token: &str, path: &str, body: &[u8]) -> String {
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: sim\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut stream = TcpStream::connect(sim.addr()).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body).await.unwrap();
    stream.shutdown().await.unwrap();
    String::from_utf8_lossy(&read_until_closed(&mut stream, TIMEOUT).await).into_owned()
}

/// A client that shuts down its write side after a body of 200 KB or more (which the
/// server reads in many pieces) still gets its answer. Without half-close support
/// hyper closed such connections unanswered, most of the time but not always, so
/// the test tries several sizes on two routes.
#[tokio::test]
async fn a_client_that_half_closes_after_a_large_body_gets_an_answer() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let token = token(&sim).await;
    let sizes_kb = [200, 300, 600, 900];
    for kb in sizes_kb {
        let mut body = password_body("big");
        body["notes"] = json!("x".repeat(kb * 1024));
        let body = serde_json::to_vec(&body).unwrap();
        let text = post_then_half_close(&sim, &token, "/api/mysafe/password", &body).await;
        assert!(text.starts_with("HTTP/1.1 201 "), "{kb} KB: {text:.200}");
        assert!(text.contains("Password successfully registered"), "{kb} KB");

        // The token endpoint refuses the JSON (no credentials) but answers.
        let body = serde_json::to_vec(&json!({ "padding": "x".repeat(kb * 1024) })).unwrap();
        let text = post_then_half_close(&sim, &token, "/api/oauth2/token", &body).await;
        assert!(text.starts_with("HTTP/1.1 400 "), "{kb} KB: {text:.200}");
    }
    // Each create ran exactly once.
    let list = call(&sim, &token, "GET", "/api/mysafe/password", None).await;
    assert_eq!(
        list.body["password_on_list"].as_array().map(Vec::len),
        Some(sizes_kb.len())
    );
}

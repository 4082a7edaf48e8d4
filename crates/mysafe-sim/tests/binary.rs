//! The `mysafe-sim` binary prints a working URL and credentials.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;

/// Kills the child however the test ends.
struct Running(std::process::Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `mysafe-sim --token-ttl <ttl>`, logs in with the printed credentials
/// and lists passwords; returns the token answer's `expires_in`.
async fn start_and_log_in(token_ttl: &str) -> serde_json::Value {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mysafe-sim"))
        .args(["--token-ttl", token_ttl])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start mysafe-sim");
    let stdout = child.stdout.take().expect("stdout");
    let _running = Running(child);

    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut vars = HashMap::new();
    let deadline = Instant::now() + TIMEOUT;
    while vars.len() < 3 {
        let left = deadline.saturating_duration_since(Instant::now());
        let line = rx
            .recv_timeout(left)
            .expect("the three MYSAFE_ lines in time");
        if let Some((key, value)) = line.split_once('=') {
            vars.insert(key.to_owned(), value.to_owned());
        }
    }

    let url = &vars["MYSAFE_URL"];
    assert!(
        url.starts_with("http://127.0.0.1:") && !url.ends_with('/'),
        "{url}"
    );
    let r = reply(
        http()
            .post(format!("{url}/api/oauth2/token"))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", vars["MYSAFE_CLIENT_ID"].as_str()),
                ("client_secret", vars["MYSAFE_CLIENT_SECRET"].as_str()),
            ])
            .send()
            .await
            .expect("token request"),
    )
    .await;
    assert_eq!(r.status, 200, "{:?}", r.body);
    let token = r.body["access_token"].as_str().unwrap();
    let list = http()
        .get(format!("{url}/api/mysafe/password"))
        .bearer_auth(token)
        .timeout(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    r.body["expires_in"].clone()
}

#[tokio::test]
async fn prints_url_and_credentials_that_work() {
    assert_eq!(start_and_log_in("60").await, 60);
}

/// The largest `--token-ttl` used to make every token request panic (`now + ttl`).
#[tokio::test]
async fn the_largest_token_ttl_gives_tokens_that_never_expire() {
    assert_eq!(
        start_and_log_in(&u64::MAX.to_string()).await,
        serde_json::json!(i64::MAX)
    );
}

#[test]
fn rejects_bad_arguments_with_a_message() {
    let output = Command::new(env!("CARGO_BIN_EXE_mysafe-sim"))
        .args(["--port", "not-a-port"])
        .output()
        .expect("run mysafe-sim");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--port"), "{stderr}");
}

//! `cargo xtask pr-comment` as the API review workflow runs it, against a fake
//! GitHub REST API on loopback that keeps its comments between runs.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use serde_json::{Value, json};

const TOKEN: &str = "ghs_fake-installation-token-0123456789";
const MARKER: &str = "<!-- mysafe-rs: api-review -->";
const BOT: &str = "github-actions[bot]";
const PR_COMMENTS: &str = "/repos/acme/mysafe-rs/issues/7/comments";

#[derive(Clone, Debug)]
struct FakeComment {
    id: u64,
    login: String,
    body: String,
}

#[derive(Default)]
struct State {
    comments: Vec<FakeComment>,
    /// Comments per page, whatever `per_page` asks: small, so that pagination runs.
    page_size: usize,
    /// Writes answer 403, as with the read-only token of a pull request from a fork.
    read_only: bool,
    /// Listing answers this status instead.
    list_status: Option<u16>,
    /// The `Link: rel="next"` of the first page points here instead.
    foreign_next: Option<String>,
    /// `METHOD path?query` of every request, in order.
    requests: Vec<String>,
}

/// A fake GitHub: one thread, one request per connection (`Connection: close`).
struct FakeGitHub {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl FakeGitHub {
    fn start(page_size: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let state = Arc::new(Mutex::new(State {
            page_size,
            ..State::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (state.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, addr, &state);
                    }
                }
            })
        };
        Self {
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap()
    }

    fn add_comment(&self, login: &str, body: &str) {
        let mut state = self.state();
        let id = state.comments.len() as u64 + 1;
        state.comments.push(FakeComment {
            id,
            login: login.into(),
            body: body.into(),
        });
    }
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

struct Request {
    method: String,
    path: String,
    query: String,
    authorization: Option<String>,
    body: Value,
}

fn read_request(stream: &TcpStream) -> Option<Request> {
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_owned();
    let target = parts.next()?.to_owned();
    let (mut authorization, mut length) = (None, 0);
    loop {
        let mut header = String::new();
        reader.read_line(&mut header).ok()?;
        let header = header.trim_end();
        if header.is_empty() {
            break;
        }
        let (name, value) = header.split_once(':')?;
        match name.to_ascii_lowercase().as_str() {
            "authorization" => authorization = Some(value.trim().to_owned()),
            "content-length" => length = value.trim().parse().ok()?,
            _ => {}
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    Some(Request {
        method,
        path: path.to_owned(),
        query: query.to_owned(),
        authorization,
        body: serde_json::from_slice(&body).unwrap_or(Value::Null),
    })
}

fn serve(mut stream: TcpStream, addr: SocketAddr, state: &Mutex<State>) {
    let Some(request) = read_request(&stream) else {
        return;
    };
    let (status, link, body) = answer(&request, addr, &mut state.lock().unwrap());
    let reason = match status {
        200 => "OK",
        201 => "Created",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        _ => "Internal Server Error",
    };
    let body = body.to_string();
    let link = link.map(|l| format!("Link: {l}\r\n")).unwrap_or_default();
    let _ = write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\n{link}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}

fn comment_json(comment: &FakeComment, addr: SocketAddr) -> Value {
    json!({
        "id": comment.id,
        "body": comment.body,
        "user": { "login": comment.login, "type": "Bot" },
        "html_url": format!("http://{addr}/acme/mysafe-rs/pull/7#issuecomment-{}", comment.id),
    })
}

/// GitHub's answer: status, `Link` header, JSON body.
fn answer(request: &Request, addr: SocketAddr, state: &mut State) -> (u16, Option<String>, Value) {
    state.requests.push(format!(
        "{} {}?{}",
        request.method, request.path, request.query
    ));
    if request.authorization.as_deref() != Some(&format!("Bearer {TOKEN}")) {
        return (401, None, json!({ "message": "Bad credentials" }));
    }
    let forbidden = json!({ "message": "Resource not accessible by integration" });
    let comment_id = request
        .path
        .strip_prefix("/repos/acme/mysafe-rs/issues/comments/")
        .and_then(|id| id.parse::<u64>().ok());
    match (request.method.as_str(), request.path.as_str(), comment_id) {
        ("GET", PR_COMMENTS, _) => {
            if let Some(status) = state.list_status {
                return (status, None, json!({ "message": "boom" }));
            }
            let page: usize = request
                .query
                .split('&')
                .find_map(|pair| pair.strip_prefix("page="))
                .map_or(1, |n| n.parse().unwrap());
            let start = (page - 1) * state.page_size;
            let items: Vec<Value> = state
                .comments
                .iter()
                .skip(start)
                .take(state.page_size)
                .map(|c| comment_json(c, addr))
                .collect();
            let next = if start + state.page_size < state.comments.len() {
                let base = state
                    .foreign_next
                    .clone()
                    .unwrap_or_else(|| format!("http://{addr}"));
                Some(format!(
                    "<{base}{PR_COMMENTS}?per_page=100&page={}>; rel=\"next\"",
                    page + 1
                ))
            } else {
                None
            };
            (200, next, Value::Array(items))
        }
        ("POST", PR_COMMENTS, _) if state.read_only => (403, None, forbidden),
        ("POST", PR_COMMENTS, _) => {
            let comment = FakeComment {
                id: state.comments.len() as u64 + 1,
                login: BOT.into(),
                body: request.body["body"].as_str().unwrap_or("").to_owned(),
            };
            state.comments.push(comment.clone());
            (201, None, comment_json(&comment, addr))
        }
        ("PATCH", _, Some(_)) if state.read_only => (403, None, forbidden),
        ("PATCH", _, Some(id)) => match state.comments.iter_mut().find(|c| c.id == id) {
            Some(comment) => {
                comment.body = request.body["body"].as_str().unwrap_or("").to_owned();
                let comment = comment.clone();
                (200, None, comment_json(&comment, addr))
            }
            None => (404, None, json!({ "message": "Not Found" })),
        },
        _ => (404, None, json!({ "message": "Not Found" })),
    }
}

/// A scratch directory for the report and the job summary.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xtask-pr-comment-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the command as the workflow does, with the report `report`.
fn pr_comment(github: &FakeGitHub, dir: &Path, report: &str) -> Output {
    let body = dir.join("report.md");
    std::fs::write(&body, report).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["pr-comment", "--api-url", &github.url()])
        .args(["--repo", "acme/mysafe-rs", "--pr", "7", "--author", BOT])
        .arg("--body-file")
        .arg(&body)
        .arg("--summary-file")
        .arg(dir.join("summary.md"))
        .env("GITHUB_TOKEN", TOKEN)
        .env_remove("GITHUB_API_URL")
        .env_remove("GITHUB_REPOSITORY")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("xtask runs");
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!printed.contains(TOKEN), "the token was printed: {printed}");
    out
}

fn summary(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("summary.md")).unwrap_or_default()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn the_first_run_creates_the_comment_and_the_next_edits_it() {
    // Three comments by people, two per page: the report lands on page 2.
    let github = FakeGitHub::start(2);
    for n in 1..=3 {
        github.add_comment("reviewer", &format!("comment {n}"));
    }
    let dir = scratch("create-then-edit");

    let first = pr_comment(&github, &dir, "**API change report: 1 breaking**");
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(
        stdout(&first).starts_with("created comment 4: http://"),
        "{}",
        stdout(&first)
    );

    let second = pr_comment(&github, &dir, "no API changes");
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        stdout(&second).starts_with("updated comment 4: http://"),
        "{}",
        stdout(&second)
    );

    let state = github.state();
    assert_eq!(
        state.comments.len(),
        4,
        "no duplicate: {:?}",
        state.comments
    );
    let report = &state.comments[3];
    assert_eq!(report.login, BOT);
    assert_eq!(report.body, format!("{MARKER}\nno API changes"));
    // Both runs read both pages; the second edited in place.
    let pages = |n| format!("GET {PR_COMMENTS}?per_page=100&page={n}");
    assert_eq!(
        state.requests,
        [
            format!("GET {PR_COMMENTS}?per_page=100"),
            pages(2),
            format!("POST {PR_COMMENTS}?"),
            format!("GET {PR_COMMENTS}?per_page=100"),
            pages(2),
            "PATCH /repos/acme/mysafe-rs/issues/comments/4?".to_owned(),
        ]
    );
    // The job summary has each run's report and says where it was posted.
    let summary = summary(&dir);
    assert!(
        summary.contains("**API change report: 1 breaking**"),
        "{summary}"
    );
    assert!(summary.contains("_created comment 4: http://"), "{summary}");
    assert!(summary.contains("no API changes"), "{summary}");
    assert!(summary.contains("_updated comment 4: http://"), "{summary}");
}

#[test]
fn a_read_only_token_falls_back_to_the_summary_and_says_so() {
    let github = FakeGitHub::start(2);
    github.state().read_only = true;
    let dir = scratch("read-only");

    let out = pr_comment(&github, &dir, "**API change report: 1 breaking**");
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).starts_with("::warning title=API review comment not posted::"),
        "{}",
        stdout(&out)
    );
    assert!(github.state().comments.is_empty());
    let summary = summary(&dir);
    assert!(
        summary.contains("**API change report: 1 breaking**"),
        "{summary}"
    );
    assert!(
        summary.contains("could not be posted as a pull-request comment: GitHub answered 403 (Resource not accessible by integration)"),
        "{summary}"
    );
    assert!(summary.contains("pull requests from forks"), "{summary}");
}

#[test]
fn an_existing_report_on_a_read_only_token_is_not_edited_either() {
    let github = FakeGitHub::start(2);
    github.add_comment(BOT, &format!("{MARKER}\nold report"));
    github.state().read_only = true;
    let dir = scratch("read-only-edit");

    let out = pr_comment(&github, &dir, "new report");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        github.state().comments[0].body,
        format!("{MARKER}\nold report")
    );
    assert!(summary(&dir).contains("new report"));
    assert!(summary(&dir).contains("GitHub answered 403"));
}

#[test]
fn a_reply_quoting_the_marker_is_left_alone() {
    let github = FakeGitHub::start(100);
    let quoted = format!("> {MARKER}\n> the report said... why?");
    github.add_comment("reviewer", &quoted);
    let dir = scratch("quoted");

    let out = pr_comment(&github, &dir, "report");
    assert!(out.status.success(), "{}", stderr(&out));
    let state = github.state();
    assert_eq!(state.comments.len(), 2);
    assert_eq!(state.comments[0].body, quoted);
    assert_eq!(state.comments[1].login, BOT);
}

#[test]
fn a_next_page_on_another_host_is_not_followed() {
    let github = FakeGitHub::start(1);
    github.add_comment("reviewer", "one");
    github.add_comment("reviewer", "two");
    // Nothing listens there; the token must not be sent anyway.
    github.state().foreign_next = Some("http://127.0.0.1:9".to_owned());
    let dir = scratch("foreign-next");

    let out = pr_comment(&github, &dir, "report");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: the next page of comments (its Link header) is not on the API's host\n"
    );
    assert_eq!(github.state().requests.len(), 1);
    // The report still reaches the job summary.
    assert!(summary(&dir).contains("report"));
}

#[test]
fn a_server_error_fails_with_githubs_message() {
    let github = FakeGitHub::start(2);
    github.state().list_status = Some(500);
    let dir = scratch("server-error");

    let out = pr_comment(&github, &dir, "report");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: GitHub answered 500 Internal Server Error: boom\n"
    );
    assert!(summary(&dir).contains("report"));
}

#[test]
fn without_a_token_nothing_is_sent() {
    let github = FakeGitHub::start(2);
    let dir = scratch("no-token");
    std::fs::write(dir.join("report.md"), "report").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args([
            "pr-comment",
            "--api-url",
            &github.url(),
            "--repo",
            "acme/mysafe-rs",
        ])
        .args(["--pr", "7", "--body-file"])
        .arg(dir.join("report.md"))
        .env_remove("GITHUB_TOKEN")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out), "error: GITHUB_TOKEN is not set\n");
    assert!(github.state().requests.is_empty());
}

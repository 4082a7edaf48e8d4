//! `cargo xtask pr-comment`: keeps one comment on a pull request up to date.
//!
//! The API review workflow posts the `cargo xtask diff` report with it. The comment
//! is found by a hidden marker (an HTML comment, invisible when rendered), so every
//! push edits the same comment instead of adding one. The report also goes to the
//! job summary; when GitHub refuses the write with 403 (the token of a pull request
//! from a fork is read-only) the summary says the comment could not be posted, and
//! the command still succeeds.
//!
//! It talks to the REST API at `--api-url`, so the tests run it against a fake
//! GitHub on loopback (`xtask/tests/pr_comment_cli.rs`).

use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use reqwest::StatusCode;
use reqwest::blocking::{Client, RequestBuilder, Response};
use reqwest::header::{ACCEPT, AUTHORIZATION, HeaderValue, LINK};
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// The marker the API review comment carries unless told otherwise.
pub const DEFAULT_MARKER: &str = "<!-- mysafe-rs: api-review -->";

/// GitHub's largest page; fewer requests on long discussions.
const PER_PAGE: u32 = 100;
/// 100 pages of 100 comments: beyond that the listing is not a pull request's.
const MAX_PAGES: usize = 100;

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The REST API's base URL.
    #[arg(long, env = "GITHUB_API_URL", default_value = "https://api.github.com")]
    api_url: String,
    /// The repository, as OWNER/NAME.
    #[arg(long, env = "GITHUB_REPOSITORY", value_name = "OWNER/NAME")]
    repo: String,
    /// The pull request's number.
    #[arg(long, value_name = "NUMBER")]
    pr: u64,
    /// The file whose content becomes the comment (Markdown).
    #[arg(long, value_name = "FILE")]
    body_file: PathBuf,
    /// The hidden marker that identifies the comment among the others.
    #[arg(long, default_value = DEFAULT_MARKER)]
    marker: String,
    /// Only a comment by this login counts as the one to edit (e.g.
    /// `github-actions[bot]`), so a reply quoting the marker is left alone.
    #[arg(long, value_name = "LOGIN")]
    author: Option<String>,
    /// The job summary the body is appended to (GitHub sets GITHUB_STEP_SUMMARY).
    #[arg(long, env = "GITHUB_STEP_SUMMARY", value_name = "FILE")]
    summary_file: Option<PathBuf>,
}

/// Runs the command. The token comes from `GITHUB_TOKEN`, never from an argument,
/// so it shows in no process list or log line.
pub fn run(args: Args) -> Result<ExitCode> {
    let token = std::env::var("GITHUB_TOKEN")
        .ok()
        .filter(|token| !token.is_empty())
        .ok_or_else(|| anyhow!("GITHUB_TOKEN is not set"))?;
    let report = std::fs::read_to_string(&args.body_file)
        .with_context(|| format!("{}: cannot read", args.body_file.display()))?;
    let github = GitHub::new(&args.api_url, SecretString::from(token))?;
    let target = Target {
        repo: &args.repo,
        pr: args.pr,
        marker: &args.marker,
        author: args.author.as_deref(),
    };
    let outcome = upsert(&github, &target, &report);

    let note = match &outcome {
        Ok(posted) => {
            println!("{posted}");
            format!("_{posted}._")
        }
        Err(error) if error.status == Some(StatusCode::FORBIDDEN) => {
            let why = format!(
                "The report could not be posted as a pull-request comment: GitHub answered \
                 403 ({}). The token is read-only, as it is on pull requests from forks, \
                 so the report is in this job summary only.",
                error.message
            );
            // A workflow command: shows as a warning on the run and the pull request.
            println!("::warning title=API review comment not posted::{why}");
            format!("> **Note:** {why}")
        }
        Err(_) => String::new(),
    };
    if let Some(summary) = &args.summary_file {
        append_summary(summary, &report, &note)?;
    }
    match outcome {
        Ok(_) => Ok(ExitCode::SUCCESS),
        Err(error) if error.status == Some(StatusCode::FORBIDDEN) => Ok(ExitCode::SUCCESS),
        Err(error) => Err(anyhow!(error)),
    }
}

/// Which comment: the pull request, its marker and, optionally, its author.
#[derive(Clone, Copy, Debug)]
pub struct Target<'a> {
    pub repo: &'a str,
    pub pr: u64,
    pub marker: &'a str,
    pub author: Option<&'a str>,
}

/// What the command did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Posted {
    Created { id: u64, url: String },
    Updated { id: u64, url: String },
}

impl fmt::Display for Posted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Created { id, url } => write!(f, "created comment {id}: {url}"),
            Self::Updated { id, url } => write!(f, "updated comment {id}: {url}"),
        }
    }
}

/// Edits the comment that carries the marker, or creates it.
fn upsert(github: &GitHub, target: &Target<'_>, report: &str) -> Result<Posted, ApiError> {
    let body = format!("{}\n{report}", target.marker);
    let existing = github
        .comments(target.repo, target.pr)?
        .into_iter()
        .find(|comment| comment.is_marked(target));
    match existing {
        Some(comment) => {
            let updated = github.update(target.repo, comment.id, &body)?;
            Ok(Posted::Updated {
                id: updated.id,
                url: updated.html_url.unwrap_or_default(),
            })
        }
        None => {
            let created = github.create(target.repo, target.pr, &body)?;
            Ok(Posted::Created {
                id: created.id,
                url: created.html_url.unwrap_or_default(),
            })
        }
    }
}

fn append_summary(path: &Path, report: &str, note: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("{}: cannot open the job summary", path.display()))?;
    writeln!(file, "{report}\n\n{note}\n")
        .with_context(|| format!("{}: cannot write the job summary", path.display()))
}

/// An issue comment, as much of it as the command reads.
#[derive(Debug, Deserialize)]
struct Comment {
    id: u64,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    user: Option<User>,
    #[serde(default)]
    html_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct User {
    login: String,
}

impl Comment {
    fn is_marked(&self, target: &Target<'_>) -> bool {
        let by_author = match (target.author, &self.user) {
            (None, _) => true,
            (Some(author), Some(user)) => user.login == author,
            (Some(_), None) => false,
        };
        by_author
            && self
                .body
                .as_deref()
                .is_some_and(|body| body.contains(target.marker))
    }
}

/// A failed API call: the status GitHub answered and its `message`, shortened; no
/// status for a transport failure or an answer the command refuses to follow.
#[derive(Debug)]
pub struct ApiError {
    pub status: Option<StatusCode>,
    pub message: String,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "GitHub answered {status}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    fn transport(error: reqwest::Error) -> Self {
        // Without the URL: it is ours anyway, and the message stays one line.
        Self {
            status: None,
            message: format!("GitHub could not be reached: {}", error.without_url()),
        }
    }
}

/// The few REST calls the command makes.
struct GitHub {
    http: Client,
    api: String,
    token: SecretString,
}

impl GitHub {
    fn new(api_url: &str, token: SecretString) -> Result<Self> {
        let api = api_url.trim_end_matches('/').to_owned();
        if !(api.starts_with("https://") || api.starts_with("http://")) {
            bail!("--api-url must be an http(s) URL, got `{api}`");
        }
        let http = Client::builder()
            .user_agent(concat!("mysafe-rs-xtask/", env!("CARGO_PKG_VERSION")))
            .timeout(Duration::from_secs(30))
            // The token goes to the API only, never to where a redirect points.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .context("HTTP client")?;
        Ok(Self { http, api, token })
    }

    fn request(&self, method: reqwest::Method, url: &str) -> RequestBuilder {
        let mut bearer = HeaderValue::from_str(&format!("Bearer {}", self.token.expose_secret()))
            .unwrap_or_else(|_| HeaderValue::from_static("Bearer invalid-token"));
        bearer.set_sensitive(true);
        self.http
            .request(method, url)
            .header(AUTHORIZATION, bearer)
            .header(ACCEPT, "application/vnd.github+json")
            .header("X-GitHub-Api-Version", "2022-11-28")
    }

    /// Every comment of the pull request, following `Link: rel="next"` pages.
    fn comments(&self, repo: &str, pr: u64) -> Result<Vec<Comment>, ApiError> {
        let mut url = format!(
            "{}/repos/{repo}/issues/{pr}/comments?per_page={PER_PAGE}",
            self.api
        );
        let mut comments = Vec::new();
        for _ in 0..MAX_PAGES {
            let response = send(self.request(reqwest::Method::GET, &url))?;
            let next = next_page(&response);
            comments.extend(decode::<Vec<Comment>>(response)?);
            match next {
                None => return Ok(comments),
                // The token goes to the API only: a next page elsewhere is refused.
                Some(next) if next.starts_with(&format!("{}/", self.api)) => url = next,
                Some(_) => {
                    return Err(ApiError {
                        status: None,
                        message:
                            "the next page of comments (its Link header) is not on the API's host"
                                .into(),
                    });
                }
            }
        }
        Err(ApiError {
            status: None,
            message: format!("more than {MAX_PAGES} pages of comments"),
        })
    }

    fn create(&self, repo: &str, pr: u64, body: &str) -> Result<Comment, ApiError> {
        let url = format!("{}/repos/{repo}/issues/{pr}/comments", self.api);
        self.write(reqwest::Method::POST, &url, body)
    }

    fn update(&self, repo: &str, id: u64, body: &str) -> Result<Comment, ApiError> {
        let url = format!("{}/repos/{repo}/issues/comments/{id}", self.api);
        self.write(reqwest::Method::PATCH, &url, body)
    }

    /// Sends a comment's body; GitHub answers with the comment.
    fn write(&self, method: reqwest::Method, url: &str, body: &str) -> Result<Comment, ApiError> {
        let request = self
            .request(method, url)
            .json(&serde_json::json!({ "body": body }));
        decode(send(request)?)
    }
}

/// Sends a request; an answer other than 2xx is an error with GitHub's message.
fn send(request: RequestBuilder) -> Result<Response, ApiError> {
    let response = request.send().map_err(ApiError::transport)?;
    let status = response.status();
    if status.is_success() {
        return Ok(response);
    }
    let text = response.text().unwrap_or_default();
    Err(ApiError {
        status: Some(status),
        message: error_message(&text),
    })
}

fn decode<T: serde::de::DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let status = response.status();
    let text = response.text().map_err(ApiError::transport)?;
    serde_json::from_str(&text).map_err(|e| ApiError {
        status: Some(status),
        message: format!("unexpected answer ({e})"),
    })
}

/// GitHub's `{"message": ...}`, or a note that the body was something else. Never
/// the raw body: a proxy's error page could be anything.
fn error_message(body: &str) -> String {
    #[derive(Deserialize)]
    struct Message {
        message: String,
    }
    match serde_json::from_str::<Message>(body) {
        Ok(Message { message }) => shorten(&message, 200),
        Err(_) => "no GitHub error message in the answer".to_owned(),
    }
}

fn shorten(text: &str, max_chars: usize) -> String {
    let line = text.lines().next().unwrap_or("");
    match line.char_indices().nth(max_chars) {
        Some((cut, _)) => format!("{}...", &line[..cut]),
        None => line.to_owned(),
    }
}

/// The `rel="next"` URL of a `Link` header (`<url>; rel="next", <url>; rel="last"`).
fn next_page(response: &Response) -> Option<String> {
    let link = response.headers().get(LINK)?.to_str().ok()?;
    parse_next_link(link)
}

fn parse_next_link(link: &str) -> Option<String> {
    link.split(',').find_map(|part| {
        let (url, params) = part.trim().split_once(';')?;
        let is_next = params
            .split(';')
            .any(|param| param.trim().replace(' ', "") == "rel=\"next\"");
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        is_next.then(|| url.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_link_is_found_among_the_others() {
        let link = "<https://api.github.com/repositories/1/issues/7/comments?page=2>; rel=\"next\", \
                    <https://api.github.com/repositories/1/issues/7/comments?page=5>; rel=\"last\"";
        assert_eq!(
            parse_next_link(link).as_deref(),
            Some("https://api.github.com/repositories/1/issues/7/comments?page=2")
        );
        let last_page = "<https://api.github.com/x?page=1>; rel=\"first\", \
                         <https://api.github.com/x?page=4>; rel=\"prev\"";
        assert_eq!(parse_next_link(last_page), None);
        assert_eq!(parse_next_link("garbage"), None);
        assert_eq!(parse_next_link("<unterminated; rel=\"next\""), None);
    }

    #[test]
    fn only_a_marked_comment_by_the_author_counts() {
        let target = Target {
            repo: "o/r",
            pr: 1,
            marker: DEFAULT_MARKER,
            author: Some("github-actions[bot]"),
        };
        let comment = |login: &str, body: &str| Comment {
            id: 1,
            body: Some(body.to_owned()),
            user: Some(User {
                login: login.to_owned(),
            }),
            html_url: None,
        };
        let marked = format!("{DEFAULT_MARKER}\nreport");
        assert!(comment("github-actions[bot]", &marked).is_marked(&target));
        assert!(!comment("someone", &marked).is_marked(&target));
        assert!(!comment("github-actions[bot]", "another bot comment").is_marked(&target));
        let anyone = Target {
            author: None,
            ..target
        };
        assert!(comment("someone", &marked).is_marked(&anyone));
    }

    #[test]
    fn error_messages_are_githubs_one_line_never_the_raw_body() {
        assert_eq!(
            error_message(
                r#"{"message":"Resource not accessible by integration","documentation_url":"x"}"#
            ),
            "Resource not accessible by integration"
        );
        assert_eq!(
            error_message("<html>proxy error: token=abc</html>"),
            "no GitHub error message in the answer"
        );
        let long = format!(r#"{{"message":"{}"}}"#, "x".repeat(500));
        assert_eq!(error_message(&long).chars().count(), 203);
    }
}

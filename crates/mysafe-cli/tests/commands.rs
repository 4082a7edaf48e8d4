//! Every command of the binary against the simulator, over real sockets: list,
//! get, create and update for the three resources, token, completions, the
//! formats, `--field`, `--reveal`, rotation, bulk wiring, exit codes.

mod cli_core_support;

use cli_core_support::Env;
use serde_json::{Value, json};

const HIDDEN: &str = "<hidden: --reveal>";

#[tokio::test(flavor = "multi_thread")]
async fn token_says_whether_the_login_works() {
    let env = Env::start().await;
    let run = env.run(&["token"]).await.expect(0);
    assert_eq!(run.json()["login"], "ok", "{}", run.stdout);
    let run = env.run(&["token", "--format", "table"]).await.expect(0);
    assert!(
        run.stdout.starts_with("login works: http://127.0.0.1:"),
        "{}",
        run.stdout
    );

    let mut wrong = env.command(&["token"]);
    wrong.env("MYSAFE_CLIENT_SECRET", "not-the-secret");
    let output = wrong.output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: authentication failed"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: check the client id and secret"),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn password_create_get_list_update() {
    let env = Env::start().await;
    // The body from the file, the flag overriding one of its fields.
    let body = env.file(
        "body.json",
        &json!({"name": "from-file", "password": "Initial-Pa55", "username": "admin", "tags": "db"})
            .to_string(),
    );
    let created = env
        .run(&[
            "--format",
            "json",
            "password",
            "create",
            "--json-body",
            &body,
            "--name",
            "db-prod",
        ])
        .await
        .expect(0)
        .json();
    let id = created["identifier"].as_str().unwrap().to_owned();
    assert_eq!(created["name"], "db-prod", "the flag overrides the file");

    let got = env
        .run(&["--format", "json", "password", "get", &id])
        .await
        .expect(0)
        .json();
    assert_eq!(got["name"], "db-prod");
    assert_eq!(got["username"], "admin");
    assert_eq!(got["password"], HIDDEN);
    let revealed = env
        .run(&["password", "get", &id, "--reveal", "--format", "json"])
        .await
        .expect(0);
    assert_eq!(revealed.json()["password"], "Initial-Pa55");
    let field = env
        .run(&["password", "get", &id, "--field", "password"])
        .await
        .expect(0);
    assert_eq!(field.stdout, "Initial-Pa55\n");

    let list = env
        .run(&["password", "list", "--format", "json"])
        .await
        .expect(0)
        .json();
    let entries = list.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["identifier"], id.as_str());
    let filtered = env
        .run(&["password", "list", "--tag", "nope", "--format", "json"])
        .await
        .expect(0);
    assert_eq!(filtered.json(), json!([]));

    env.run(&["password", "update", &id, "--username", "root"])
        .await
        .expect(0);
    let got = env
        .run(&["--format", "json", "password", "get", &id])
        .await
        .expect(0)
        .json();
    assert_eq!(got["username"], "root");
    assert_eq!(got["name"], "db-prod", "an update leaves other fields");
}

#[tokio::test(flavor = "multi_thread")]
async fn rotation_from_stdin_and_generated() {
    let env = Env::start().await;
    let id = env
        .create_password(&json!({"name": "web", "password": "Old-Pa55word", "username": "u"}))
        .await;

    let run = env
        .run_with_stdin(
            &["password", "update", &id, "--password-stdin"],
            "New-Pa55word\n",
        )
        .await
        .expect(0);
    assert!(!run.stdout.contains("New-Pa55word") && !run.stderr.contains("New-Pa55word"));
    let field = env
        .run(&["password", "get", &id, "--field", "password"])
        .await
        .expect(0);
    assert_eq!(field.stdout, "New-Pa55word\n");

    let empty = env
        .run_with_stdin(&["password", "update", &id, "--password-stdin"], "\n")
        .await;
    let empty = empty.expect(1);
    assert_eq!(
        empty.stderr,
        "error: the new password read from stdin is empty\n"
    );

    let generated = env
        .run(&["password", "update", &id, "--generate", "20"])
        .await
        .expect(0);
    let value = env
        .run(&["password", "get", &id, "--field", "password"])
        .await
        .expect(0)
        .stdout;
    let value = value.trim_end();
    assert_eq!(value.chars().count(), 20);
    assert_ne!(value, "New-Pa55word");
    assert!(!generated.stdout.contains(value) && !generated.stderr.contains(value));

    let revealed = env
        .run(&["password", "update", &id, "--generate", "32", "--reveal"])
        .await
        .expect(0);
    let value = env
        .run(&["password", "get", &id, "--field", "password"])
        .await
        .expect(0)
        .stdout;
    assert_eq!(
        revealed.stdout, value,
        "--reveal prints the new password alone"
    );
    assert_eq!(value.trim_end().len(), 32);

    env.run(&["password", "update", &id, "--generate", "7"])
        .await
        .expect(1);
}

#[tokio::test(flavor = "multi_thread")]
async fn note_create_get_list_update() {
    let env = Env::start().await;
    // The body from stdin.
    let created = env
        .run_with_stdin(
            &["--format", "json", "note", "create", "--json-body", "-"],
            &json!({"name": "wifi", "note": "ssid and key", "tags": "office"}).to_string(),
        )
        .await
        .expect(0)
        .json();
    let id = created["identifier"].as_str().unwrap().to_owned();
    let got = env
        .run(&["--format", "json", "note", "get", &id])
        .await
        .expect(0)
        .json();
    assert_eq!(got["name"], "wifi");
    assert_eq!(got["note"], HIDDEN, "a note's content is a secret");
    let content = env
        .run(&["note", "get", &id, "--field", "note"])
        .await
        .expect(0);
    assert_eq!(content.stdout, "ssid and key\n");

    let lines = env
        .run(&["note", "list", "--format", "jsonl"])
        .await
        .expect(0)
        .stdout;
    let entries: Vec<Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0]["identifier"], id.as_str());

    env.run(&["note", "update", &id, "--name", "wifi-2"])
        .await
        .expect(0);
    let got = env
        .run(&["--format", "json", "note", "get", &id])
        .await
        .expect(0)
        .json();
    assert_eq!(got["name"], "wifi-2");
}

#[tokio::test(flavor = "multi_thread")]
async fn api_secret_create_get_list_update() {
    let env = Env::start().await;
    let body = env.file(
        "secret.json",
        &json!({"name": "ci", "url": "https://ci.example.com", "client_id": "ci-app", "client_secret": "Ci-S3cret"})
            .to_string(),
    );
    let created = env
        .run(&[
            "--format",
            "json",
            "api-secret",
            "create",
            "--json-body",
            &body,
        ])
        .await
        .expect(0)
        .json();
    let id = created["identifier"].as_str().unwrap().to_owned();
    let got = env
        .run(&["--format", "json", "api-secret", "get", &id])
        .await
        .expect(0)
        .json();
    assert_eq!(got["name"], "ci");
    assert_eq!(got["client_secret"], HIDDEN);
    let secret = env
        .run(&["api-secret", "get", &id, "--field", "client_secret"])
        .await
        .expect(0);
    assert_eq!(secret.stdout, "Ci-S3cret\n");

    let table = env
        .run(&["api-secret", "list", "--format", "table"])
        .await
        .expect(0)
        .stdout;
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 2, "a header and one row: {table}");
    assert!(
        lines[0].contains("IDENTIFIER") && lines[0].contains("NAME"),
        "{table}"
    );
    assert!(lines[1].contains("ci"), "{table}");

    env.run(&["api-secret", "update", &id, "--name", "ci-2"])
        .await
        .expect(0);
    let got = env
        .run(&["--format", "json", "api-secret", "get", &id])
        .await
        .expect(0)
        .json();
    assert_eq!(got["name"], "ci-2");
}

#[tokio::test(flavor = "multi_thread")]
async fn formats_of_one_item() {
    let env = Env::start().await;
    let id = env
        .create_password(&json!({"name": "db", "password": "Pa55-db", "username": "u"}))
        .await;
    let jsonl = env
        .run(&["password", "get", &id, "--format", "jsonl"])
        .await
        .expect(0)
        .stdout;
    assert_eq!(jsonl.lines().count(), 1);
    let table = env
        .run(&["password", "get", &id, "--format", "table"])
        .await
        .expect(0)
        .stdout;
    assert!(
        table
            .lines()
            .any(|line| line.split_whitespace().eq(["name", "db"])),
        "{table}"
    );
    assert!(table.contains(HIDDEN), "{table}");
    // Not a terminal: JSON by default.
    let default = env.run(&["password", "get", &id]).await.expect(0);
    assert_eq!(default.json()["name"], "db");
    let missing = env
        .run(&["password", "get", &id, "--field", "colour"])
        .await
        .expect(1);
    assert!(
        missing
            .stderr
            .starts_with("error: the answer has no field \"colour\"; its fields: "),
        "{}",
        missing.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn exit_codes() {
    let env = Env::start().await;
    let not_found = env.run(&["password", "get", "424242"]).await.expect(2);
    assert!(
        not_found.stderr.starts_with("error: MySafe error"),
        "{}",
        not_found.stderr
    );
    assert!(
        not_found.stderr.contains("hint: no such item"),
        "{}",
        not_found.stderr
    );
    env.run(&["password", "get", "--no-such-flag"])
        .await
        .expect(1);
    env.run(&["password", "get", "not-a-number"])
        .await
        .expect(1);
    env.run(&["password"]).await.expect(1);
    env.run(&[]).await.expect(1);
    env.run(&["--help"]).await.expect(0);
    env.run(&["password", "disable", "--help"]).await.expect(0);

    let mut unreachable = env.command(&["password", "list"]);
    unreachable.env("MYSAFE_URL", "http://127.0.0.1:1");
    assert_eq!(unreachable.output().unwrap().status.code(), Some(2));

    let mut no_url = env.command(&["password", "list"]);
    no_url.env_remove("MYSAFE_URL");
    let output = no_url.output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn help_has_examples() {
    let env = Env::start().await;
    let help = env.run(&["--help"]).await.expect(0).stdout;
    assert!(help.starts_with("The MySafe API of senhasegura"), "{help}");
    // The bulk verbs keep the operation's own summary (not BulkArgs' doc comment).
    let disable = env
        .run(&["password", "disable", "--help"])
        .await
        .expect(0)
        .stdout;
    assert!(
        disable.starts_with("Disable (deactivate) a password."),
        "{disable}"
    );
    assert!(
        help.contains("Examples:") && help.contains("Exit codes:"),
        "{help}"
    );
    for noun in ["password", "note", "api-secret"] {
        assert!(help.contains(noun), "{help}");
        let disable = env.run(&[noun, "disable", "--help"]).await.expect(0).stdout;
        assert!(
            disable.contains(&format!("mysafe {noun} disable --ids-from")),
            "{disable}"
        );
        let verbs = env.run(&[noun, "--help"]).await.expect(0).stdout;
        for verb in ["list", "get", "create", "update", "enable", "disable"] {
            assert!(
                verbs.contains(&format!("  {verb} ")),
                "{noun} {verb}: {verbs}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn completions_for_three_shells() {
    let env = Env::start().await;
    let bash = env.run(&["completions", "bash"]).await.expect(0).stdout;
    assert!(
        bash.contains("_mysafe()") && bash.contains("api-secret"),
        "bash"
    );
    let zsh = env.run(&["completions", "zsh"]).await.expect(0).stdout;
    assert!(zsh.starts_with("#compdef mysafe"), "zsh");
    let fish = env.run(&["completions", "fish"]).await.expect(0).stdout;
    assert!(fish.contains("complete -c mysafe"), "fish");
    env.run(&["completions", "powershell"]).await.expect(1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_malformed_body_is_refused_before_any_call() {
    let env = Env::start().await;
    let body = env.file(
        "bad.json",
        "{\n  \"name\": \"x\",\n  \"password\": \"Leak-Me-Not\" \"oops\"\n}",
    );
    env.sim.reset_stats();
    let run = env
        .run(&["password", "create", "--json-body", &body])
        .await
        .expect(1);
    assert!(
        run.stderr
            .contains("bad.json is not valid JSON at line 3 column"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Leak-Me-Not"), "{}", run.stderr);
    assert_eq!(env.calls("create_password"), 0);
    let missing = env
        .run(&["password", "create", "--json-body", "/nonexistent.json"])
        .await
        .expect(1);
    assert!(
        missing.stderr.contains("/nonexistent.json"),
        "{}",
        missing.stderr
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn two_stdin_readers_are_a_usage_error() {
    let env = Env::start().await;
    let id = env
        .create_password(&json!({"name": "db", "password": "Pa55-db", "username": "u"}))
        .await;
    env.sim.reset_stats();
    let run = env
        .run_with_stdin(
            &[
                "password",
                "update",
                &id,
                "--json-body",
                "-",
                "--password-stdin",
            ],
            "{}\nx\n",
        )
        .await
        .expect(1);
    assert_eq!(
        run.stderr,
        "error: only one option can read stdin, not both --json-body - and --password-stdin\n"
    );
    let run = env
        .run_with_stdin(
            &[
                "--client-secret-stdin",
                "password",
                "disable",
                "--ids-from",
                "-",
            ],
            "1\n",
        )
        .await
        .expect(1);
    assert!(
        run.stderr
            .contains("--client-secret-stdin and --ids-from -"),
        "{}",
        run.stderr
    );
    assert_eq!(env.sim.stats().requests, 0, "nothing was sent");
}

/// The bulk verbs are wired to `bulk::run` (their behaviour is tests/bulk*.rs's).
#[tokio::test(flavor = "multi_thread")]
async fn enable_and_disable_reach_the_bulk_commands() {
    let env = Env::start().await;
    let id = env
        .create_password(&json!({"name": "db", "password": "Pa55-db", "username": "u"}))
        .await;
    env.sim.reset_stats();
    env.run(&["password", "disable", &id, "--dry-run"])
        .await
        .expect(0);
    assert_eq!(env.calls("disable_password"), 0, "a dry run writes nothing");
    env.run(&["password", "disable", &id]).await.expect(0);
    assert_eq!(env.calls("disable_password"), 1);
    env.run(&["password", "enable", &id]).await.expect(0);
    assert_eq!(env.calls("enable_password"), 1);
    env.run(&["password", "disable", "424242"]).await.expect(3);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unknown_profile_is_named() {
    let env = Env::start().await;
    let run = env
        .run(&["--profile", "nope", "password", "list"])
        .await
        .expect(1);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(run.stderr.contains("nope"), "{}", run.stderr);
}

/// A reader that goes away (`mysafe completions bash | head -1`) ends the run
/// quietly with 0, not with a panic: stdout is a pipe whose reading end is closed
/// before the process starts, so its first write fails with EPIPE.
#[tokio::test(flavor = "multi_thread")]
async fn a_closed_stdout_is_no_error() {
    let env = Env::start().await;
    for args in [
        &["completions", "bash"][..],
        &["token"],
        &["password", "list"],
    ] {
        let mut command = env.command(args);
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = tokio::task::spawn_blocking(move || {
            command
                .stdout(writer)
                .stderr(std::process::Stdio::piped())
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
    }
}

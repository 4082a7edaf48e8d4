//! `mysafe <noun> enable|disable` as a user runs it: the built binary against a
//! simulator over real sockets, items created through `mysafe-client` first, the
//! simulator's counters as the witness of what reached the server.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use mysafe_client::types::{CreateApiSecretRequest, CreateNoteRequest, CreatePasswordRequest};
use mysafe_client::{Client, Secret};
use mysafe_sim::{Application, Fault, FaultKind, Sim, SimConfig, Target};

/// The value of every password the tests create; it must never be printed.
const PASSWORD_VALUE: &str = "pw-Vx93-never-printed";
/// How long a condition may take on a loaded machine before a test gives up.
const PATIENCE: Duration = Duration::from_secs(60);

struct World {
    sim: Sim,
    client: Client,
    dir: tempfile::TempDir,
}

impl World {
    async fn new() -> Self {
        Self::with(SimConfig::default()).await
    }

    async fn with(config: SimConfig) -> Self {
        let sim = mysafe_sim::spawn_with(config).await.unwrap();
        let client = client_of(&sim, 0);
        Self {
            sim,
            client,
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    async fn passwords(&self, count: usize, tag: &str) -> Vec<i64> {
        create_passwords(&self.client, count, tag).await
    }

    /// The `mysafe` command with the connection in the environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mysafe"));
        command
            .args(args)
            .env(mysafe_client::ENV_URL, self.sim.url())
            .env(mysafe_client::ENV_CLIENT_ID, self.sim.client_id())
            .env(mysafe_client::ENV_CLIENT_SECRET, self.sim.client_secret())
            .env_remove(mysafe_client::ENV_TENANT)
            .env_remove(mysafe_client::ENV_ROUTE_PREFIX)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        command
    }

    /// Runs `mysafe` to its end (off the runtime's threads, so the in-process
    /// simulator keeps answering) and checks that it printed no secret.
    async fn run(&self, args: &[&str], stdin: Option<&str>) -> Run {
        let mut command = self.command(args);
        if stdin.is_some() {
            command.stdin(Stdio::piped());
        }
        let input = stdin.map(str::to_owned);
        let output = tokio::task::spawn_blocking(move || {
            let mut child = command.spawn().unwrap();
            if let Some(input) = input {
                use std::io::Write;
                let mut pipe = child.stdin.take().unwrap();
                pipe.write_all(input.as_bytes()).unwrap();
            }
            child.wait_with_output().unwrap()
        })
        .await
        .unwrap();
        self.checked(output)
    }

    fn checked(&self, output: Output) -> Run {
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).unwrap(),
            stderr: String::from_utf8(output.stderr).unwrap(),
        };
        for secret in [self.sim.client_secret(), PASSWORD_VALUE] {
            assert!(!run.stdout.contains(secret), "secret on stdout: {run:?}");
            assert!(!run.stderr.contains(secret), "secret on stderr: {run:?}");
        }
        run
    }

    fn writes(&self, operation: &str) -> u64 {
        self.sim
            .stats()
            .by_operation
            .get(operation)
            .copied()
            .unwrap_or(0)
    }
}

fn client_of(sim: &Sim, application: usize) -> Client {
    let app = &sim.config().applications[application];
    Client::builder()
        .base_url(sim.url())
        .client_id(&app.client_id)
        .client_secret(app.client_secret.as_str())
        .build()
        .unwrap()
}

async fn create_passwords(client: &Client, count: usize, tag: &str) -> Vec<i64> {
    let mut ids = Vec::with_capacity(count);
    for n in 0..count {
        let created = client
            .create_password()
            .body(CreatePasswordRequest {
                groups_allowed: vec![],
                name: format!("db-{n}").parse().unwrap(),
                notes: None,
                password: Secret::new(PASSWORD_VALUE),
                secret_key: None,
                tags: Some(tag.into()),
                url: None,
                username: "admin".parse().unwrap(),
                users_allowed: vec![],
            })
            .send()
            .await
            .unwrap();
        ids.push(i64::try_from(&created.password_entity.identifier).unwrap());
    }
    ids
}

#[derive(Debug)]
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The JSONL result lines: identifier -> result.
    fn results(&self) -> BTreeMap<i64, String> {
        result_lines(&self.stdout)
            .into_iter()
            .map(|(id, result, _)| (id, result))
            .collect()
    }
}

/// (identifier, result, class) of each JSON line of `text` that has a result.
fn result_lines(text: &str) -> Vec<(i64, String, Option<String>)> {
    text.lines()
        .filter(|line| !line.is_empty())
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .filter(|value| value.get("result").is_some())
        .map(|value| {
            (
                value["identifier"].as_str().unwrap().parse().unwrap(),
                value["result"].as_str().unwrap().to_owned(),
                value["class"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

fn strings(ids: &[i64]) -> Vec<String> {
    ids.iter().map(i64::to_string).collect()
}

fn all(ids: &[i64], result: &str) -> BTreeMap<i64, String> {
    ids.iter().map(|id| (*id, result.to_owned())).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_from_arguments_a_file_stdin_and_jsonl() {
    let world = World::new().await;
    let ids = world.passwords(8, "t").await;
    world.sim.reset_stats();

    let args = strings(&ids[0..2]);
    let mut argv = vec!["password", "disable"];
    argv.extend(args.iter().map(String::as_str));
    let run = world.run(&argv, None).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.results(), all(&ids[0..2], "changed"));
    assert!(
        run.stderr
            .contains("disabled 2 of 2 passwords: 2 changed, 0 already, 0 failed"),
        "{run:?}"
    );

    let file = world.path("ids.txt");
    std::fs::write(
        &file,
        format!("# two\n{}\n\n {} \n{}\n", ids[2], ids[3], ids[2]),
    )
    .unwrap();
    let run = world
        .run(
            &["password", "disable", "--ids-from", file.to_str().unwrap()],
            None,
        )
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.results(), all(&ids[2..4], "changed"));
    assert!(run.stderr.contains("1 duplicate ids done once"), "{run:?}");

    let stdin = format!("{}\n{}\n", ids[4], ids[5]);
    let run = world
        .run(&["password", "disable", "--ids-from", "-"], Some(&stdin))
        .await;
    assert_eq!(run.results(), all(&ids[4..6], "changed"), "{run:?}");

    // The JSON lines `list --format jsonl` prints (string or number identifiers),
    // and a result line fed back in.
    let stdin = format!(
        "{{\"identifier\":\"{}\",\"name\":\"db-6\",\"tags\":\"t\"}}\n{{\"identifier\":{}}}\n{{\"identifier\":\"{}\",\"result\":\"changed\"}}\n",
        ids[6], ids[7], ids[0]
    );
    let run = world
        .run(&["password", "disable", "--ids-from", "-"], Some(&stdin))
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let mut expected = all(&ids[6..8], "changed");
    expected.insert(ids[0], "already".into());
    assert_eq!(run.results(), expected);

    // Each id reached the server once per run that named it.
    assert_eq!(world.writes("disable_password"), 9);

    let run = world
        .run(&["password", "enable", &ids[0].to_string()], None)
        .await;
    assert_eq!(run.results(), all(&ids[0..1], "changed"), "{run:?}");
    assert!(run.stderr.contains("enabled 1 of 1 passwords"), "{run:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn filters_select_through_the_list_operation() {
    let world = World::new().await;
    let leaked = world.passwords(3, "leaked").await;
    let kept = world.passwords(2, "prod").await;
    let run = world
        .run(&["password", "disable", "--tag", "leaked"], None)
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.results(), all(&leaked, "changed"));
    let still_listed = world.client.list_passwords().send().await.unwrap();
    let listed: BTreeSet<i64> = still_listed
        .password_on_list
        .iter()
        .map(|entry| i64::try_from(&entry.identifier).unwrap())
        .collect();
    assert_eq!(listed, kept.iter().copied().collect());

    let note = world
        .client
        .create_note()
        .body(CreateNoteRequest {
            groups_allowed: vec![],
            name: "runbook".parse().unwrap(),
            note: Secret::new("note body"),
            tags: None,
            users_allowed: vec![],
        })
        .send()
        .await
        .unwrap();
    let note_id = i64::try_from(&note.note_entity.identifier).unwrap();
    let run = world
        .run(&["note", "disable", "--name", "runbook"], None)
        .await;
    assert_eq!(run.results(), all(&[note_id], "changed"), "{run:?}");
    assert!(run.stderr.contains("disabled 1 of 1 notes"), "{run:?}");

    // The API-secret list has no name filter: refused before any call.
    world.sim.reset_stats();
    let run = world
        .run(&["api-secret", "disable", "--name", "x"], None)
        .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains("the api-secret list has no --name filter"),
        "{run:?}"
    );
    assert_eq!(world.sim.stats().requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn api_secrets_enable_and_disable_with_table_and_json_output() {
    let world = World::new().await;
    let created = world
        .client
        .create_api_secret()
        .body(CreateApiSecretRequest {
            client_id: "cid".parse().unwrap(),
            client_secret: Some(Secret::new(PASSWORD_VALUE)),
            groups_allowed: vec![],
            identifier_code: Some("code".into()),
            method: None,
            name: "api".parse().unwrap(),
            notes: None,
            tags: Some("ci".into()),
            url: "https://api.example".parse().unwrap(),
            users_allowed: vec![],
        })
        .send()
        .await
        .unwrap();
    let id = i64::try_from(&created.api_entity.identifier)
        .unwrap()
        .to_string();
    let run = world
        .run(
            &["api-secret", "disable", "--tag", "ci", "--format", "table"],
            None,
        )
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let rows: Vec<Vec<&str>> = run
        .stdout
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        vec![vec!["IDENTIFIER", "RESULT", "DETAIL"], vec![&id, "changed"]]
    );

    let run = world
        .run(
            &["api-secret", "enable", &id, "999999", "--format", "json"],
            None,
        )
        .await;
    assert_eq!(
        run.code,
        Some(3),
        "a missing item is a failed item: {run:?}"
    );
    let array: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let mut results: Vec<(String, String)> = array
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["identifier"].as_str().unwrap().into(),
                v["result"].as_str().unwrap().into(),
            )
        })
        .collect();
    results.sort();
    assert_eq!(
        results,
        vec![
            (id, "changed".into()),
            ("999999".into(), "not_found".into())
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_malformed_id_file_is_reported_by_line_number_and_nothing_is_called() {
    let world = World::new().await;
    let ids = world.passwords(2, "t").await;
    world.sim.reset_stats();
    let file = world.path("ids.txt");
    let mut text = format!("{}\n{}\n", ids[0], PASSWORD_VALUE);
    text.push_str("{\"identifier\":\"3\"}\n");
    text.push_str(&"oops\n".repeat(22));
    text.push_str(&format!("{}\n", ids[1]));
    std::fs::write(&file, text).unwrap();
    let run = world
        .run(
            &["password", "disable", "--ids-from", file.to_str().unwrap()],
            None,
        )
        .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("24 malformed lines in"), "{run:?}");
    assert!(
        run.stderr.contains("line 2: not a numeric identifier"),
        "{run:?}"
    );
    assert!(
        run.stderr
            .contains("line 3: a JSON line in a list of plain identifiers"),
        "{run:?}"
    );
    assert!(run.stderr.contains("and 4 more"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
    assert_eq!(world.sim.stats().requests, 0, "not even a token request");

    let run = world.run(&["password", "disable", "12", "x12"], None).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("argument 2: not a numeric identifier"),
        "{run:?}"
    );

    let run = world
        .run(
            &[
                "password",
                "disable",
                "--ids-from",
                world.path("none").to_str().unwrap(),
            ],
            None,
        )
        .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr.contains("cannot read identifiers from"),
        "{run:?}"
    );

    let run = world.run(&["password", "disable"], None).await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stderr.contains("no identifiers given"), "{run:?}");
    assert_eq!(world.sim.stats().requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dry_run_makes_no_write_call_and_writes_no_journal() {
    let world = World::new().await;
    let ids = world.passwords(4, "leaked").await;
    world.sim.reset_stats();
    let journal = world.path("journal");
    let run = world
        .run(
            &[
                "password",
                "disable",
                "--tag",
                "leaked",
                "--dry-run",
                "--journal",
                journal.to_str().unwrap(),
            ],
            None,
        )
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.results(), all(&ids, "would_change"));
    assert!(
        run.stderr
            .contains("dry run: would disable 4 of 4 passwords"),
        "{run:?}"
    );
    let stats = world.sim.stats();
    assert_eq!(stats.by_operation.get("disable_password"), None);
    assert_eq!(stats.by_operation["list_passwords"], 1);
    assert!(!journal.exists());

    // With a journal from an earlier run, the dry run leaves its items out.
    let first = strings(&ids[0..1]);
    let run = world
        .run(
            &[
                "password",
                "disable",
                &first[0],
                "--journal",
                journal.to_str().unwrap(),
            ],
            None,
        )
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    let before = std::fs::read_to_string(&journal).unwrap();
    let argv: Vec<String> = strings(&ids);
    let mut args = vec![
        "password",
        "disable",
        "--dry-run",
        "--journal",
        journal.to_str().unwrap(),
    ];
    args.extend(argv.iter().map(String::as_str));
    let run = world.run(&args, None).await;
    assert_eq!(run.results(), all(&ids[1..], "would_change"), "{run:?}");
    assert!(
        run.stderr
            .contains("would disable 3 of 4 passwords, 1 skipped (journal)"),
        "{run:?}"
    );
    assert_eq!(std::fs::read_to_string(&journal).unwrap(), before);
    assert_eq!(world.writes("disable_password"), 1);
}

/// Runs until every id is done, resuming with the journal after runs that had
/// failed items (exit 3); returns the runs.
async fn until_done(world: &World, ids: &[i64], extra: &[&str]) -> Vec<Run> {
    let journal = world.path("journal");
    let argv = strings(ids);
    let mut args = vec![
        "password",
        "disable",
        "--journal",
        journal.to_str().unwrap(),
    ];
    args.extend(extra);
    args.extend(argv.iter().map(String::as_str));
    let mut runs = Vec::new();
    loop {
        let run = world.run(&args, None).await;
        let code = run.code;
        runs.push(run);
        match code {
            Some(0) => return runs,
            Some(3) if runs.len() < 5 => continue,
            _ => panic!("unexpected end: {runs:?}"),
        }
    }
}

/// Every id changed exactly once over all the runs.
fn changed_once_each(runs: &[Run], ids: &[i64]) {
    let mut changed: BTreeMap<i64, u32> = BTreeMap::new();
    for run in runs {
        for (id, result, class) in result_lines(&run.stdout) {
            match result.as_str() {
                "changed" => *changed.entry(id).or_default() += 1,
                "error" => assert!(
                    matches!(class.as_deref(), Some("gateway" | "transport" | "timeout")),
                    "{run:?}"
                ),
                other => panic!("unexpected result {other}: {run:?}"),
            }
        }
    }
    assert_eq!(changed, ids.iter().map(|id| (*id, 1)).collect());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_storm_of_bad_gateways_is_retried_and_every_item_changed_once() {
    let world = World::new().await;
    let ids = world.passwords(30, "t").await;
    world.sim.reset_stats();
    world.sim.inject(Fault {
        target: Target::Operation("disable_password".into()),
        kind: FaultKind::KongBadGateway,
        times: 20,
    });
    let runs = until_done(&world, &ids, &[]).await;
    changed_once_each(&runs, &ids);
    // Every 502 was used up, and each item got exactly one real answer.
    assert_eq!(world.writes("disable_password"), 30 + 20);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_retried_and_every_item_changed_once() {
    let world = World::new().await;
    let ids = world.passwords(20, "t").await;
    world.sim.reset_stats();
    world.sim.inject(Fault {
        target: Target::Operation("disable_password".into()),
        kind: FaultKind::DropConnection,
        times: 6,
    });
    let runs = until_done(&world, &ids, &["--concurrency", "4"]).await;
    changed_once_each(&runs, &ids);
    assert_eq!(world.writes("disable_password"), 20 + 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_applications_item_is_no_access_and_the_others_are_done() {
    let config = SimConfig {
        applications: vec![Application::generate(), Application::generate()],
        ..SimConfig::default()
    };
    let world = World::with(config).await;
    let mine = world.passwords(6, "t").await;
    let theirs = create_passwords(&client_of(&world.sim, 1), 1, "t").await[0];
    let mut ids = mine.clone();
    ids.insert(3, theirs);
    ids.push(987_654);
    let journal = world.path("journal");
    let argv = strings(&ids);
    let mut args = vec![
        "password",
        "disable",
        "--journal",
        journal.to_str().unwrap(),
    ];
    args.extend(argv.iter().map(String::as_str));
    let run = world.run(&args, None).await;
    assert_eq!(run.code, Some(3), "{run:?}");
    let mut expected = all(&mine, "changed");
    expected.insert(theirs, "no_access".into());
    expected.insert(987_654, "not_found".into());
    assert_eq!(run.results(), expected);
    assert!(
        run.stderr.contains("disabled 6 of 8 passwords: 6 changed, 0 already, 2 failed (1 not_found, 1 no_access, 0 error)"),
        "{run:?}"
    );
    // no_access and not_found are final: a re-run calls nothing.
    world.sim.reset_stats();
    let run = world.run(&args, None).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stderr.contains("8 skipped (journal)"), "{run:?}");
    assert_eq!(world.writes("disable_password"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_credentials_stop_the_run_before_the_items() {
    let world = World::new().await;
    let ids = world.passwords(20, "t").await;
    world.sim.reset_stats();
    let argv = strings(&ids);
    let mut args = vec!["password", "disable", "--concurrency", "2"];
    args.extend(argv.iter().map(String::as_str));
    let mut command = world.command(&args);
    command.env(mysafe_client::ENV_CLIENT_SECRET, "wrong-secret-value");
    let output = tokio::task::spawn_blocking(move || command.output().unwrap())
        .await
        .unwrap();
    let run = world.checked(output);
    assert!(!run.stderr.contains("wrong-secret-value"), "{run:?}");
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(
        run.stderr.contains("error: stopped: authentication failed"),
        "{run:?}"
    );
    assert!(run.stderr.contains("18 not started"), "{run:?}");
    assert_eq!(world.writes("disable_password"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_journal_of_another_command_is_refused() {
    let world = World::new().await;
    let ids = strings(&world.passwords(1, "t").await);
    let journal = world.path("journal");
    let journal = journal.to_str().unwrap();
    let run = world
        .run(
            &["password", "disable", &ids[0], "--journal", journal],
            None,
        )
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    world.sim.reset_stats();
    let run = world
        .run(&["note", "enable", "1", "--journal", journal], None)
        .await;
    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(
        run.stderr
            .contains("was written by `password disable`, not `note enable`"),
        "{run:?}"
    );
    assert_eq!(world.sim.stats().requests, 0);
}

/// Journal lines (after the header): (identifier, result).
fn journal_entries(path: &Path) -> Vec<(i64, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    // A torn last line (no newline yet) is not an entry.
    let complete = &text[..text.rfind('\n').map_or(0, |end| end + 1)];
    result_lines(complete)
        .into_iter()
        .map(|(id, result, _)| (id, result))
        .collect()
}

/// Starts `mysafe password disable` over `ids` with a journal, slowed from the
/// `slow_from`-th request on, and waits until the journal has `lines` entries.
async fn start_slowed(
    world: &World,
    ids: &[i64],
    concurrency: &str,
    slow_from: u64,
    lines: usize,
) -> Child {
    world.sim.reset_stats();
    world.sim.inject(Fault {
        target: Target::NthRequest(slow_from),
        kind: FaultKind::Latency(Duration::from_millis(400)),
        times: 100_000,
    });
    let file = world.path("ids.txt");
    std::fs::write(&file, strings(ids).join("\n")).unwrap();
    let journal = world.path("journal");
    let args = [
        "password",
        "disable",
        "--ids-from",
        file.to_str().unwrap(),
        "--journal",
        journal.to_str().unwrap(),
        "--concurrency",
        concurrency,
    ];
    let child = world.command(&args).spawn().unwrap();
    let started = Instant::now();
    while journal_entries(&journal).len() < lines {
        assert!(
            started.elapsed() < PATIENCE,
            "the journal did not reach {lines} lines"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    child
}

async fn wait(world: &World, child: Child) -> Run {
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    world.checked(output)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_run_resumes_from_its_journal_and_changes_each_item_once() {
    let world = World::new().await;
    let ids = world.passwords(60, "t").await;
    let journal = world.path("journal");
    // Request 1 is the token; 2..=11 are fast, the rest take 400 ms each.
    let mut child = start_slowed(&world, &ids, "4", 12, 10).await;
    child.kill().unwrap();
    let killed = wait(&world, child).await;
    assert_eq!(killed.code, None, "killed by a signal: {killed:?}");
    let recorded = journal_entries(&journal).len();
    assert!(recorded >= 10 && recorded < ids.len(), "{recorded}");
    let seen_by_the_first_run = world.writes("disable_password");

    world.sim.clear_faults();
    let run = world
        .run(
            &[
                "password",
                "disable",
                "--ids-from",
                world.path("ids.txt").to_str().unwrap(),
                "--journal",
                journal.to_str().unwrap(),
                "--concurrency",
                "4",
            ],
            None,
        )
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr
            .contains(&format!("{recorded} skipped (journal)")),
        "{run:?}"
    );

    // What is guaranteed: every id has exactly one `changed` over both runs, and
    // an id is called again only if it was in flight at the kill (at most
    // --concurrency of them), where the second call answers `already`.
    let entries = journal_entries(&journal);
    let mut changed: BTreeMap<i64, u32> = BTreeMap::new();
    let mut already = 0u64;
    for (id, result) in &entries {
        match result.as_str() {
            "changed" => *changed.entry(*id).or_default() += 1,
            "already" => already += 1,
            other => panic!("unexpected {other} for {id}"),
        }
    }
    assert_eq!(changed, ids.iter().map(|id| (*id, 1)).collect());
    assert!(already <= 4, "{already}");
    let total = world.writes("disable_password");
    let redone = total - ids.len() as u64;
    assert!(redone <= 4, "ids called twice: {redone}");
    assert!(seen_by_the_first_run >= recorded as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_on_a_journal_in_use_is_refused_and_calls_nothing() {
    let world = World::new().await;
    let ids = world.passwords(20, "t").await;
    let journal = world.path("journal");
    let mut first = start_slowed(&world, &ids, "2", 4, 2).await;
    let tokens_before = world.sim.stats().token_requests;
    let second = world
        .run(
            &[
                "password",
                "disable",
                "--ids-from",
                world.path("ids.txt").to_str().unwrap(),
                "--journal",
                journal.to_str().unwrap(),
            ],
            None,
        )
        .await;
    assert_eq!(second.code, Some(1), "{second:?}");
    assert!(
        second.stderr.contains("in use by another mysafe run"),
        "{second:?}"
    );
    assert!(second.results().is_empty(), "{second:?}");
    // The first run logged in long ago; any call of the second would have needed a
    // token of its own (a new process), so none was asked for means none was made.
    assert_eq!(world.sim.stats().token_requests, tokens_before);
    first.kill().unwrap();
    let _ = wait(&world, first).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_finishes_the_calls_in_flight_records_them_and_a_rerun_does_the_rest() {
    let world = World::new().await;
    let ids = world.passwords(40, "t").await;
    let journal = world.path("journal");
    let child = start_slowed(&world, &ids, "4", 8, 6).await;
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: kill(2) with a child's pid and a signal number has no memory effects.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
    let interrupted = wait(&world, child).await;
    assert_eq!(interrupted.code, Some(130), "{interrupted:?}");
    assert!(
        interrupted.stderr.contains("interrupted: disabled"),
        "{interrupted:?}"
    );
    assert!(
        interrupted.stderr.contains("not started"),
        "{interrupted:?}"
    );
    let entries = journal_entries(&journal);
    // Every call that reached the server finished and has its line, on stdout too.
    assert_eq!(world.writes("disable_password"), entries.len() as u64);
    assert_eq!(interrupted.results().len(), entries.len());
    assert!(entries.len() < ids.len());

    world.sim.clear_faults();
    let run = world
        .run(
            &[
                "password",
                "disable",
                "--ids-from",
                world.path("ids.txt").to_str().unwrap(),
                "--journal",
                journal.to_str().unwrap(),
            ],
            None,
        )
        .await;
    assert_eq!(run.code, Some(0), "{run:?}");
    // No id twice, none skipped: each reached the server exactly once.
    assert_eq!(world.writes("disable_password"), ids.len() as u64);
    let done: BTreeMap<i64, String> = journal_entries(&journal).into_iter().collect();
    assert_eq!(done, all(&ids, "changed"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_come_from_one_place_only_and_concurrency_is_at_least_one() {
    let world = World::new().await;
    for args in [
        &["password", "disable", "1", "--tag", "x"][..],
        &["password", "disable", "1", "--ids-from", "ids.txt"],
        &[
            "password",
            "disable",
            "--ids-from",
            "ids.txt",
            "--name",
            "x",
        ],
        &["password", "disable", "1", "--concurrency", "0"],
    ] {
        let run = world.run(args, None).await;
        assert_eq!(run.code, Some(1), "{args:?}: {run:?}");
        assert!(run.stderr.contains("error:"), "{args:?}: {run:?}");
    }
    assert_eq!(world.sim.stats().requests, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_most_concurrency_calls_are_in_flight() {
    let world = World::new().await;
    let ids = world.passwords(12, "t").await;
    world.sim.reset_stats();
    world.sim.inject(Fault {
        target: Target::Operation("disable_password".into()),
        kind: FaultKind::Latency(Duration::from_millis(300)),
        times: 12,
    });
    let journal = world.path("journal");
    let argv = strings(&ids);
    let mut args = vec![
        "password",
        "disable",
        "--concurrency",
        "3",
        "--journal",
        journal.to_str().unwrap(),
    ];
    args.extend(argv.iter().map(String::as_str));
    let mut child = world.command(&args).spawn().unwrap();
    let started = Instant::now();
    let mut most_in_flight = 0;
    while child.try_wait().unwrap().is_none() {
        // Received by the server, minus finished (a journal line is written after
        // the answer): read in this order, the difference never overstates.
        let received = world.writes("disable_password");
        let finished = journal_entries(&journal).len() as u64;
        let in_flight = received.saturating_sub(finished);
        assert!(in_flight <= 3, "{in_flight} calls in flight");
        most_in_flight = most_in_flight.max(in_flight);
        assert!(started.elapsed() < PATIENCE, "the run did not end");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let run = wait(&world, child).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(
        most_in_flight, 3,
        "the calls overlapped up to --concurrency"
    );
    assert_eq!(world.writes("disable_password"), 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_torn_last_journal_line_is_cut_away_and_its_item_done() {
    let world = World::new().await;
    let ids = world.passwords(3, "t").await;
    let journal = world.path("journal");
    // What a process killed in the middle of writing the line for ids[1] leaves.
    std::fs::write(
        &journal,
        format!(
            "{{\"mysafe_bulk_journal\":1,\"resource\":\"password\",\"action\":\"disable\"}}\n\
             {{\"identifier\":\"{}\",\"result\":\"changed\"}}\n{{\"identifier\":\"{}\",\"res",
            ids[0], ids[1]
        ),
    )
    .unwrap();
    world.sim.reset_stats();
    let argv = strings(&ids);
    let mut args = vec![
        "password",
        "disable",
        "--journal",
        journal.to_str().unwrap(),
    ];
    args.extend(argv.iter().map(String::as_str));
    let run = world.run(&args, None).await;
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.results(), all(&ids[1..], "changed"));
    assert_eq!(world.writes("disable_password"), 2);
    let entries = journal_entries(&journal);
    assert_eq!(entries.len(), 3, "the torn line is gone: {entries:?}");
    assert!(std::fs::read_to_string(&journal).unwrap().ends_with('\n'));
}

//! `cargo bench -p mysafe-cli --bench bulk`: the figures of BENCHMARKS.md's
//! "Command line: bulk" section.
//!
//! 1. Throughput: a bulk disable of 10,000 ids at concurrency 64 through
//!    `bulk::run_to` (results to a sink), with and without a journal, against a
//!    plain-reqwest loop with the same concurrency (token fetched once, then the
//!    disable route with `buffer_unordered(64)`), interleaved, all against one
//!    in-process `mysafe-sim`.
//! 2. Peak memory (`VmHWM`, polled) of the built `mysafe` binary for 10,000
//!    and 100,000 ids, with and without a journal, and resuming from a complete one.
//! 3. The cost of an `fdatasync` per journal line, which the journal does not pay.
//!
//! Not a test: it asserts nothing about speed, it prints.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures::stream::{self, StreamExt};
use mysafe_cli::bulk::{self, Action, BulkArgs, Resource, ResultFormat};
use mysafe_client::types::{CreatePasswordRequest, StatusResponse};
use mysafe_client::{Client, ClientInfo, Secret};
use mysafe_sim::Sim;

const THROUGHPUT_IDS: usize = 10_000;
const MEMORY_IDS: usize = 100_000;
const CONCURRENCY: usize = 64;
const ROUNDS: usize = 7;

fn main() {
    // `cargo bench` passes `--bench`; the other arguments select the callgrind mode.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    if let [mode, side, count] = args.as_slice()
        && mode == "instructions"
    {
        let count = count.parse().expect("a count of ids");
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(instructions(side, count));
        return;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench());
}

async fn bench() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = Client::builder()
        .base_url(sim.url())
        .client_id(sim.client_id())
        .client_secret(sim.client_secret())
        .build()
        .unwrap();
    let started = Instant::now();
    let ids = create_passwords(&client, MEMORY_IDS).await;
    println!(
        "created {} passwords in {:.1} s",
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bulk-bench");
    std::fs::create_dir_all(&dir).unwrap();

    throughput(&sim, &client, &ids[..THROUGHPUT_IDS], &dir).await;
    memory(&sim, &ids, &dir).await;
    fsync_cost(&dir);
    // The id files and journals (a few MiB) are of no use after the run.
    let _ = std::fs::remove_dir_all(&dir);
}

/// For callgrind (BENCHMARKS.md says how): creates `count` items, disables them
/// once with plain reqwest (so every measured call answers "already", as in the
/// wall-clock rounds), then runs `side` (`none`, `plain`, `bulk` or `journal`)
/// over them, on one runtime thread. The difference between two counts, divided,
/// is the cost of one id; `none` is the creation and warm-up to subtract.
async fn instructions(side: &str, count: usize) {
    let sim = mysafe_sim::spawn().await.unwrap();
    let client = Client::builder()
        .base_url(sim.url())
        .client_id(sim.client_id())
        .client_secret(sim.client_secret())
        .build()
        .unwrap();
    let ids = create_passwords(&client, count).await;
    let http = client.client().clone();
    let token = token(&http, &sim).await;
    let base = sim.url();
    plain_round(&http, &base, &token, &ids).await;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bulk-bench-instructions");
    std::fs::create_dir_all(&dir).unwrap();
    let ids_file = dir.join(format!("ids-{count}.txt"));
    write_ids(&ids_file, &ids);
    match side {
        "none" => {}
        "plain" => {
            plain_round(&http, &base, &token, &ids).await;
        }
        "bulk" => {
            bulk_round(&client, &bulk_args(&ids_file, None), count).await;
        }
        "journal" => {
            let journal = Some(dir.join(format!("journal-{count}")));
            bulk_round(&client, &bulk_args(&ids_file, journal), count).await;
        }
        other => panic!("unknown side {other}: none, plain, bulk or journal"),
    }
}

async fn create_passwords(client: &Client, count: usize) -> Vec<i64> {
    stream::iter(0..count)
        .map(|n| async move {
            let created = client
                .create_password()
                .body(CreatePasswordRequest {
                    groups_allowed: vec![],
                    name: format!("db-{n}").parse().unwrap(),
                    notes: None,
                    password: Secret::new("pw"),
                    secret_key: None,
                    tags: None,
                    url: None,
                    username: "admin".parse().unwrap(),
                    users_allowed: vec![],
                })
                .send()
                .await
                .unwrap();
            i64::try_from(&created.password_entity.identifier).unwrap()
        })
        .buffered(CONCURRENCY)
        .collect()
        .await
}

fn write_ids(path: &Path, ids: &[i64]) {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    for id in ids {
        writeln!(file, "{id}").unwrap();
    }
    file.flush().unwrap();
}

fn bulk_args(ids_file: &Path, journal: Option<PathBuf>) -> BulkArgs {
    BulkArgs {
        ids_from: Some(ids_file.to_owned()),
        concurrency: CONCURRENCY as u16,
        journal,
        no_progress: true,
        ..BulkArgs::default()
    }
}

/// What one round measured.
#[derive(Clone, Copy)]
struct Round {
    /// Ids per second of wall-clock time.
    per_second: f64,
    /// CPU time of the whole process (simulator included) per id, in µs.
    cpu_per_id: f64,
}

impl Round {
    fn of(count: usize, started: Instant, cpu_before: Duration) -> Self {
        let (elapsed, cpu) = (started.elapsed(), cpu_time() - cpu_before);
        Self {
            per_second: count as f64 / elapsed.as_secs_f64(),
            cpu_per_id: cpu.as_secs_f64() * 1e6 / count as f64,
        }
    }
}

/// User and system CPU time of this process so far (every thread).
fn cpu_time() -> Duration {
    // SAFETY: rusage is plain data that getrusage fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) }, 0);
    let micros = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
    Duration::from_micros(micros(usage.ru_utime) + micros(usage.ru_stime))
}

/// One `bulk::run_to`.
async fn bulk_round(client: &Client, args: &BulkArgs, count: usize) -> Round {
    if let Some(journal) = &args.journal {
        let _ = std::fs::remove_file(journal);
    }
    let (started, cpu) = (Instant::now(), cpu_time());
    let report = bulk::run_to(
        client,
        Resource::Password,
        Action::Disable,
        args,
        ResultFormat::Jsonl,
        &mut std::io::sink(),
    )
    .await
    .unwrap();
    let round = Round::of(count, started, cpu);
    assert_eq!(report.changed + report.already, count as u64);
    round
}

/// The same disables with plain reqwest: one token, then the route, decoded as the
/// client decodes it.
async fn plain_round(http: &reqwest::Client, base: &str, token: &str, ids: &[i64]) -> Round {
    let (started, cpu) = (Instant::now(), cpu_time());
    let ok = stream::iter(ids)
        .map(|id| async move {
            let answer = http
                .post(format!("{base}/api/mysafe/password/inactive/{id}"))
                .bearer_auth(token)
                .header("accept", "application/json")
                .header("api-version", "3.33")
                .send()
                .await
                .unwrap();
            assert_eq!(answer.status(), 200);
            let body = answer.bytes().await.unwrap();
            serde_json::from_slice::<StatusResponse>(&body).is_ok()
        })
        .buffer_unordered(CONCURRENCY)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    let round = Round::of(ids.len(), started, cpu);
    assert_eq!(ok, ids.len());
    round
}

/// The same disables through `mysafe-client` in the same loop: the SDK without the
/// CLI around it, to tell the two layers' costs apart.
async fn sdk_round(client: &Client, ids: &[i64]) -> Round {
    let (started, cpu) = (Instant::now(), cpu_time());
    let ok = stream::iter(ids)
        .map(|id| async move {
            client
                .disable_password()
                .identifier(*id)
                .send()
                .await
                .is_ok()
        })
        .buffer_unordered(CONCURRENCY)
        .filter(|ok| std::future::ready(*ok))
        .count()
        .await;
    let round = Round::of(ids.len(), started, cpu);
    assert_eq!(ok, ids.len());
    round
}

async fn token(http: &reqwest::Client, sim: &Sim) -> String {
    let body = format!(
        "grant_type=client_credentials&client_id={}&client_secret={}",
        sim.client_id(),
        sim.client_secret()
    );
    let answer = http
        .post(format!("{}/api/oauth2/token", sim.url()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body)
        .send()
        .await
        .unwrap();
    let value: serde_json::Value = serde_json::from_slice(&answer.bytes().await.unwrap()).unwrap();
    value["access_token"].as_str().unwrap().to_owned()
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

async fn throughput(sim: &Sim, client: &Client, ids: &[i64], dir: &Path) {
    let ids_file = dir.join("ids-10k.txt");
    write_ids(&ids_file, ids);
    let plain_args = bulk_args(&ids_file, None);
    let journal_args = bulk_args(&ids_file, Some(dir.join("journal-10k")));
    // The very HTTP client inside `client` (same settings, same pool), as in
    // mysafe-client's own benchmark, so the comparison measures the layers above.
    let http = client.client().clone();
    let token = token(&http, sim).await;
    let base = sim.url();

    // Warm-up: every item gets disabled, so each measured call answers "already".
    bulk_round(client, &plain_args, ids.len()).await;
    plain_round(&http, &base, &token, ids).await;

    let mut rounds: Vec<[Round; 4]> = Vec::new();
    println!(
        "\nthroughput: disable of {} ids at concurrency {CONCURRENCY}: ids/s (CPU µs per id, simulator included)",
        ids.len()
    );
    println!(
        "{:>6} {:<18} {:<18} {:<18} {:<18} ratio  ratio(journal)",
        "round", "plain reqwest", "mysafe-client loop", "bulk::run", "bulk::run+journal"
    );
    for round in 1..=ROUNDS {
        // The order alternates, so no side always runs on a warmer machine.
        let sides = if round % 2 == 1 {
            let plain = plain_round(&http, &base, &token, ids).await;
            let sdk = sdk_round(client, ids).await;
            let bulk = bulk_round(client, &plain_args, ids.len()).await;
            let journaled = bulk_round(client, &journal_args, ids.len()).await;
            [plain, sdk, bulk, journaled]
        } else {
            let journaled = bulk_round(client, &journal_args, ids.len()).await;
            let bulk = bulk_round(client, &plain_args, ids.len()).await;
            let sdk = sdk_round(client, ids).await;
            let plain = plain_round(&http, &base, &token, ids).await;
            [plain, sdk, bulk, journaled]
        };
        print_round(&round.to_string(), sides);
        rounds.push(sides);
    }
    let median_of = |side: usize| {
        let mut per_second: Vec<f64> = rounds.iter().map(|r| r[side].per_second).collect();
        let mut cpu: Vec<f64> = rounds.iter().map(|r| r[side].cpu_per_id).collect();
        Round {
            per_second: median(&mut per_second),
            cpu_per_id: median(&mut cpu),
        }
    };
    let medians = [median_of(0), median_of(1), median_of(2), median_of(3)];
    print_round("median", medians);
    let mut ratios: Vec<f64> = rounds
        .iter()
        .map(|r| r[2].per_second / r[0].per_second)
        .collect();
    println!(
        "median of the rounds' ratios bulk::run / plain: {:.3}; CPU-time ratio (plain CPU per id / bulk CPU per id): {:.3}, with journal {:.3}",
        median(&mut ratios),
        medians[0].cpu_per_id / medians[2].cpu_per_id,
        medians[0].cpu_per_id / medians[3].cpu_per_id
    );
}

fn print_round(label: &str, [plain, sdk, bulk, journaled]: [Round; 4]) {
    let cell = |r: Round| format!("{:>6.0} ({:>5.1})", r.per_second, r.cpu_per_id);
    println!(
        "{label:>6} {:<18} {:<18} {:<18} {:<18} {:.3}  {:.3}",
        cell(plain),
        cell(sdk),
        cell(bulk),
        cell(journaled),
        bulk.per_second / plain.per_second,
        journaled.per_second / plain.per_second
    );
}

/// Runs the built binary as a child and returns its peak RSS in KiB (the largest
/// `VmHWM` its `/proc/PID/status` showed), its time and its exit code.
///
/// Not `wait4`'s `ru_maxrss`: on Linux it includes the memory of the process the
/// child was forked from (std spawns with `vfork`, and `exec` records the old,
/// shared address space's peak), which here is the benchmark with a simulator
/// holding 100,000 items.
fn child_peak(sim: &Sim, args: &[&str]) -> (u64, Duration, i32) {
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_mysafe"))
        .args(args)
        .env(mysafe_client::ENV_URL, sim.url())
        .env(mysafe_client::ENV_CLIENT_ID, sim.client_id())
        .env(mysafe_client::ENV_CLIENT_SECRET, sim.client_secret())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak = 0;
    let status = loop {
        // VmHWM only grows, and the status file of an exited (not yet reaped)
        // child has none, so the last reading before the exit is the peak.
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .as_deref()
            .and_then(vm_hwm_kib)
        {
            peak = peak.max(kib);
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    (peak, started.elapsed(), status.code().unwrap_or(-1))
}

/// `VmHWM:     5120 kB` from a `/proc/PID/status`.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

async fn memory(sim: &Sim, ids: &[i64], dir: &Path) {
    let ten_k = dir.join("ids-10k.txt");
    let hundred_k = dir.join("ids-100k.txt");
    let one_k = dir.join("ids-1k.txt");
    write_ids(&one_k, &ids[..1_000]);
    write_ids(&hundred_k, ids);
    let journal = dir.join("journal-100k");
    let _ = std::fs::remove_file(&journal);
    let concurrency = CONCURRENCY.to_string();
    let path = |p: &Path| p.to_str().unwrap().to_owned();
    let runs: Vec<(&str, Vec<String>)> = vec![
        ("1,000 ids", vec![path(&one_k)]),
        ("10,000 ids", vec![path(&ten_k)]),
        ("100,000 ids", vec![path(&hundred_k)]),
        (
            "100,000 ids, new journal",
            vec![path(&hundred_k), "--journal".into(), path(&journal)],
        ),
        (
            "100,000 ids, resumed from a complete journal",
            vec![path(&hundred_k), "--journal".into(), path(&journal)],
        ),
    ];
    println!(
        "\npeak memory of `mysafe password disable --ids-from FILE --concurrency {CONCURRENCY}` (max RSS)"
    );
    for (label, extra) in runs {
        let mut args: Vec<String> = [
            "password",
            "disable",
            "--concurrency",
            &concurrency,
            "--ids-from",
        ]
        .map(str::to_owned)
        .into();
        args.extend(extra);
        let (kib, elapsed, code) = tokio::task::block_in_place(|| {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            child_peak(sim, &args)
        });
        assert_eq!(code, 0, "{label}");
        println!(
            "{label:<48} {:>7.1} MiB  ({:.1} s)",
            kib as f64 / 1024.0,
            elapsed.as_secs_f64()
        );
    }
}

/// Appending 10,000 journal-sized lines with one write each, with and without an
/// fdatasync after each, on the target directory's file system.
fn fsync_cost(dir: &Path) {
    let line = "{\"identifier\":\"123456\",\"result\":\"changed\"}\n";
    let count = 2_000;
    println!(
        "\njournal append of {count} lines, one write(2) each, in {}",
        dir.display()
    );
    for sync in [false, true] {
        let path = dir.join("fsync-probe");
        let _ = std::fs::remove_file(&path);
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .unwrap();
        let started = Instant::now();
        for _ in 0..count {
            file.write_all(line.as_bytes()).unwrap();
            if sync {
                file.sync_data().unwrap();
            }
        }
        let per_line = started.elapsed() / count;
        println!(
            "  {:<22} {:>9.1} µs per line",
            if sync {
                "fdatasync per line"
            } else {
                "write only"
            },
            per_line.as_secs_f64() * 1e6
        );
    }
    // What the journal does pay: one fdatasync at the end of a run of 10,000 lines.
    let path = dir.join("fsync-probe-end");
    let _ = std::fs::remove_file(&path);
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .unwrap();
    for _ in 0..10_000 {
        file.write_all(line.as_bytes()).unwrap();
    }
    let started = Instant::now();
    file.sync_data().unwrap();
    println!(
        "  one fdatasync after 10,000 lines: {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
}

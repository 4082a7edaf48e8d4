//! `ConnectionArgs` end to end: parsed by clap as the binary parses them, resolved
//! from a real config file, and the client they build making real calls to
//! `mysafe-sim` over a socket.

use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use clap::Parser;
use mysafe_cli::connect::{Connection, ConnectionArgs};
use mysafe_sim::{Application, Fault, FaultKind, Sim, SimConfig, Target};

/// The connection options as the binary has them: flattened into a top-level command.
#[derive(Parser, Debug)]
struct T {
    #[command(flatten)]
    c: ConnectionArgs,
}

fn parse(args: &[&str]) -> ConnectionArgs {
    let argv = std::iter::once("mysafe").chain(args.iter().copied());
    T::try_parse_from(argv).expect("arguments parse").c
}

/// A temporary home with a config file and a secret file for `sim`.
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn write(&self, name: &str, content: &str, mode: u32) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        set_mode(&path, mode);
        path
    }

    fn config(&self, content: &str) -> String {
        let path = self.write("config.toml", content, 0o600);
        path.to_str().unwrap().to_owned()
    }

    /// A profile `sim` for the simulator, its secret in a file, plus `extra` lines.
    fn sim_profile(&self, sim: &Sim, extra: &str) -> String {
        let secret = self.write("sim.secret", &format!("{}\n", sim.client_secret()), 0o600);
        self.config(&format!(
            "[profiles.sim]\nurl = \"{}\"\nclient_id = \"{}\"\nclient_secret_file = \"{}\"\n{extra}",
            sim.url(),
            sim.client_id(),
            secret.display()
        ))
    }

    /// An environment with only `HOME`, so the test does not depend on the
    /// variables of the process that runs it.
    fn env(&self) -> impl Fn(&str) -> Option<OsString> + use<> {
        let home = self.dir.path().as_os_str().to_owned();
        move |name| (name == "HOME").then(|| home.clone())
    }

    fn connect(&self, args: &ConnectionArgs) -> Connection {
        args.connect_with(self.env(), io::empty())
            .expect("connection settings resolve")
    }
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) {}

async fn list_count(connection: &Connection) -> Result<usize, mysafe_client::Error> {
    let answer = connection.client.list_passwords().send().await?;
    Ok(answer.into_inner().password_on_list.len())
}

#[tokio::test]
async fn a_profile_file_reaches_the_simulator() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let setup = Setup::new();
    let config = setup.sim_profile(&sim, "");
    let args = parse(&["--config", &config, "--profile", "sim"]);
    let connection = setup.connect(&args);
    assert!(connection.warnings.is_empty(), "{:?}", connection.warnings);
    list_count(&connection)
        .await
        .expect("list_passwords succeeds");
    let stats = sim.stats();
    assert_eq!(stats.token_requests, 1);
    assert_eq!(stats.by_operation["list_passwords"], 1);
}

#[tokio::test]
async fn connect_reads_flags_and_a_secret_file_flag() {
    // Through `connect()` and the real environment: every setting a variable could
    // give comes from a flag, so the test's own environment does not matter.
    let sim = mysafe_sim::spawn().await.unwrap();
    let setup = Setup::new();
    let config = setup.config("[profiles.empty]\n");
    let secret = setup.write("flag.secret", sim.client_secret(), 0o600);
    let args = parse(&[
        "--config",
        &config,
        "--profile",
        "empty",
        "--url",
        &sim.url(),
        "--client-id",
        sim.client_id(),
        "--client-secret-file",
        secret.to_str().unwrap(),
    ]);
    let connection = args.connect().expect("connection settings resolve");
    list_count(&connection)
        .await
        .expect("list_passwords succeeds");
}

#[tokio::test]
async fn the_secret_can_come_from_stdin() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let setup = Setup::new();
    let config = setup.config(&format!(
        "[profiles.sim]\nurl = \"{}\"\nclient_id = \"{}\"\n",
        sim.url(),
        sim.client_id()
    ));
    let args = parse(&[
        "--config",
        &config,
        "--profile",
        "sim",
        "--client-secret-stdin",
    ]);
    assert!(args.reads_stdin());
    let stdin = format!(
        "{}\nids that another reader would get\n",
        sim.client_secret()
    );
    let connection = args
        .connect_with(setup.env(), stdin.as_bytes())
        .expect("connection settings resolve");
    list_count(&connection)
        .await
        .expect("list_passwords succeeds");
}

#[tokio::test]
async fn a_wrong_secret_fails_at_login_without_showing_it() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let setup = Setup::new();
    let config = setup.config(&format!(
        "[profiles.sim]\nurl = \"{}\"\nclient_id = \"{}\"\nclient_secret = \"wrong-secret-value\"\n",
        sim.url(),
        sim.client_id()
    ));
    let connection = setup.connect(&parse(&["--config", &config, "--profile", "sim"]));
    let error = list_count(&connection).await.unwrap_err();
    assert!(error.is_auth(), "{error}");
    assert!(!error.to_string().contains("wrong-secret-value"), "{error}");
    assert_eq!(sim.stats().by_operation.get("list_passwords"), None);
}

#[tokio::test]
async fn tenant_and_route_prefix_from_the_profile_reach_the_wire() {
    let mut app = Application::generate();
    app.tenant = Some("acme".into());
    let sim = mysafe_sim::spawn_with(SimConfig {
        applications: vec![app],
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let setup = Setup::new();
    let config = setup.sim_profile(&sim, "tenant = \"acme\"\nroute_prefix = \"/iso\"\n");
    let connection = setup.connect(&parse(&["--config", &config, "--profile", "sim"]));
    list_count(&connection)
        .await
        .expect("list_passwords succeeds");
    let stats = sim.stats();
    assert_eq!(stats.by_prefix.get("/api"), None, "{stats:?}");
    assert_eq!(stats.by_prefix["/iso"], 2, "{stats:?}");

    // The flag beats the profile: without the tenant, MySafe refuses the login.
    let connection = setup.connect(&parse(&[
        "--config",
        &config,
        "--profile",
        "sim",
        "--tenant",
        "other",
    ]));
    let error = list_count(&connection).await.unwrap_err();
    assert!(error.is_auth(), "{error}");
}

#[tokio::test]
async fn the_timeout_comes_from_the_profile() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let setup = Setup::new();
    // A slow answer (1.5 s) is fine with the default 30 s per attempt...
    let config = setup.sim_profile(&sim, "");
    let connection = setup.connect(&parse(&["--config", &config, "--profile", "sim"]));
    sim.inject(Fault::once(
        Target::Operation("list_passwords".into()),
        FaultKind::Latency(Duration::from_millis(1500)),
    ));
    list_count(&connection)
        .await
        .expect("a slow answer is in time");

    // ...and times out with `timeout_secs = 1` on every attempt. Each answer takes
    // 10 s, so without the profile's timeout the call would succeed, late.
    let config = setup.sim_profile(&sim, "timeout_secs = 1\n");
    let connection = setup.connect(&parse(&["--config", &config, "--profile", "sim"]));
    connection
        .client
        .list_notes()
        .send()
        .await
        .expect("log in first");
    sim.inject(Fault {
        target: Target::Operation("list_passwords".into()),
        kind: FaultKind::Latency(Duration::from_secs(10)),
        times: 10,
    });
    let error = list_count(&connection).await.unwrap_err();
    assert!(
        matches!(error, mysafe_client::Error::Timeout { .. }),
        "{error}"
    );
    sim.clear_faults();
}

#[tokio::test]
async fn a_ca_file_that_is_not_pem_is_a_clear_error_before_any_call() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let setup = Setup::new();
    let not_pem = setup.write("root.der", "\u{30}\u{82}binary-looking-ca", 0o644);
    let config = setup.sim_profile(&sim, &format!("ca_cert = \"{}\"\n", not_pem.display()));
    let args = parse(&["--config", &config, "--profile", "sim"]);
    let error = args
        .connect_with(setup.env(), io::empty())
        .err()
        .expect("a non-PEM CA file is refused")
        .to_string();
    assert_eq!(
        error,
        format!(
            "CA certificate file {}: is not a PEM certificate (no -----BEGIN CERTIFICATE----- line)",
            not_pem.display()
        )
    );
    assert!(!error.contains("binary-looking"), "{error}");
    assert_eq!(sim.stats().requests, 0);
}

#[tokio::test]
async fn an_unknown_profile_names_the_profiles_and_calls_nothing() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let setup = Setup::new();
    let config = setup.sim_profile(&sim, "");
    let args = parse(&["--config", &config, "--profile", "stage"]);
    let error = args
        .connect_with(setup.env(), io::empty())
        .err()
        .expect("an unknown profile is refused")
        .to_string();
    assert_eq!(
        error,
        format!("unknown profile \"stage\" in {config} (profiles: sim)")
    );
    assert!(!error.contains(sim.client_secret()), "{error}");
    assert_eq!(sim.stats().requests, 0);
}

#[cfg(unix)]
#[tokio::test]
async fn a_world_readable_config_warns_and_still_connects() {
    let sim = mysafe_sim::spawn().await.unwrap();
    let setup = Setup::new();
    let config = setup.sim_profile(&sim, "");
    set_mode(Path::new(&config), 0o644);
    let connection = setup.connect(&parse(&["--config", &config, "--profile", "sim"]));
    assert_eq!(
        connection.warnings,
        vec![format!(
            "warning: config file {config} is readable by group or others (mode 0644); run chmod 600 on it"
        )]
    );
    list_count(&connection)
        .await
        .expect("list_passwords succeeds");
}

/// The variable that tells `mysafe_profile_is_read_by_clap` it runs as the child.
const CHILD: &str = "MYSAFE_CLI_CONNECT_TEST_CHILD";

#[test]
fn mysafe_profile_is_read_by_clap() {
    // The variable must be in the process's environment before clap parses, and
    // setting it here would race the other tests: the test runs itself again as a
    // child process with the variable set, and the child checks the parse.
    match std::env::var(CHILD).as_deref() {
        Ok("named") => {
            assert_eq!(parse(&[]).profile.as_deref(), Some("from-env"));
            assert_eq!(
                parse(&["--profile", "from-flag"]).profile.as_deref(),
                Some("from-flag")
            );
        }
        // `MYSAFE_PROFILE=` parses (the resolution then takes the default).
        Ok("empty") => assert_eq!(parse(&[]).profile.as_deref().unwrap_or(""), ""),
        _ => {
            for (case, value) in [("named", "from-env"), ("empty", "")] {
                let output = std::process::Command::new(std::env::current_exe().unwrap())
                    .args(["--exact", "mysafe_profile_is_read_by_clap", "--nocapture"])
                    .env(CHILD, case)
                    .env("MYSAFE_PROFILE", value)
                    .output()
                    .unwrap();
                let stdout = String::from_utf8_lossy(&output.stdout);
                assert!(output.status.success(), "{case}: {stdout}");
                assert!(stdout.contains("1 passed"), "{case}: {stdout}");
            }
        }
    }
}

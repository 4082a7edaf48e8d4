//! Runs the `mysafe` binary against a simulator over real sockets, for
//! tests/commands.rs and tests/secrets.rs.
//!
//! The connection goes to the process through MYSAFE_URL, MYSAFE_CLIENT_ID and
//! MYSAFE_CLIENT_SECRET (`Command::env`, never the test's own environment); HOME
//! and XDG_CONFIG_HOME point to a fresh directory, so no config file of the
//! machine is read.

#![allow(dead_code)] // each test file uses its own part

use std::io::Write;
use std::process::{Command, Stdio};

use mysafe_sim::Sim;
use tempfile::TempDir;

/// A simulator and a home directory for the binary.
pub struct Env {
    pub sim: Sim,
    pub home: TempDir,
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    /// Panics with the run's output unless it exited with `code`.
    #[track_caller]
    pub fn expect(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "exit code; stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// stdout as JSON.
    #[track_caller]
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON ({e}):\n{}", self.stdout))
    }
}

impl Env {
    pub async fn start() -> Env {
        Env {
            sim: mysafe_sim::spawn().await.expect("the simulator starts"),
            home: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// The binary with the simulator's connection in its environment.
    pub fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_mysafe"));
        command
            .args(args)
            .env_clear()
            .env("HOME", self.home.path())
            .env("XDG_CONFIG_HOME", self.home.path().join("config"))
            .env("MYSAFE_URL", self.sim.url())
            .env("MYSAFE_CLIENT_ID", self.sim.client_id())
            .env("MYSAFE_CLIENT_SECRET", self.sim.client_secret());
        command
    }

    /// Runs `mysafe ARGS` with no stdin.
    pub async fn run(&self, args: &[&str]) -> Run {
        run(self.command(args), None).await
    }

    /// Runs `mysafe ARGS` with `stdin` as its standard input.
    pub async fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        run(self.command(args), Some(stdin.to_owned())).await
    }

    /// Writes a file in the home directory and gives its path.
    pub fn file(&self, name: &str, text: &str) -> String {
        let path = self.home.path().join(name);
        std::fs::write(&path, text).expect("the test file is written");
        path.display().to_string()
    }

    /// Creates a password through the binary and gives its identifier.
    pub async fn create_password(&self, body: &serde_json::Value) -> String {
        let path = self.file("create-password.json", &body.to_string());
        self.run(&[
            "--format",
            "json",
            "password",
            "create",
            "--json-body",
            &path,
        ])
        .await
        .expect(0)
        .json()["identifier"]
            .as_str()
            .expect("the new password's identifier")
            .to_owned()
    }

    /// How many requests of `operation` the simulator saw.
    pub fn calls(&self, operation: &str) -> u64 {
        self.sim
            .stats()
            .by_operation
            .get(operation)
            .copied()
            .unwrap_or(0)
    }
}

/// Runs the command on a blocking thread, so the simulator keeps serving.
async fn run(mut command: Command, stdin: Option<String>) -> Run {
    tokio::task::spawn_blocking(move || {
        command
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = command.spawn().expect("mysafe starts");
        if let Some(text) = stdin {
            let mut pipe = child.stdin.take().expect("piped stdin");
            // A process that exits before reading closes the pipe: not an error here.
            let _ = pipe.write_all(text.as_bytes());
        }
        let output = child.wait_with_output().expect("mysafe runs");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    })
    .await
    .expect("the runner thread")
}

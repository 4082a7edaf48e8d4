//! Maintainer commands for mysafe-rs. Run them as `cargo xtask <command>`.

mod codegen;
mod diff;
mod docs;
mod pr_comment;
mod redact;
mod spec;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "cargo xtask", about = "Maintainer commands for mysafe-rs")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Regenerate crates/mysafe-client/src/generated_client.rs from openapi/mysafe.yaml.
    Codegen {
        /// Write nothing; fail with a diff when the committed code is stale.
        #[arg(long)]
        check: bool,
        /// The spec to generate from (default: openapi/mysafe.yaml).
        #[arg(long)]
        spec: Option<PathBuf>,
    },
    /// Report what a spec change does to the API and the crate, and the semver bump.
    Diff(diff::Args),
    /// Check the vendor's doc pages against the spec, or harvest their examples.
    Docs(docs::DocsArgs),
    /// Create or edit the one pull-request comment that carries a marker (CI).
    PrComment(pr_comment::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    // The clone to work on, found when the command runs (`workspace.rs` says why).
    let root = workspace::from_env;
    let result = match cli.command {
        Command::Codegen { check, spec } => root().and_then(|root| {
            let spec = spec.unwrap_or_else(|| root.join(spec::SPEC_PATH));
            codegen::run(&root, &spec, check)
        }),
        Command::Diff(args) => root().and_then(|root| diff::run(&root, args)),
        Command::Docs(args) => root().and_then(|root| docs::run(&root, args)),
        Command::PrComment(args) => pr_comment::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // One line, no backtrace: the chain of contexts says where and what. A
            // context may quote a page or a URL, so the line is redacted like the rest.
            eprintln!("{}", redact::secrets(&format!("error: {err:#}")));
            ExitCode::from(2)
        }
    }
}

/// The workspace root the tests run in (cargo sets `CARGO_MANIFEST_DIR` for them
/// too), found the way the commands find it.
#[cfg(test)]
pub fn project_root() -> PathBuf {
    workspace::from_env().expect("the tests run inside the workspace")
}

//! Maintainer commands for mysafe-rs. Run them as `cargo xtask <command>`.

mod codegen;
mod diff;
mod docs;
mod pr_comment;
mod spec;

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
    let result = match cli.command {
        Command::Codegen { check, spec } => {
            let root = project_root();
            let spec = spec.unwrap_or_else(|| root.join(spec::SPEC_PATH));
            codegen::run(&root, &spec, check)
        }
        Command::Diff(args) => diff::run(&project_root(), args),
        Command::Docs(args) => docs::run(&project_root(), args),
        Command::PrComment(args) => pr_comment::run(args),
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            // One line, no backtrace: the chain of contexts says where and what.
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// The workspace root, found from this crate's manifest so the commands work from
/// any directory.
pub fn project_root() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    dir.parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

//! `cargo xtask diff`: what a change to the spec does to the API and to the crate.
//!
//! The base spec is read from git (`git show REV:openapi/mysafe.yaml`), the other
//! side from the working tree. Both are validated by [`crate::spec::parse`], compared
//! keyword by keyword ([`spec_diff`]), generated into Rust with the project's one
//! generator ([`crate::codegen::generate`]) and compared item by item ([`rust_diff`]).

mod change;
mod git;
mod report;
mod rust_diff;
mod spec_diff;
#[cfg(test)]
mod testkit;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::ValueEnum;

use crate::{codegen, spec};
pub use change::Change;
pub use report::Report;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    /// Exit with status 1 when any change is classified breaking.
    Breaking,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The git revision to compare with (default: the merge base of HEAD and `main`,
    /// else of HEAD and `origin/main`, else HEAD).
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// Output format; markdown is meant for a pull-request comment.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with status 1 when a change of this class is found.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// The git checkout whose working tree is compared (default: this workspace).
    #[arg(long, value_name = "DIR")]
    repo: Option<PathBuf>,
}

/// Runs the command. Errors (bad revision, missing or invalid spec) are returned and
/// printed as one line by `main`, which exits with status 2.
pub fn run(default_root: &Path, args: Args) -> Result<ExitCode> {
    let root = args.repo.as_deref().unwrap_or(default_root);
    let base = git::base(root, args.base.as_deref())?;
    let old_text = git::show(root, &base, spec::SPEC_PATH)?;
    let new_path = root.join(spec::SPEC_PATH);
    let new_text = std::fs::read_to_string(&new_path)
        .with_context(|| format!("{} (working tree): cannot read", spec::SPEC_PATH))?;
    let old = spec::parse(&old_text)
        .with_context(|| format!("{} at {}", spec::SPEC_PATH, base.describe()))?;
    let new =
        spec::parse(&new_text).with_context(|| format!("{} (working tree)", spec::SPEC_PATH))?;
    let changes = compare(&old, &new)?;
    let report = Report::new(base.describe(), changes);
    let out = match args.format {
        Format::Text => report.text(),
        Format::Markdown => report.markdown(),
        Format::Json => report.json(),
    };
    print!("{out}");
    Ok(match args.fail_on {
        Some(FailOn::Breaking) if report.has_breaking() => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    })
}

/// Every change between two validated specs, at both levels.
pub fn compare(old: &spec::Spec, new: &spec::Spec) -> Result<Vec<Change>> {
    // Equal documents generate equal code: skip the generator (CI's common case).
    if old.raw == new.raw {
        return Ok(Vec::new());
    }
    let mut changes = spec_diff::compare(&old.raw, &new.raw);
    let old_code = codegen::generate(&old.openapi).context("generating the base client")?;
    let new_code = codegen::generate(&new.openapi).context("generating the new client")?;
    let old_surface = rust_diff::surface(&old_code).context("the base client")?;
    let new_surface = rust_diff::surface(&new_code).context("the new client")?;
    changes.extend(rust_diff::compare(&old_surface, &new_surface));
    changes.sort();
    Ok(changes)
}

#[cfg(test)]
mod tests;

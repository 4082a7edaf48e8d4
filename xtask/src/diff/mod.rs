//! `cargo xtask diff`: what a change to the spec does to the API and to the crate.
//!
//! Each side is a git revision, `REV:PATH` or a file ([`source`]). The spec level
//! ([`spec_diff`]) needs only a valid OpenAPI 3.0 document. The Rust level generates
//! both sides with the project's one generator ([`crate::codegen::generate`]) and
//! compares the public items ([`rust_diff`]); when either side does not generate, the
//! report says why and the verdict comes from the spec level alone.

mod change;
#[cfg(test)]
mod corpus;
mod lines;
mod oasdiff;
mod report;
mod rust_diff;
mod source;
mod spec_diff;
#[cfg(test)]
mod testkit;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::ValueEnum;
use serde_json::Value;

use crate::{codegen, spec};
pub use change::Change;
use change::{Level, Side};
pub use report::Report;

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum Format {
    Text,
    Markdown,
    Json,
    /// GitHub Actions workflow commands: one annotation per change, on its spec line.
    Github,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FailOn {
    /// Exit with status 1 when any change is classified breaking.
    Breaking,
}

#[derive(clap::Args, Debug)]
pub struct Args {
    /// The base side: a git revision, `REV:PATH`, or a file (default: the merge base
    /// of HEAD and `main`, else of HEAD and `origin/main`, else HEAD).
    #[arg(long, value_name = "REV|REV:PATH|FILE")]
    base: Option<String>,
    /// The head side: a git revision, `REV:PATH`, or a file (default: the working
    /// tree's openapi/mysafe.yaml).
    #[arg(long, value_name = "REV|REV:PATH|FILE")]
    head: Option<String>,
    /// Output format; markdown is meant for a pull-request comment, github for
    /// workflow annotations.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with status 1 when a change of this class is found.
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// The git checkout to read revisions and the working tree from (default: this
    /// workspace).
    #[arg(long, value_name = "DIR")]
    repo: Option<PathBuf>,
    /// Print the rules, how they map to oasdiff's, and what they do not detect.
    #[arg(long, exclusive = true)]
    list_rules: bool,
}

/// One side, read: its document and where it came from.
pub struct Document {
    pub side: source::Side,
    pub value: Value,
}

impl Document {
    /// Reads a side as an OpenAPI 3.0 document (invalid YAML or another version
    /// is an error naming the side).
    pub fn read(side: source::Side) -> Result<Document> {
        let value = spec::parse_document(&side.text).with_context(|| side.context.clone())?;
        Ok(Document { side, value })
    }
}

/// Runs the command. Errors (bad revision, missing or unreadable spec) are returned
/// and printed as one line by `main`, which exits with status 2.
pub fn run(default_root: &Path, args: Args) -> Result<ExitCode> {
    if args.list_rules {
        print!("{}", report::rules_list());
        return Ok(ExitCode::SUCCESS);
    }
    let root = args.repo.as_deref().unwrap_or(default_root);
    let old = Document::read(source::base(root, args.base.as_deref())?)?;
    let new = Document::read(source::head(root, args.head.as_deref())?)?;
    let report = compare(&old, &new);
    let out = match args.format {
        Format::Text => report.text(),
        Format::Markdown => report.markdown(),
        Format::Json => report.json(),
        Format::Github => report.github(),
    };
    print!("{out}");
    Ok(match args.fail_on {
        Some(FailOn::Breaking) if report.has_breaking() => ExitCode::FAILURE,
        _ => ExitCode::SUCCESS,
    })
}

/// Every change between two documents, at both levels, as a located report.
pub fn compare(old: &Document, new: &Document) -> Report {
    let mut report = Report::new(old.side.label.clone(), new.side.label.clone(), Vec::new());
    // Equal documents generate equal code: skip the generator (CI's common case).
    if old.value != new.value {
        let mut changes = spec_diff::compare(&old.value, &new.value);
        match rust_level(&old.side.text, &new.side.text) {
            Ok(rust) => changes.extend(rust.into_iter().map(|c| {
                let side = match c.rule {
                    change::Rule::RustItemRemoved => Side::Base,
                    _ => Side::Head,
                };
                let doc = match side {
                    Side::Base => &old.value,
                    Side::Head => &new.value,
                };
                let at = rust_diff::spec_pointer(&c.subject, doc)
                    .map(|pointer| change::At { side, pointer });
                c.at(at)
            })),
            Err(reason) => report.rust_not_compared = Some(reason),
        }
        report.set_changes(changes);
    }
    report.locate(old, new);
    report
}

/// The Rust-level changes, or why they could not be found (one line).
fn rust_level(old: &str, new: &str) -> std::result::Result<Vec<Change>, String> {
    let surface = |text: &str, side: &str| {
        generated_surface(text)
            .map_err(|e| format!("the {side} spec does not generate: {}", one_line(&e)))
    };
    let old = surface(old, "base")?;
    let new = surface(new, "head")?;
    let changes = rust_diff::compare(&old, &new);
    debug_assert!(changes.iter().all(|c| c.level == Level::Rust));
    Ok(changes)
}

/// The public Rust items progenitor generates from a spec's text.
fn generated_surface(text: &str) -> Result<rust_diff::Surface> {
    let spec = spec::parse(text)?;
    let code = codegen::generate(&spec.openapi)?;
    rust_diff::surface(&code)
}

fn one_line(e: &anyhow::Error) -> String {
    format!("{e:#}").replace(['\r', '\n'], " ")
}

#[cfg(test)]
mod tests;

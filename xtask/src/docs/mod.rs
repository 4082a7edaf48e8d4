//! `cargo xtask docs check|harvest`: the vendor's doc pages against the spec.
//!
//! `extract` finds the examples of a page in any of its formats, `locate` gives
//! each one its operation and status, `spec_index` validates it against the spec,
//! `additions` finds what an accepted example adds (keys, codes, messages),
//! `fields` reads the documented parameters and fields and `field_check` compares
//! them with the spec (`spec_facts` reads the spec as written), `check` reports,
//! and `harvest` turns the examples into fixtures.

mod additions;
mod check;
mod extract;
mod field_check;
mod fields;
mod harvest;
#[cfg(test)]
mod hostile_tests;
mod locate;
mod manifest;
#[cfg(test)]
mod sample_pages;
mod spec_facts;
mod spec_index;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_new;
mod work;

use std::collections::{HashSet, VecDeque};
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};

pub use check::{FailOn, OutputFormat};
pub use harvest::HarvestOptions;
pub use spec_index::SpecIndex;

#[derive(Args)]
pub struct DocsArgs {
    #[command(subcommand)]
    command: DocsCommand,
    /// The spec to check against (default: openapi/mysafe.yaml).
    #[arg(long, global = true)]
    spec: Option<PathBuf>,
}

#[derive(Subcommand)]
enum DocsCommand {
    /// Validate every JSON example of the pages against the spec, and compare the
    /// fields they document with it. Exit status: 0 all accepted, 1 any rejected
    /// (or what --fail-on names), 2 unusable input.
    Check {
        /// Pages, or directories to search for pages (.md, .mdx, .txt, .html).
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        /// What fails the run besides rejects: `new` (unknown keys, error codes and
        /// outcome messages in examples; documented fields the spec lacks), `any`
        /// (also documented fields whose type or required-ness differs).
        #[arg(long, value_enum, default_value_t = FailOn::Rejected)]
        fail_on: FailOn,
        /// `text` (one line per finding and a summary) or `json` (one object per
        /// example, documented field and note; README has the shape).
        #[arg(long, value_enum, default_value_t = OutputFormat::Text)]
        format: OutputFormat,
    },
    /// Write the pages' examples as fixtures into DIR and update the manifest.
    Harvest {
        #[arg(required = true)]
        pages: Vec<PathBuf>,
        /// Directory for the fixtures, inside the manifest's directory.
        #[arg(long, value_name = "DIR")]
        into: PathBuf,
        /// The manifest to update (default: openapi/examples/manifest.toml).
        #[arg(long)]
        manifest: Option<PathBuf>,
        /// What manifest `source` paths are relative to (default: ../shared/vendor-docs).
        #[arg(long)]
        source_root: Option<PathBuf>,
        /// Doc version of the pages (default: from a `v3.33-en` style directory name).
        #[arg(long)]
        doc_version: Option<String>,
        /// Language of the pages (default: from a `v3.33-en` style directory name).
        #[arg(long)]
        language: Option<String>,
    },
}

pub fn run(root: &Path, args: DocsArgs) -> Result<ExitCode> {
    let spec_path = args
        .spec
        .unwrap_or_else(|| root.join(crate::spec::SPEC_PATH));
    let spec = load_spec(&spec_path)?;
    match args.command {
        DocsCommand::Check {
            pages,
            fail_on,
            format,
        } => {
            let pages = collect_pages(&pages)?;
            let report = check::check(&spec, &pages)?;
            let printed = match format {
                OutputFormat::Text => format!("{}{}\n", report.text(), report.summary),
                OutputFormat::Json => format!(
                    "{}\n",
                    serde_json::to_string_pretty(&report.json(fail_on))
                        .expect("a JSON value serializes")
                ),
            };
            // Notes, `not in the spec` lines and their JSON quote the page's URLs.
            print!("{}", crate::redact::secrets(&printed));
            Ok(if report.summary.fails(fail_on) {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        DocsCommand::Harvest {
            pages,
            into,
            manifest,
            source_root,
            doc_version,
            language,
        } => {
            let pages = collect_pages(&pages)?;
            let options = HarvestOptions {
                into,
                manifest: manifest.unwrap_or_else(|| root.join("openapi/examples/manifest.toml")),
                source_root: source_root.unwrap_or_else(|| root.join("../shared/vendor-docs")),
                doc_version,
                language,
            };
            let outcome = harvest::harvest(&spec, &pages, &options)?;
            print!("{}", outcome.report);
            Ok(if outcome.needs_hand_work {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

pub fn load_spec(path: &Path) -> Result<SpecIndex> {
    let spec = crate::spec::load(path)?;
    SpecIndex::new(&spec.raw).with_context(|| path.display().to_string())
}

/// A page to read, and how the report names it.
pub struct PageFile {
    pub path: PathBuf,
    pub label: String,
    pub text: String,
}

const PAGE_EXTENSIONS: [&str; 6] = ["md", "mdx", "markdown", "txt", "html", "htm"];

/// The largest page read, in bytes. The vendor's pages are under 100 KB; this leaves
/// room for a whole doc version exported as one file, and stops a hostile or
/// mistaken one (a disk image named `.txt`) with one line instead of filling memory.
pub const MAX_PAGE_BYTES: u64 = 32 * MIB;

const MIB: u64 = 1024 * 1024;

/// The pages named on the command line: files as given, directories searched
/// (README files, which describe a folder rather than document the API, skipped).
pub fn collect_pages(args: &[PathBuf]) -> Result<Vec<PageFile>> {
    let mut pages = Vec::new();
    for arg in args {
        let meta =
            std::fs::metadata(arg).with_context(|| format!("{}: cannot read", arg.display()))?;
        if meta.is_dir() {
            let found = find_pages(arg)?;
            if found.is_empty() {
                bail!(
                    "{}: no pages ({}) in this directory",
                    arg.display(),
                    PAGE_EXTENSIONS.join(", ")
                );
            }
            for path in found {
                let label = path
                    .strip_prefix(arg)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                pages.push(read_page(path, label)?);
            }
        } else if meta.is_file() {
            pages.push(read_page(arg.clone(), arg.display().to_string())?);
        } else {
            bail!(
                "{}: not a regular file or a directory (a FIFO, socket or device is not read)",
                arg.display()
            );
        }
    }
    if pages.is_empty() {
        bail!("no pages to read");
    }
    Ok(pages)
}

/// The pages under `root`, sorted, each once.
///
/// Symbolic links are followed, but each directory is visited once, by its canonical
/// path (a `self -> .` link would otherwise be walked again and again, and two of them
/// never finish), and a file reached by two paths is read once. Links are followed
/// after every real entry, so a page keeps its real path when it has one. Only
/// regular files are read: opening a FIFO would wait for a writer forever.
fn find_pages(root: &Path) -> Result<Vec<PathBuf>> {
    let mut walk = Walk::default();
    walk.dir(root)?;
    while let Some(link) = walk.links.pop_front() {
        let meta = std::fs::metadata(&link);
        if meta.as_ref().is_ok_and(|m| m.is_dir()) {
            walk.dir(&link)?;
        } else {
            walk.file(link)?;
        }
    }
    walk.found.sort();
    Ok(walk.found)
}

#[derive(Default)]
struct Walk {
    visited_dirs: HashSet<PathBuf>,
    seen_files: HashSet<PathBuf>,
    /// Symbolic links met so far, to follow once the real entries are done.
    links: VecDeque<PathBuf>,
    found: Vec<PathBuf>,
}

impl Walk {
    fn dir(&mut self, dir: &Path) -> Result<()> {
        let cannot_read = || format!("{}: cannot read", dir.display());
        if !self
            .visited_dirs
            .insert(dir.canonicalize().with_context(cannot_read)?)
        {
            return Ok(());
        }
        let mut entries = std::fs::read_dir(dir)
            .with_context(cannot_read)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<std::io::Result<Vec<_>>>()
            .with_context(cannot_read)?;
        entries.sort();
        for path in entries {
            // The entry itself, not what a link points at.
            let kind = std::fs::symlink_metadata(&path)
                .with_context(|| format!("{}: cannot read", path.display()))?
                .file_type();
            if kind.is_symlink() {
                self.links.push_back(path);
            } else if kind.is_dir() {
                self.dir(&path)?;
            } else {
                self.file(path)?;
            }
        }
        Ok(())
    }

    fn file(&mut self, path: PathBuf) -> Result<()> {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .to_lowercase();
        let ext = path
            .extension()
            .unwrap_or_default()
            .to_string_lossy()
            .to_lowercase();
        if !PAGE_EXTENSIONS.contains(&ext.as_str()) || name.starts_with("readme") {
            return Ok(());
        }
        // A page that cannot be read is an error (a dangling link named `.md`), but
        // a FIFO, socket or device with a page's name is not a page.
        let meta =
            std::fs::metadata(&path).with_context(|| format!("{}: cannot read", path.display()))?;
        if !meta.is_file() {
            return Ok(());
        }
        let canonical = path
            .canonicalize()
            .with_context(|| format!("{}: cannot read", path.display()))?;
        if self.seen_files.insert(canonical) {
            self.found.push(path);
        }
        Ok(())
    }
}

fn read_page(path: PathBuf, label: String) -> Result<PageFile> {
    let too_big = |size: u64| {
        anyhow::anyhow!(
            "{}: {:.1} MiB, more than the {} MiB a page may have",
            path.display(),
            size as f64 / MIB as f64,
            MAX_PAGE_BYTES / MIB
        )
    };
    let file =
        std::fs::File::open(&path).with_context(|| format!("{}: cannot read", path.display()))?;
    let size = file
        .metadata()
        .with_context(|| format!("{}: cannot read", path.display()))?
        .len();
    if size > MAX_PAGE_BYTES {
        return Err(too_big(size));
    }
    // The limit holds even for a file that grows while it is read.
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(MAX_PAGE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("{}: cannot read", path.display()))?;
    if bytes.len() as u64 > MAX_PAGE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| anyhow::anyhow!("{}: not UTF-8 text", path.display()))?;
    Ok(PageFile { path, label, text })
}

/// The report of `docs check` over `pages` (without the summary line), for tests,
/// as it is printed.
#[cfg(test)]
pub fn check_pages(spec: &SpecIndex, pages: &[PageFile]) -> Result<(String, check::Summary)> {
    let report = check::check(spec, pages)?;
    Ok((crate::redact::secrets(&report.text()), report.summary))
}

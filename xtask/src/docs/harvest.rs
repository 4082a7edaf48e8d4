//! `cargo xtask docs harvest`: every example of the pages becomes a fixture with
//! its manifest entry, so that a new doc version is harvest, review, commit.
//!
//! A fixture is the example's text exactly as the page has it. An example that is
//! not JSON cannot be written as is: it is skipped with its reason, for a person
//! to correct and to record the change in the entry's `correction`. Entries that
//! carry a `correction` are never overwritten.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::PageFile;
use super::check::{Verdict, verdict};
use super::locate::{Target, locate};
use super::manifest::{Entry, Manifest};
use super::spec_index::SpecIndex;
use super::work;

pub struct HarvestOptions {
    /// Where the fixtures go; inside the manifest's directory.
    pub into: PathBuf,
    pub manifest: PathBuf,
    /// What the manifest's `source` paths are relative to.
    pub source_root: PathBuf,
    /// Version and language of the pages; from a `v3.33-en` directory name if absent.
    pub doc_version: Option<String>,
    pub language: Option<String>,
}

pub struct Outcome {
    pub report: String,
    /// Some example could not be written and needs a person (not JSON, no status).
    pub needs_hand_work: bool,
}

/// A fixture the harvest writes (or finds already written), with its entry.
struct Fixture {
    path: PathBuf,
    content: String,
    changed: bool,
    entry: Entry,
}

/// Harvests `pages` into fixtures and manifest entries.
///
/// Nothing is written until every argument and page has been checked (a refused
/// `--into` creates no folder, a page without a doc version stops the run before any
/// fixture). Each fixture is written to a temporary file and renamed into place, so
/// none is ever half written; the manifest is written last the same way, with the
/// entries of every fixture written before a failure, so a run that stops on an error
/// leaves no fixture without its entry. The work is linear in the number of examples
/// (entries are found by hash, not by search; a test counts it).
pub fn harvest(spec: &SpecIndex, pages: &[PageFile], options: &HarvestOptions) -> Result<Outcome> {
    let mut manifest = Manifest::read(&options.manifest)?;
    let manifest_dir = options
        .manifest
        .parent()
        .context("the manifest path has no directory")?;
    let manifest_dir = if manifest_dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        manifest_dir
    }
    .canonicalize()
    .with_context(|| format!("{}: cannot read", options.manifest.display()))?;
    let into = resolve(&options.into)?;
    let Ok(into_rel) = into.strip_prefix(&manifest_dir) else {
        bail!(
            "{}: fixtures must go inside {}, the manifest's directory",
            options.into.display(),
            manifest_dir.display()
        );
    };
    let into_rel = into_rel.to_string_lossy().replace('\\', "/");
    let versions = pages
        .iter()
        .map(|page| version_and_language(page, options))
        .collect::<Result<Vec<_>>>()?;
    let source_root = options.source_root.canonicalize().ok();

    let mut plan = Plan {
        into: &into,
        into_rel: &into_rel,
        corrected: manifest
            .entries
            .iter()
            .filter(|e| e.correction.is_some())
            .map(|e| ((e.source.clone(), e.line), e.file.clone()))
            .collect(),
        report: String::new(),
        needs_hand_work: false,
        fixtures: Vec::new(),
        kept: 0,
        skipped: 0,
    };
    for (page, (doc_version, language)) in pages.iter().zip(versions) {
        let source = source_of(page, source_root.as_deref());
        plan.page(spec, page, &source, &doc_version, &language)?;
    }
    let Plan {
        mut report,
        needs_hand_work,
        fixtures,
        kept,
        skipped,
        ..
    } = plan;

    std::fs::create_dir_all(&into)
        .with_context(|| format!("{}: cannot create", options.into.display()))?;
    let mut done = Vec::with_capacity(fixtures.len());
    let mut failure = None;
    for fixture in fixtures {
        if fixture.changed
            && let Err(e) = write_atomically(&fixture.path, &fixture.content)
        {
            failure = Some(e);
            break;
        }
        done.push(fixture);
    }
    let written = done.iter().filter(|f| f.changed).count();
    let unchanged = done.len() - written;
    manifest.upsert_all(done.into_iter().map(|f| f.entry));
    let rendered = manifest.render();
    if std::fs::read_to_string(&options.manifest).ok().as_deref() != Some(rendered.as_str()) {
        write_atomically(&options.manifest, &rendered)?;
    }
    if let Some(e) = failure {
        return Err(e.context(format!(
            "stopped after {written} fixtures written, which the manifest lists"
        )));
    }
    writeln!(
        report,
        "{} pages: {written} fixtures written, {unchanged} unchanged, {kept} kept (corrected by hand), {skipped} skipped",
        pages.len()
    )?;
    Ok(Outcome {
        // Skipped lines quote the page's URLs.
        report: crate::redact::secrets(&report),
        needs_hand_work,
    })
}

/// What a harvest will do, worked out before anything is written.
struct Plan<'a> {
    into: &'a Path,
    into_rel: &'a str,
    /// The fixture of each entry corrected by hand, by its page and line.
    corrected: HashMap<(String, usize), String>,
    report: String,
    needs_hand_work: bool,
    fixtures: Vec<Fixture>,
    kept: usize,
    skipped: usize,
}

impl Plan<'_> {
    fn page(
        &mut self,
        spec: &SpecIndex,
        page: &PageFile,
        source: &str,
        doc_version: &str,
        language: &str,
    ) -> Result<()> {
        let key = page_key(&page.path);
        let findings = locate(&super::extract::page(&page.text), spec);
        let mut names: HashMap<String, usize> = HashMap::new();
        for located in &findings.examples {
            work::add(1);
            let example = &located.example;
            let here = format!("{}:{}", page.label, example.line);
            let (operation, kind, status) = match &located.target {
                Target::Request { operation } => (operation, "request", None),
                Target::Response { operation, status } => (operation, "response", Some(*status)),
                Target::NoStatus { operation } => {
                    self.needs_hand_work = true;
                    self.skipped += 1;
                    writeln!(
                        self.report,
                        "{here}: {operation}: SKIPPED: the page gives no status"
                    )?;
                    continue;
                }
                Target::Unknown(why) => {
                    self.needs_hand_work = true;
                    self.skipped += 1;
                    writeln!(self.report, "{here}: SKIPPED: {why}")?;
                    continue;
                }
                Target::NotInSpec(what) => {
                    self.skipped += 1;
                    writeln!(self.report, "{here}: skipped: not in the spec: {what}")?;
                    continue;
                }
            };
            let what = format!(
                "{operation} {}",
                status.map_or("request".to_owned(), |s| s.to_string())
            );
            if let Some(file) = self.corrected.get(&(source.to_owned(), example.line)) {
                self.kept += 1;
                writeln!(
                    self.report,
                    "{here}: {what}: kept {file} (corrected by hand)"
                )?;
                continue;
            }
            let value = match &example.parsed {
                Ok(value) => value,
                Err(problem) => {
                    self.needs_hand_work = true;
                    self.skipped += 1;
                    writeln!(
                        self.report,
                        "{here}: {what}: SKIPPED: {problem}; write the fixture by hand and say \
                         what changed in the entry's `correction`"
                    )?;
                    continue;
                }
            };
            let mut name = format!(
                "{key}-{operation}-{}",
                status.map_or("request".to_owned(), |s| s.to_string())
            );
            if let Some(code) = status
                .filter(|s| *s >= 400)
                .and_then(|_| mysafe_code(value))
            {
                name.push_str(&format!("-{code}"));
            }
            let seen = names.entry(name.clone()).or_default();
            *seen += 1;
            if *seen > 1 {
                name.push_str(&format!("-{seen}"));
            }
            let file = if self.into_rel.is_empty() {
                format!("{name}.json")
            } else {
                format!("{}/{name}.json", self.into_rel)
            };
            let path = self.into.join(format!("{name}.json"));
            let content = format!("{}\n", example.text);
            let changed = std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str());
            let verdict = verdict(spec, example, &located.target)?;
            let remark = match verdict {
                Verdict::Rejected(why) => format!(", but the spec REJECTS it: {why}"),
                _ => String::new(),
            };
            writeln!(
                self.report,
                "{here}: {what}: {} {file}{remark}",
                if changed { "wrote" } else { "unchanged" }
            )?;
            self.fixtures.push(Fixture {
                path,
                content,
                changed,
                entry: Entry {
                    file,
                    source: source.to_owned(),
                    line: example.line,
                    doc_version: doc_version.to_owned(),
                    language: language.to_owned(),
                    operation: operation.clone(),
                    kind: kind.to_owned(),
                    status,
                    correction: None,
                },
            });
        }
        Ok(())
    }
}

/// `path` made absolute without creating it: its nearest existing ancestor
/// canonicalized (links resolved), then the rest of it, which cannot hold links.
fn resolve(path: &Path) -> Result<PathBuf> {
    let mut missing = Vec::new();
    let mut existing = path;
    while !existing.as_os_str().is_empty() && !existing.exists() {
        missing.push(existing.file_name());
        existing = existing.parent().unwrap_or(Path::new(""));
    }
    let existing = if existing.as_os_str().is_empty() {
        Path::new(".")
    } else {
        existing
    };
    let mut resolved = existing
        .canonicalize()
        .with_context(|| format!("{}: cannot read", existing.display()))?;
    for name in missing.into_iter().rev() {
        match name {
            Some(name) => resolved.push(name),
            // `..` (or `.`) below a folder that does not exist yet.
            None => bail!("{}: not a plain path to a folder", path.display()),
        }
    }
    Ok(resolved)
}

/// Writes `contents` to a temporary file beside `path` and renames it into place, so
/// that `path` is never half written, whenever the run stops.
fn write_atomically(path: &Path, contents: &str) -> Result<()> {
    let cannot_write = || format!("{}: cannot write", path.display());
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    // Named so that one left by a killed run says where it came from.
    let mut file = tempfile::Builder::new()
        .prefix(".harvest-")
        .suffix(".tmp")
        .tempfile_in(dir.unwrap_or(Path::new(".")))
        .with_context(cannot_write)?;
    file.write_all(contents.as_bytes())
        .with_context(cannot_write)?;
    file.persist(path)
        .map_err(|e| e.error)
        .with_context(cannot_write)?;
    Ok(())
}

/// The MySafe error code of an error example (`exception.code`), which tells
/// apart the error fixtures of one operation.
fn mysafe_code(value: &Value) -> Option<u64> {
    value.pointer("/exception/code").and_then(Value::as_u64)
}

/// `003_3bf1d8a8f1eebf7e.txt` is `003`; `Passwords__GET__List_all_passwords.md`
/// is `passwords-get-list-all-passwords`.
fn page_key(path: &Path) -> String {
    let stem = path.file_stem().unwrap_or_default().to_string_lossy();
    if let Some((digits, _)) = stem.split_once('_')
        && !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit())
    {
        return digits.to_owned();
    }
    let slug: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    slug.split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-")
}

fn source_of(page: &PageFile, source_root: Option<&Path>) -> String {
    let relative = source_root.and_then(|root| {
        let path = page.path.canonicalize().ok()?;
        path.strip_prefix(root).ok().map(Path::to_path_buf)
    });
    match relative {
        Some(path) => path.to_string_lossy().replace('\\', "/"),
        None => page.label.clone(),
    }
}

/// The options' version and language, or those of a `v3.33-en` directory.
fn version_and_language(page: &PageFile, options: &HarvestOptions) -> Result<(String, String)> {
    let from_dir = page
        .path
        .parent()
        .and_then(|dir| dir.file_name())
        .map(|name| name.to_string_lossy().into_owned())
        .and_then(|name| {
            let rest = name.strip_prefix('v')?;
            let (version, language) = rest.rsplit_once('-')?;
            let ok = version.chars().all(|c| c.is_ascii_digit() || c == '.')
                && language.chars().all(|c| c.is_ascii_alphabetic());
            ok.then(|| (version.to_owned(), language.to_owned()))
        });
    let version = options
        .doc_version
        .clone()
        .or_else(|| from_dir.clone().map(|d| d.0));
    let language = options.language.clone().or_else(|| from_dir.map(|d| d.1));
    match (version, language) {
        (Some(v), Some(l)) => Ok((v, l)),
        _ => bail!(
            "{}: cannot tell the doc version and language from its directory; pass \
             --doc-version and --language",
            page.path.display()
        ),
    }
}

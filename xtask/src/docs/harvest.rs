//! `cargo xtask docs harvest`: every example of the pages becomes a fixture with
//! its manifest entry, so that a new doc version is harvest, review, commit.
//!
//! A fixture is the example's text exactly as the page has it. An example that is
//! not JSON cannot be written as is: it is skipped with its reason, for a person
//! to correct and to record the change in the entry's `correction`. Entries that
//! carry a `correction` are never overwritten.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::Value;

use super::PageFile;
use super::check::{Verdict, verdict};
use super::locate::{Target, locate};
use super::manifest::{Entry, Manifest};
use super::spec_index::SpecIndex;

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

pub fn harvest(spec: &SpecIndex, pages: &[PageFile], options: &HarvestOptions) -> Result<Outcome> {
    let mut manifest = Manifest::read(&options.manifest)?;
    let manifest_dir = options
        .manifest
        .parent()
        .context("the manifest path has no directory")?
        .canonicalize()
        .with_context(|| format!("{}: cannot read", options.manifest.display()))?;
    std::fs::create_dir_all(&options.into)
        .with_context(|| format!("{}: cannot create", options.into.display()))?;
    let into = options.into.canonicalize()?;
    let Ok(into_rel) = into.strip_prefix(&manifest_dir) else {
        bail!(
            "{}: fixtures must go inside {}, the manifest's directory",
            options.into.display(),
            manifest_dir.display()
        );
    };
    let into_rel = into_rel.to_string_lossy().replace('\\', "/");
    let source_root = options.source_root.canonicalize().ok();

    let mut report = String::new();
    let mut needs_hand_work = false;
    let (mut written, mut unchanged, mut kept, mut skipped) = (0, 0, 0, 0);
    for page in pages {
        let (doc_version, language) = version_and_language(page, options)?;
        let source = source_of(page, source_root.as_deref());
        let key = page_key(&page.path);
        let findings = locate(&super::extract::page(&page.text), spec);
        let mut names: HashMap<String, usize> = HashMap::new();
        for located in &findings.examples {
            let example = &located.example;
            let here = format!("{}:{}", page.label, example.line);
            let (operation, kind, status) = match &located.target {
                Target::Request { operation } => (operation, "request", None),
                Target::Response { operation, status } => (operation, "response", Some(*status)),
                Target::NoStatus { operation } => {
                    needs_hand_work = true;
                    skipped += 1;
                    writeln!(
                        report,
                        "{here}: {operation}: SKIPPED: the page gives no status"
                    )?;
                    continue;
                }
                Target::NotInSpec(what) => {
                    skipped += 1;
                    writeln!(report, "{here}: skipped: not in the spec: {what}")?;
                    continue;
                }
            };
            let what = format!(
                "{operation} {}",
                status.map_or("request".to_owned(), |s| s.to_string())
            );
            if let Some(entry) = manifest
                .entries
                .iter()
                .find(|e| e.source == source && e.line == example.line && e.correction.is_some())
            {
                kept += 1;
                writeln!(
                    report,
                    "{here}: {what}: kept {} (corrected by hand)",
                    entry.file
                )?;
                continue;
            }
            let value = match &example.parsed {
                Ok(value) => value,
                Err(problem) => {
                    needs_hand_work = true;
                    skipped += 1;
                    writeln!(
                        report,
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
            let file = if into_rel.is_empty() {
                format!("{name}.json")
            } else {
                format!("{into_rel}/{name}.json")
            };
            let path = into.join(format!("{name}.json"));
            let content = format!("{}\n", example.text);
            let changed = std::fs::read_to_string(&path).ok().as_deref() != Some(content.as_str());
            if changed {
                std::fs::write(&path, &content)
                    .with_context(|| format!("{}: cannot write", path.display()))?;
                written += 1;
            } else {
                unchanged += 1;
            }
            let verdict = verdict(spec, example, &located.target)?;
            let remark = match verdict {
                Verdict::Rejected(why) => format!(", but the spec REJECTS it: {why}"),
                _ => String::new(),
            };
            writeln!(
                report,
                "{here}: {what}: {} {file}{remark}",
                if changed { "wrote" } else { "unchanged" }
            )?;
            manifest.upsert(Entry {
                file,
                source: source.clone(),
                line: example.line,
                doc_version: doc_version.clone(),
                language: language.clone(),
                operation: operation.clone(),
                kind: kind.to_owned(),
                status,
                correction: None,
            });
        }
    }
    let rendered = manifest.render();
    if std::fs::read_to_string(&options.manifest).ok().as_deref() != Some(rendered.as_str()) {
        std::fs::write(&options.manifest, rendered)
            .with_context(|| format!("{}: cannot write", options.manifest.display()))?;
    }
    writeln!(
        report,
        "{} pages: {written} fixtures written, {unchanged} unchanged, {kept} kept (corrected by hand), {skipped} skipped",
        pages.len()
    )?;
    Ok(Outcome {
        report,
        needs_hand_work,
    })
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

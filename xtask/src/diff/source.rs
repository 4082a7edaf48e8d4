//! The two sides of the comparison: where each spec is read from.
//!
//! `--base` and `--head` each take a git revision (the spec at
//! `openapi/mysafe.yaml` in it), `REV:PATH` (another file in it), or a file path.
//! Git sides are read with `git show`, so the working tree is never touched.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::spec::SPEC_PATH;

/// One side's spec text and how to name it.
#[derive(Clone, Debug)]
pub struct Side {
    /// The text of the spec.
    pub text: String,
    /// What was compared, for the report, e.g. "merge base of HEAD and `main` (abc1234567)".
    pub label: String,
    /// The prefix of an error about this spec, e.g. "openapi/mysafe.yaml (working tree)".
    pub context: String,
    /// The spec's path relative to the repository root (annotations' `file=`).
    pub file: String,
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .context("cannot run git (is it installed and on PATH?)")
}

/// The commit `rev` names, or `None` when it names none (or there is no repository).
fn commit_of(root: &Path, rev: &str) -> Result<Option<String>> {
    let out = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &format!("{rev}^{{commit}}"),
        ],
    )?;
    if !out.status.success() {
        return Ok(None);
    }
    Ok(Some(String::from_utf8_lossy(&out.stdout).trim().to_owned()))
}

fn short(commit: &str) -> String {
    commit.chars().take(10).collect()
}

/// The base side: `arg`, or by default the spec at the merge base of HEAD with
/// `main`, else with `origin/main` (a CI clone may have no local `main`), else HEAD.
pub fn base(root: &Path, arg: Option<&str>) -> Result<Side> {
    if let Some(arg) = arg {
        return resolve(root, arg);
    }
    for branch in ["main", "origin/main"] {
        if commit_of(root, branch)?.is_none() {
            continue;
        }
        let out = git(root, &["merge-base", "HEAD", branch])?;
        if out.status.success() {
            let commit = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            return at_commit(
                root,
                &commit,
                &format!("merge base of HEAD and `{branch}`"),
                SPEC_PATH,
            );
        }
    }
    match commit_of(root, "HEAD")? {
        Some(commit) => at_commit(
            root,
            &commit,
            "`HEAD` (no `main` or `origin/main` to merge with)",
            SPEC_PATH,
        ),
        None => bail!(
            "no commit to compare with: the repository has no `main`, `origin/main` or `HEAD`"
        ),
    }
}

/// The head side: `arg`, or by default the working tree's spec.
pub fn head(root: &Path, arg: Option<&str>) -> Result<Side> {
    if let Some(arg) = arg {
        return resolve(root, arg);
    }
    let path = root.join(SPEC_PATH);
    let context = format!("{SPEC_PATH} (working tree)");
    let text = std::fs::read_to_string(&path).with_context(|| format!("{context}: cannot read"))?;
    Ok(Side {
        text,
        label: "working tree".to_owned(),
        context,
        file: SPEC_PATH.to_owned(),
    })
}

/// `REV:PATH`, a revision, or a file, in that order of preference.
fn resolve(root: &Path, arg: &str) -> Result<Side> {
    if let Some((rev, path)) = arg.split_once(':')
        && !rev.is_empty()
        && !path.is_empty()
        && let Some(commit) = commit_of(root, rev)?
    {
        let path = path.trim_start_matches("./");
        return at_commit(root, &commit, &format!("`{rev}`"), path);
    }
    if let Some(commit) = commit_of(root, arg)? {
        return at_commit(root, &commit, &format!("`{arg}`"), SPEC_PATH);
    }
    let path = PathBuf::from(arg);
    if path.is_file() {
        let text = std::fs::read_to_string(&path).with_context(|| format!("{arg}: cannot read"))?;
        return Ok(Side {
            text,
            label: format!("file `{arg}`"),
            context: arg.to_owned(),
            file: relative_to(root, &path).unwrap_or_else(|| arg.to_owned()),
        });
    }
    bail!(
        "unknown revision `{arg}`: git cannot resolve it to a commit, and it is not `REV:PATH` or a file"
    )
}

/// The spec at `path` in `commit`, read with `git show`.
fn at_commit(root: &Path, commit: &str, how: &str, path: &str) -> Result<Side> {
    let label = if path == SPEC_PATH {
        format!("{how} ({})", short(commit))
    } else {
        format!("`{path}` at {how} ({})", short(commit))
    };
    let at = format!("{how} ({})", short(commit));
    let spec = format!("{commit}:{path}");
    let exists = git(root, &["cat-file", "-e", &spec])?;
    if !exists.status.success() {
        bail!("{path} does not exist at {at}");
    }
    let out = git(root, &["show", &spec])?;
    if !out.status.success() {
        bail!(
            "git show {spec} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let context = format!("{path} at {at}");
    let text = String::from_utf8(out.stdout).with_context(|| format!("{context}: not UTF-8"))?;
    Ok(Side {
        text,
        label,
        context,
        file: path.to_owned(),
    })
}

/// `path` relative to the repository root, when it is inside it.
fn relative_to(root: &Path, path: &Path) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    let rel = path.strip_prefix(&root).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

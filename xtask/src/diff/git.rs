//! Reading the base spec from git without touching the working tree.

use std::path::Path;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The revision the working tree is compared with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base {
    /// The full commit id.
    pub commit: String,
    /// How it was chosen, for the report, e.g. "merge base of HEAD and main".
    pub how: String,
}

impl Base {
    /// A short description: `how (abc1234)`.
    pub fn describe(&self) -> String {
        let short: String = self.commit.chars().take(10).collect();
        format!("{} ({short})", self.how)
    }
}

fn git(root: &Path, args: &[&str]) -> Result<std::process::Output> {
    Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .context("cannot run git (is it installed and on PATH?)")
}

/// The commit `rev` names, or `None` when it names none.
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

/// Resolves `--base`, or picks the default: the merge base of HEAD with `main`,
/// else with `origin/main` (a CI clone may have no local `main`), else HEAD itself.
pub fn base(root: &Path, rev: Option<&str>) -> Result<Base> {
    if let Some(rev) = rev {
        let Some(commit) = commit_of(root, rev)? else {
            bail!("unknown revision `{rev}`: git cannot resolve it to a commit");
        };
        return Ok(Base {
            commit,
            how: format!("`{rev}`"),
        });
    }
    for branch in ["main", "origin/main"] {
        if commit_of(root, branch)?.is_none() {
            continue;
        }
        let out = git(root, &["merge-base", "HEAD", branch])?;
        if out.status.success() {
            return Ok(Base {
                commit: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
                how: format!("merge base of HEAD and `{branch}`"),
            });
        }
    }
    match commit_of(root, "HEAD")? {
        Some(commit) => Ok(Base {
            commit,
            how: "`HEAD` (no `main` or `origin/main` to merge with)".to_owned(),
        }),
        None => bail!(
            "no commit to compare with: the repository has no `main`, `origin/main` or `HEAD`"
        ),
    }
}

/// The text of `path` at `base`, read with `git show` (the working tree is untouched).
pub fn show(root: &Path, base: &Base, path: &str) -> Result<String> {
    let spec = format!("{}:{path}", base.commit);
    let exists = git(root, &["cat-file", "-e", &spec])?;
    if !exists.status.success() {
        bail!("{path} does not exist at {}", base.describe());
    }
    let out = git(root, &["show", &spec])?;
    if !out.status.success() {
        bail!(
            "git show {spec} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    String::from_utf8(out.stdout)
        .with_context(|| format!("{path} at {}: not UTF-8", base.describe()))
}

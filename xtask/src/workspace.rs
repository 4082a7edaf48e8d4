//! Which workspace the commands work on, decided when they run.
//!
//! `env!("CARGO_MANIFEST_DIR")` would fix it when the binary is built, and with one
//! `CARGO_TARGET_DIR` shared by two clones (or git worktrees) the binary built in one
//! is reused in the other: it would read and write the first clone's files. So the
//! root comes from the environment `cargo run` gives the program (its
//! `CARGO_MANIFEST_DIR` is the xtask of the clone it runs in), and otherwise from the
//! current directory, as cargo itself finds a workspace.

use std::path::{Path, PathBuf};

use anyhow::{Result, bail};

/// The workspace root: the parent of `$CARGO_MANIFEST_DIR` when that is this
/// workspace's xtask (what `cargo xtask` sets), else the nearest directory at or
/// above `cwd` whose `Cargo.toml` has a `[workspace]` listing the xtask.
pub fn root(manifest_dir: Option<&Path>, cwd: &Path) -> Result<PathBuf> {
    if let Some(root) = manifest_dir.and_then(root_of_xtask) {
        return Ok(root);
    }
    for dir in cwd.ancestors() {
        if let Some(workspace) = read_manifest(dir).filter(|m| m.get("workspace").is_some()) {
            if lists_xtask(&workspace) {
                return Ok(dir.to_path_buf());
            }
            bail!(
                "{}: this workspace is not mysafe-rs (it has no xtask member); run the command \
                 inside a mysafe-rs clone",
                dir.join("Cargo.toml").display()
            );
        }
    }
    bail!(
        "cannot find the mysafe-rs workspace: CARGO_MANIFEST_DIR is not its xtask and no \
         Cargo.toml with [workspace] is at or above {}; run `cargo xtask ...` inside a clone",
        cwd.display()
    )
}

/// The root as the running process sees it (see [`root`]).
pub fn from_env() -> Result<PathBuf> {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    let cwd = std::env::current_dir()
        .map_err(|e| anyhow::anyhow!("cannot read the current directory: {e}"))?;
    root(manifest_dir.as_deref(), &cwd)
}

/// The workspace root when `dir` is the xtask package of a workspace that lists it.
fn root_of_xtask(dir: &Path) -> Option<PathBuf> {
    let package = read_manifest(dir)?;
    let name = package.get("package")?.get("name")?.as_str()?;
    let parent = dir.parent()?;
    let workspace = read_manifest(parent)?;
    (name == "xtask" && lists_xtask(&workspace)).then(|| parent.to_path_buf())
}

fn lists_xtask(manifest: &toml::Table) -> bool {
    manifest
        .get("workspace")
        .and_then(|w| w.get("members"))
        .and_then(toml::Value::as_array)
        .is_some_and(|members| members.iter().any(|m| m.as_str() == Some("xtask")))
}

/// `dir/Cargo.toml`, if it is there and is TOML.
fn read_manifest(dir: &Path) -> Option<toml::Table> {
    let text = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
    text.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A workspace with an xtask member, as its two manifests.
    fn workspace(dir: &Path) {
        std::fs::create_dir_all(dir.join("xtask")).unwrap();
        std::fs::write(
            dir.join("Cargo.toml"),
            "[workspace]\nmembers = [\"crates/a\", \"xtask\"]\n",
        )
        .unwrap();
        std::fs::write(
            dir.join("xtask/Cargo.toml"),
            "[package]\nname = \"xtask\"\nversion = \"0.0.0\"\n",
        )
        .unwrap();
    }

    #[test]
    fn the_manifest_dir_of_the_running_xtask_wins_over_the_current_directory() {
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        workspace(a.path());
        workspace(b.path());
        let found = root(Some(&b.path().join("xtask")), a.path()).unwrap();
        assert_eq!(found, b.path());
    }

    #[test]
    fn without_it_the_nearest_workspace_above_the_current_directory() {
        let tmp = tempfile::tempdir().unwrap();
        workspace(tmp.path());
        let deep = tmp.path().join("crates/a/src");
        std::fs::create_dir_all(&deep).unwrap();
        // A package manifest on the way up is not a workspace.
        std::fs::write(
            tmp.path().join("crates/a/Cargo.toml"),
            "[package]\nname = \"a\"\n",
        )
        .unwrap();
        assert_eq!(root(None, &deep).unwrap(), tmp.path());
        // CARGO_MANIFEST_DIR of another package (a build script's, say) is not ours.
        let other = tmp.path().join("crates/a");
        assert_eq!(root(Some(&other), &deep).unwrap(), tmp.path());
    }

    #[test]
    fn neither_is_one_line_error() {
        let tmp = tempfile::tempdir().unwrap();
        let err = root(Some(&tmp.path().join("nope")), tmp.path())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("cannot find the mysafe-rs workspace"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");

        std::fs::write(tmp.path().join("Cargo.toml"), "[workspace]\nmembers = []\n").unwrap();
        let err = root(None, tmp.path()).unwrap_err().to_string();
        assert!(err.contains("is not mysafe-rs"), "{err}");
    }
}

//! A mirror of each audited repository in the work directory: `git clone --mirror` the
//! first time, `git fetch` after, with the real `git`.
//!
//! Never a partial clone (`--filter`): it lacks blobs, and a history scan needs every one.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A repository that could not be cloned or fetched.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct MirrorError {
    /// What git said, or why it could not run.
    pub message: String,
}

/// Brings the mirror of `repository` (a URL or a path) at `dir` up to date: fetches every
/// ref into it when it is already a mirror, else clones it there (into a temporary directory
/// renamed into place, so a clone that stopped half-way is never taken for a mirror).
///
/// # Errors
/// git cannot be started, or the clone or fetch fails (the repository does not exist, the
/// network or the credentials fail).
pub fn mirror(repository: &str, dir: &Path) -> Result<PathBuf, MirrorError> {
    if dir.join("HEAD").is_file() && dir.join("objects").is_dir() {
        // A list entry given with other credentials, or a path that moved.
        run(git(Some(dir)).args(["remote", "set-url", "origin", repository]))?;
        run(git(Some(dir)).args(["fetch", "--prune", "--quiet", "origin"]))?;
        return Ok(dir.to_path_buf());
    }
    let parent = dir.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).map_err(|e| MirrorError {
        message: format!("cannot create {}: {e}", parent.display()),
    })?;
    let mut partial = dir.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_dir_all(&partial);
    if dir.exists() {
        // Not a mirror (an interrupted run of an older version, or something else): only
        // ever a directory this command named, so it is replaced.
        std::fs::remove_dir_all(dir).map_err(|e| MirrorError {
            message: format!("cannot replace {}: {e}", dir.display()),
        })?;
    }
    let cloned = run(git(None)
        .args(["clone", "--mirror", "--quiet", "--", repository])
        .arg(&partial));
    if let Err(error) = cloned {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(error);
    }
    std::fs::rename(&partial, dir).map_err(|e| MirrorError {
        message: format!("cannot move the clone to {}: {e}", dir.display()),
    })?;
    Ok(dir.to_path_buf())
}

/// `git`, in `dir` when given, never prompting for credentials and ignoring the variables a
/// git hook would have set for another repository.
fn git(dir: Option<&Path>) -> Command {
    let mut command = Command::new("git");
    if let Some(dir) = dir {
        command.arg("-C").arg(dir);
    }
    command.env("GIT_TERMINAL_PROMPT", "0");
    for variable in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
    ] {
        command.env_remove(variable);
    }
    command
}

/// Runs `command`; what git said on failure.
fn run(command: &mut Command) -> Result<(), MirrorError> {
    let output = command.output().map_err(|e| MirrorError {
        message: format!("cannot run git: {e}"),
    })?;
    if output.status.success() {
        return Ok(());
    }
    let said = String::from_utf8_lossy(&output.stderr);
    let said = said.trim();
    Err(MirrorError {
        message: if said.is_empty() {
            format!("git failed ({})", output.status)
        } else {
            // git's own words, last lines first matter most; keep them short.
            said.lines()
                .filter(|line| !line.trim().is_empty())
                .take(6)
                .collect::<Vec<_>>()
                .join("; ")
        },
    })
}

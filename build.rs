//! Embeds every `rules/*.toml` and `verifiers/*.toml` file into the binary, and sets
//! `LEAKWARD_VERSION`.
//!
//! The generated files hold one `(file name, contents)` pair per data file, in file-name
//! order, so the built-in rules and verifiers are the same on every machine and need no files
//! at run time. Each rule file is parsed here and embedded as JSON, which the binary reads in
//! a tenth of the time TOML takes; a rule file that is not valid TOML fails the build, naming
//! it. Verifier files are embedded as written. Every file's contents are written into the
//! generated source, which therefore names no path and stays valid whichever copy of these
//! sources last wrote it.
//!
//! `LEAKWARD_VERSION` (what `leakward --version` prints) is the package version followed by
//! the commit it was built from, `0.1.0 (1a2b3c4)`, when the crate is built in a git checkout;
//! a packaged crate (`cargo install leakward`) or a wheel built from an sdist has no `.git`,
//! and gets the version alone. Nothing about git ever fails the build.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let manifest_dir =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let version = env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let version = match git_commit(&manifest_dir) {
        Some(commit) => format!("{version} ({commit})"),
        None => version,
    };
    println!("cargo:rustc-env=LEAKWARD_VERSION={version}");

    let rules_dir = manifest_dir.join("rules");
    println!("cargo:rerun-if-changed={}", rules_dir.display());

    let mut files: Vec<PathBuf> = fs::read_dir(&rules_dir)
        .expect("the rules/ directory is readable")
        .map(|entry| entry.expect("a rules/ entry is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();

    let mut generated = String::from(
        "/// Built-in rule files: (file name, contents as JSON).\npub static BUILTIN_RULE_FILES: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("rule file names are UTF-8");
        let text = fs::read_to_string(path).expect("a rule file is readable UTF-8");
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("rules/{name} is not valid TOML: {e}"));
        let json = serde_json::to_string(&value).expect("TOML values are JSON values");
        generated.push_str(&format!("    ({name:?}, {json:?}),\n"));
    }
    generated.push_str("];\n");

    let out =
        PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    fs::write(out, generated).expect("OUT_DIR is writable");
    embed_toml_files(
        &manifest_dir.join("verifiers"),
        "BUILTIN_VERIFIER_FILES",
        "builtin_verifiers.rs",
    );
}

/// Writes `OUT_DIR/<output>` with a static `name` listing every `*.toml` file of `dir`.
fn embed_toml_files(dir: &std::path::Path, name: &str, output: &str) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .expect("the data directory is readable")
        .map(|entry| entry.expect("a data directory entry is readable").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "toml"))
        .collect();
    files.sort();
    let mut generated =
        format!("/// Built-in data files: (file name, TOML contents).\npub static {name}: &[(&str, &str)] = &[\n");
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .expect("data file names are UTF-8");
        // The contents are written out, not `include_str!` of an absolute path: a wheel or
        // crate built from an unpacked copy of these sources can share this build's
        // `OUT_DIR`, and a path into that copy would dangle once it is deleted.
        let text = fs::read_to_string(path).expect("a data file is readable UTF-8");
        generated.push_str(&format!("    ({file_name:?}, {text:?}),\n"));
    }
    generated.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join(output);
    fs::write(out, generated).expect("OUT_DIR is writable");
}

/// The short id of the commit checked out in `dir`, when `dir` is the top of a git checkout
/// and git answers; `None` otherwise. Asks cargo to run this script again when HEAD moves.
fn git_commit(dir: &Path) -> Option<String> {
    if !dir.join(".git").exists() {
        return None;
    }
    let git = |args: &[&str]| -> Option<String> {
        let mut command = Command::new("git");
        // A build started from a git hook must not read another repository.
        for name in [
            "GIT_DIR",
            "GIT_WORK_TREE",
            "GIT_INDEX_FILE",
            "GIT_COMMON_DIR",
        ] {
            command.env_remove(name);
        }
        let output = command.current_dir(dir).args(args).output().ok()?;
        let text = String::from_utf8(output.stdout).ok()?.trim().to_string();
        (output.status.success() && !text.is_empty()).then_some(text)
    };
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    if let Some(branch) = git(&["symbolic-ref", "-q", "HEAD"]) {
        watched.push(branch);
    }
    for name in &watched {
        if let Some(path) = git(&["rev-parse", "--git-path", name]) {
            let path = dir.join(path);
            // A missing path would make cargo run this script on every build.
            if path.exists() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    git(&["rev-parse", "--short", "HEAD"])
}

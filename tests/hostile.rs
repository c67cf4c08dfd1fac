//! Hostile and broken input: every path the user named is read or is an error (exit 2),
//! `--keep-going` keeps going over a damaged history, resource options are bounded, and
//! names from the scanned input cannot spoof the report.

mod common;

use common::{hermetic_git, leakward, scan_json, write, FakeKeys};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::Value;
use std::path::Path;
use std::time::{Duration, Instant};

fn git(dir: &Path, args: &[&str]) -> String {
    let output = hermetic_git(dir).args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn paths_of(document: &Value) -> Vec<String> {
    let mut paths: Vec<String> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect();
    paths.sort();
    paths
}

#[cfg(unix)]
#[test]
fn every_named_path_that_cannot_be_read_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink("nowhere", dir.path().join("dangling")).unwrap();
    std::os::unix::fs::symlink("loop-b", dir.path().join("loop-a")).unwrap();
    std::os::unix::fs::symlink("loop-a", dir.path().join("loop-b")).unwrap();
    let long = "n".repeat(300);
    for (path, says) in [
        ("missing", "no such file or directory"),
        ("dangling", "dangling symbolic link"),
        ("loop-a", "symbolic links"),
        (long.as_str(), "too long"),
        // Readable by name, but reading it fails (even as root).
        ("/proc/self/mem", "cannot be read"),
    ] {
        leakward()
            .current_dir(dir.path())
            .args(["scan", "--no-config", path])
            .assert()
            .code(2)
            .stderr(contains(says));
    }
}

#[cfg(unix)]
#[test]
fn a_named_pipe_is_read_like_a_file() {
    let k = FakeKeys::new(401);
    let binary = assert_cmd::cargo::cargo_bin("leakward");
    let output = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "'{}' scan --no-config --format json <(printf 'GROQ_API_KEY=%s\\n' '{}')",
            binary.display(),
            k.groq
        ))
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["findings"][0]["rule_id"], "groq-api-key");
}

#[test]
fn a_path_given_twice_or_inside_another_is_scanned_once() {
    let k = FakeKeys::new(402);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "src/a.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    write(dir.path(), "b.txt", "nothing\n");
    for paths in [
        &["src", "src"][..],
        &[".", "src"],
        &["src", "."],
        &["src/a.env", "src"],
    ] {
        let (document, code) = scan_json(dir.path(), &[&["--no-config"], paths].concat());
        assert_eq!(code, 1);
        let expected = if paths.contains(&".") { 2 } else { 1 };
        assert_eq!(document["stats"]["files_scanned"], expected, "{paths:?}");
        assert_eq!(
            document["findings"].as_array().unwrap().len(),
            1,
            "{paths:?}"
        );
    }
}

#[test]
fn a_report_that_cannot_be_written_is_an_error_before_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "nothing\n");
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "-o", "no/such/dir/report.json"])
        .assert()
        .code(2)
        .stderr(
            contains("the directory no/such/dir does not exist").and(contains("scanned").not()),
        );
    leakward()
        .current_dir(dir.path())
        .args(["ci", "--no-config", "--sarif", "missing/out.sarif"])
        .assert()
        .code(2)
        .stderr(contains("missing/out.sarif"));
}

/// A repository of three commits, each adding a key in its own file.
fn three_commits() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    let mut commits = Vec::new();
    for i in 1..=3u64 {
        let k = FakeKeys::new(410 + i);
        write(
            dir.path(),
            &format!("f{i}.env"),
            format!("GROQ_API_KEY={}\n", k.groq),
        );
        git(dir.path(), &["add", "."]);
        git(dir.path(), &["commit", "-qm", &format!("c{i}")]);
        commits.push(git(dir.path(), &["rev-parse", "HEAD"]));
    }
    (dir, commits)
}

#[test]
fn keep_going_scans_what_is_left_of_a_history_with_a_missing_commit() {
    let (dir, commits) = three_commits();
    let middle = &commits[1];
    std::fs::remove_file(
        dir.path()
            .join(".git/objects")
            .join(&middle[..2])
            .join(&middle[2..]),
    )
    .unwrap();
    leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config"])
        .assert()
        .code(2)
        .stderr(contains(middle.as_str()).and(contains("--keep-going")));
    let output = leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config", "--keep-going", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    // The last commit's tree still holds all three keys.
    assert_eq!(paths_of(&document), ["f1.env", "f2.env", "f3.env"]);
    let warnings = document["stats"]["warnings"].to_string();
    assert!(
        warnings.contains(&format!("cannot read commit {middle}")),
        "{warnings}"
    );
}

#[test]
fn a_damaged_pack_index_is_named_and_nothing_readable_is_an_error() {
    let (dir, _) = three_commits();
    git(dir.path(), &["gc", "-q"]);
    let pack_dir = dir.path().join(".git/objects/pack");
    let index = std::fs::read_dir(&pack_dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    let mut bytes = std::fs::read(&index).unwrap();
    // An absurd object count in the fan-out table's last entry.
    bytes[8 + 255 * 4..8 + 256 * 4].copy_from_slice(&0x7fff_ffffu32.to_be_bytes());
    let mut permissions = std::fs::metadata(&index).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&index, permissions).unwrap();
    std::fs::write(&index, bytes).unwrap();
    for extra in [&[][..], &["--keep-going"]] {
        leakward()
            .current_dir(dir.path())
            .args(["git", "--no-config"])
            .args(extra)
            .assert()
            .code(2)
            .stderr(
                contains("is damaged")
                    .and(contains("git index-pack"))
                    .and(contains("Cannot allocate memory").not()),
            );
    }
}

#[test]
fn threads_are_capped_and_zero_means_one_per_cpu() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.txt", "nothing\n");
    let started = Instant::now();
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--threads", "100000"])
        .assert()
        .code(0)
        .stderr(contains("100000 threads asked for; using"));
    assert!(started.elapsed() < Duration::from_secs(30));
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--threads", "0"])
        .assert()
        .code(0);
    write(dir.path(), ".leakward.toml", "[scan]\nthreads = 0\n");
    leakward()
        .current_dir(dir.path())
        .arg("scan")
        .assert()
        .code(0);
}

#[test]
fn an_oversized_custom_pattern_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".leakward.toml",
        "[[rule]]\nid = \"huge\"\nname = \"Huge\"\nprovider = \"X\"\nkeywords = [\"acme_\"]\n\
         pattern = '''(acme_(?:(?:[a-z0-9]{1000}){1000}){1000})'''\nseverity = \"low\"\n\
         revoke = \"https://x.invalid/\"\n",
    );
    let started = Instant::now();
    leakward()
        .current_dir(dir.path())
        .arg("scan")
        .assert()
        .code(2)
        .stderr(contains("pattern too large"));
    assert!(started.elapsed() < Duration::from_secs(30));
}

#[cfg(unix)]
#[test]
fn names_from_the_input_cannot_spoof_the_report() {
    let k = FakeKeys::new(420);
    let dir = tempfile::tempdir().unwrap();
    // A backslash is part of a file name here, not a separator.
    write(dir.path(), "a/b.env", format!("GROQ_API_KEY={}\n", k.groq));
    write(dir.path(), "a\\b.env", format!("GROQ_API_KEY={}\n", k.groq));
    // A C1 control character (CSI) and a bidirectional override in a file name.
    let spoof = "x\u{9b}31m\u{202e}vne.env";
    write(dir.path(), spoof, format!("GROQ_API_KEY={}\n", k.groq));
    write(
        dir.path(),
        ".leakward.toml",
        "[allowlist]\npaths = [\"a/b.env\"]\n",
    );
    for format in ["json", "jsonl"] {
        let output = leakward()
            .current_dir(dir.path())
            .args(["scan", "--format", format])
            .output()
            .unwrap();
        let stdout = String::from_utf8(output.stdout).unwrap();
        assert!(
            !stdout.contains('\u{9b}') && !stdout.contains('\u{202e}'),
            "{stdout}"
        );
        assert!(stdout.contains("x\\\\x9b31m\\\\u{202e}vne.env"), "{stdout}");
        assert!(
            stdout.contains("a\\\\b.env"),
            "the backslash name is reported: {stdout}"
        );
        assert!(
            !stdout.contains("\"a/b.env\""),
            "the allowlisted file is not: {stdout}"
        );
    }
}

#[test]
fn a_broken_git_configuration_is_not_called_a_missing_repository() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".gitconfig"), "[broken\n").unwrap();
    leakward()
        .current_dir(dir.path())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .args(["git", "--no-config"])
        .assert()
        .code(2)
        .stderr(
            contains("cannot read git's configuration").and(contains("not a git repository").not()),
        );
}

#[test]
fn an_error_says_its_cause_once() {
    let dir = tempfile::tempdir().unwrap();
    let output = leakward()
        .current_dir(dir.path())
        .args(["scan", "--config", "missing.toml"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(
        stderr.matches("No such file or directory").count(),
        1,
        "{stderr}"
    );
}

/// A file of `count` generic assignments (`token = <random>`), one per line, with a Groq key
/// after them all.
fn assignments_then_a_key(count: usize) -> (String, usize) {
    let mut random = common::Rng::new(0x06E4_E41C);
    let mut text = String::new();
    for _ in 0..count {
        text += &format!("token = \"{}\"\n", random.alnum(28));
    }
    text += &format!("GROQ_API_KEY={}\n", FakeKeys::new(7).groq);
    (text, count + 1)
}

fn findings_of_rule(document: &Value, rule: &str) -> usize {
    document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule)
        .count()
}

#[test]
fn a_generic_rule_stops_at_its_limit_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let (text, key_line) = assignments_then_a_key(130);
    write(dir.path(), "tokens.env", &text);

    // The default: 100 generic findings, a warning that counts the rest, and the provider
    // key after them all still found.
    let (document, code) = scan_json(dir.path(), &["--no-config", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        findings_of_rule(&document, "generic-secret-assignment"),
        100
    );
    let groq: Vec<&Value> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "groq-api-key")
        .collect();
    assert_eq!(groq.len(), 1, "{document}");
    assert_eq!(groq[0]["line"], key_line as u64);
    let warnings = document["stats"]["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let warning = warnings[0].as_str().unwrap();
    for says in [
        "tokens.env",
        "generic-secret-assignment",
        "limit of 100",
        // The key's line is one too: `GROQ_API_KEY` holds one of the rule's keywords.
        "candidates from line 101 to line 131",
        "--generic-limit 0",
    ] {
        assert!(warning.contains(says), "{warning}");
    }

    // No limit: every one, and no warning.
    let (document, code) = scan_json(dir.path(), &["--no-config", "--generic-limit", "0", "."]);
    assert_eq!(code, 1);
    assert_eq!(
        findings_of_rule(&document, "generic-secret-assignment"),
        130
    );
    assert!(document["stats"]["warnings"].as_array().unwrap().is_empty());

    // The configuration's limit, and the command line's over it.
    write(dir.path(), ".leakward.toml", "[scan]\ngeneric_limit = 5\n");
    let (document, _) = scan_json(dir.path(), &["."]);
    assert_eq!(findings_of_rule(&document, "generic-secret-assignment"), 5);
    assert!(document["stats"]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("from line 6 to line 131"));
    let (document, _) = scan_json(dir.path(), &["--generic-limit", "120", "."]);
    assert_eq!(
        findings_of_rule(&document, "generic-secret-assignment"),
        120
    );

    // The text report says it on stderr too.
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "."])
        .assert()
        .code(1)
        .stderr(contains(
            "generic-secret-assignment reached its limit of 100",
        ));
}

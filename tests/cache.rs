//! The blob cache of history scans (`--cache`): hits and misses, what invalidates it (rules,
//! version), damage, and two runs sharing it at once. Every test compares the findings and
//! the JSON report with those of a scan without the cache.

mod common;

use common::{hermetic_git, leakward, write, FakeKeys};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A repository with a few commits: keys in some files, clean files, a key removed later,
/// a binary file, and a packed part (git gc) and a loose part.
fn repository(dir: &Path) -> PathBuf {
    let k = FakeKeys::new(51);
    let root = dir.join("repo");
    std::fs::create_dir(&root).unwrap();
    let git = |args: &[&str]| {
        let status = hermetic_git(&root)
            .args(["-c", "init.defaultBranch=main"])
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    for i in 0..12 {
        write(
            &root,
            &format!("src/module_{i}.py"),
            format!("def f{i}():\n    return {i}\n"),
        );
    }
    write(
        &root,
        ".env",
        format!("OPENAI_API_KEY={}\n", k.openai_project),
    );
    write(&root, "data.bin", [0u8, 1, 2, 3, 0, 255, 7]);
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "first"]);
    write(&root, "config.py", format!("GROQ = \"{}\"\n", k.groq));
    write(&root, "src/module_3.py", "def f3():\n    return 33\n");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "second"]);
    git(&["gc", "-q"]);
    std::fs::remove_file(root.join("config.py")).unwrap();
    write(&root, "README.md", "# A project\n");
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "third"]);
    root
}

/// `leakward git REPO -f json` with `extra` arguments; the output and the parsed report.
fn scan(repo: &Path, extra: &[&str]) -> (Output, Value) {
    let output = leakward()
        .arg("git")
        .arg(repo)
        .args(["--no-config", "-f", "json"])
        .args(extra)
        .env_remove("LEAKWARD_TEST_CACHE_VERSION")
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let report = serde_json::from_slice(&output.stdout).unwrap();
    (output, report)
}

/// The report less what may differ with the cache: the duration and the cache counters.
fn comparable(report: &Value) -> Value {
    let mut report = report.clone();
    let stats = report["stats"].as_object_mut().unwrap();
    stats.remove("duration_ms");
    stats.remove("cache");
    report
}

/// (hits, misses, rescanned) of a report.
fn counts(report: &Value) -> (u64, u64, u64) {
    let cache = &report["stats"]["cache"];
    (
        cache["hits"].as_u64().unwrap(),
        cache["misses"].as_u64().unwrap(),
        cache["rescanned"].as_u64().unwrap(),
    )
}

fn cache_arg(dir: &Path) -> String {
    format!("--cache={}", dir.display())
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn a_rescan_reads_only_blobs_with_findings_and_reports_the_same() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let cache = dir.path().join("cache");
    for threads in ["1", "4"] {
        let (_, plain) = scan(&repo, &["--threads", threads]);
        assert!(plain["stats"].get("cache").is_none());
        let blobs = plain["stats"]["files_scanned"].as_u64().unwrap();
        let with_findings = 2; // .env and config.py
        assert_eq!(plain["findings"].as_array().unwrap().len(), 2);

        let (first, filled) = scan(&repo, &["--threads", threads, &cache_arg(&cache)]);
        assert_eq!(
            comparable(&filled),
            comparable(&plain),
            "{}",
            stderr(&first)
        );
        let (_, again) = scan(&repo, &["--threads", threads, &cache_arg(&cache)]);
        assert_eq!(comparable(&again), comparable(&plain));
        assert_eq!(counts(&again), (blobs - with_findings, 0, with_findings));
        if threads == "1" {
            assert_eq!(counts(&filled), (0, blobs, 0));
        }
    }
    // Secrets in full come from the blob itself, read again: the cache holds none.
    let (_, shown) = scan(&repo, &[&cache_arg(&cache), "--show-secrets"]);
    let (_, plain_shown) = scan(&repo, &["--show-secrets"]);
    assert_eq!(comparable(&shown), comparable(&plain_shown));
    let k = FakeKeys::new(51);
    for file in walk(&cache) {
        let bytes = std::fs::read(&file).unwrap();
        for secret in [&k.openai_project, &k.groq] {
            assert!(
                !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
                "{} holds a secret",
                file.display()
            );
        }
    }
}

#[test]
fn new_commits_scan_only_their_new_blobs() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let cache = dir.path().join("cache");
    scan(&repo, &[&cache_arg(&cache)]);
    let k = FakeKeys::new(52);
    write(&repo, "new.txt", "a new file\n");
    write(
        &repo,
        "src/module_5.py",
        format!("HF = \"{}\"\n", k.huggingface),
    );
    let git = |args: &[&str]| assert!(hermetic_git(&repo).args(args).status().unwrap().success());
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "fourth"]);
    let (_, plain) = scan(&repo, &[]);
    let (_, cached) = scan(&repo, &[&cache_arg(&cache)]);
    assert_eq!(comparable(&cached), comparable(&plain));
    let (_, misses, rescanned) = counts(&cached);
    assert_eq!(misses, 2, "the two new blobs");
    assert_eq!(rescanned, 2, "the blobs that had findings before");
    assert_eq!(plain["findings"].as_array().unwrap().len(), 3);
}

#[test]
fn other_rules_or_another_version_scan_afresh() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let cache = dir.path().join("cache");
    let (_, first) = scan(&repo, &[&cache_arg(&cache)]);
    let blobs = first["stats"]["files_scanned"].as_u64().unwrap();

    // A disabled rule: another rule set, another key.
    let config = write(
        dir.path(),
        "leakward.toml",
        "disable = [\"groq-api-key\"]\n",
    );
    let config_arg = format!("--config={}", config.display());
    let (_, disabled) = leakward_with_config(&repo, &config_arg, &cache);
    assert_eq!(counts(&disabled).1, blobs, "every blob is a miss");
    assert_eq!(disabled["findings"].as_array().unwrap().len(), 1);
    let (_, disabled_again) = leakward_with_config(&repo, &config_arg, &cache);
    assert_eq!(counts(&disabled_again).1, 0);

    // A category filter changes the rule set too.
    let (_, only_ai) = scan(&repo, &[&cache_arg(&cache), "--only-categories", "ai"]);
    assert_eq!(counts(&only_ai).1, blobs);

    // Another version of leakward (injected for the test).
    let output = leakward()
        .arg("git")
        .arg(&repo)
        .args(["--no-config", "-f", "json", &cache_arg(&cache)])
        .env("LEAKWARD_TEST_CACHE_VERSION", "9.9.9-test")
        .output()
        .unwrap();
    let other_version: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(counts(&other_version).1, blobs);
    assert_eq!(comparable(&other_version), comparable(&first));

    // The first key is still there, untouched.
    let (_, back) = scan(&repo, &[&cache_arg(&cache)]);
    assert_eq!(counts(&back).1, 0);
}

fn leakward_with_config(repo: &Path, config_arg: &str, cache: &Path) -> (Output, Value) {
    let output = leakward()
        .arg("git")
        .arg(repo)
        .args(["-f", "json", config_arg, &cache_arg(cache)])
        .env_remove("LEAKWARD_TEST_CACHE_VERSION")
        .output()
        .unwrap();
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        stderr(&output)
    );
    let report = serde_json::from_slice(&output.stdout).unwrap();
    (output, report)
}

/// Every file under `dir`.
fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn a_damaged_cache_is_a_warning_and_a_full_scan_with_the_same_findings() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let cache = dir.path().join("cache");
    let (_, plain) = scan(&repo, &[]);
    let blobs = plain["stats"]["files_scanned"].as_u64().unwrap();
    for damage in ["flip", "truncate", "garbage"] {
        let _ = std::fs::remove_dir_all(&cache);
        scan(&repo, &[&cache_arg(&cache)]);
        let files = walk(&cache);
        assert_eq!(files.len(), 1, "{files:?}");
        let mut bytes = std::fs::read(&files[0]).unwrap();
        match damage {
            "flip" => {
                let middle = bytes.len() / 2;
                bytes[middle] ^= 0x01;
            }
            "truncate" => bytes.truncate(bytes.len() - 7),
            _ => bytes = b"not a cache at all".to_vec(),
        }
        std::fs::write(&files[0], bytes).unwrap();

        let (output, damaged) = scan(&repo, &[&cache_arg(&cache)]);
        let said = stderr(&output);
        assert!(
            said.contains("warning: the blob cache file") && said.contains("is damaged"),
            "{damage}: {said}"
        );
        assert_eq!(counts(&damaged), (0, blobs, 0), "{damage}: a full scan");
        assert_eq!(damaged["findings"], plain["findings"], "{damage}");
        // The damaged file is gone and the cache whole again.
        let (output, healed) = scan(&repo, &[&cache_arg(&cache)]);
        assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
        assert_eq!(counts(&healed).1, 0);
        assert_eq!(comparable(&healed), comparable(&plain));
    }
}

#[cfg(unix)]
#[test]
fn an_unusable_cache_directory_is_a_warning_and_a_scan_without_it() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let not_a_directory = write(dir.path(), "cache-file", "x");
    let (_, plain) = scan(&repo, &[]);
    let (output, report) = scan(&repo, &[&cache_arg(&not_a_directory)]);
    assert!(
        stderr(&output).contains("cannot use the blob cache directory"),
        "{}",
        stderr(&output)
    );
    assert_eq!(report["findings"], plain["findings"]);
}

#[test]
fn two_runs_sharing_a_cache_at_once_are_both_right() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let cache = dir.path().join("cache");
    let (_, plain) = scan(&repo, &[]);
    let blobs = plain["stats"]["files_scanned"].as_u64().unwrap();
    for round in 0..3 {
        let start = || {
            std::process::Command::new(assert_cmd::cargo::cargo_bin("leakward"))
                .arg("git")
                .arg(&repo)
                .args(["--no-config", "-f", "json", &cache_arg(&cache)])
                .env_remove("LEAKWARD_TEST_CACHE_VERSION")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        for child in [a, b] {
            let output = child.wait_with_output().unwrap();
            assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
            assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
            let report: Value = serde_json::from_slice(&output.stdout).unwrap();
            assert_eq!(comparable(&report), comparable(&plain), "round {round}");
        }
    }
    let (_, after) = scan(&repo, &[&cache_arg(&cache)]);
    assert_eq!(counts(&after), (blobs - 2, 0, 2));
}

#[test]
fn ci_and_pre_push_take_the_cache_too() {
    let dir = tempfile::tempdir().unwrap();
    let repo = repository(dir.path());
    let cache = dir.path().join("cache");
    let output = leakward()
        .current_dir(&repo)
        .args(["ci", "--no-config", "-f", "json", &cache_arg(&cache)])
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITLAB_CI")
        .env_remove("GITHUB_EVENT_NAME")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(counts(&report).1 > 0);

    let head = String::from_utf8(
        hermetic_git(&repo)
            .args(["rev-parse", "HEAD"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let zero = "0".repeat(40);
    let output = leakward()
        .current_dir(&repo)
        .args([
            "pre-push",
            "origin",
            "x",
            "--no-config",
            "-f",
            "json",
            &cache_arg(&cache),
        ])
        .write_stdin(format!(
            "refs/heads/main {} refs/heads/main {zero}\n",
            head.trim()
        ))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(counts(&report).1, 0, "everything was seen by `ci`");
}

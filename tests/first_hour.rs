//! What a new user trips over in the first hour: advice that can be followed where the key
//! is, the options people expect from other scanners, findings shown in their context,
//! summaries that add up, force-added files, partial clones.

mod common;

use common::{hermetic_git, leakward, scan_json, write, FakeKeys};
use predicates::prelude::PredicateBooleanExt;
use predicates::str::contains;
use serde_json::Value;
use std::path::Path;

fn git(dir: &Path, args: &[&str]) -> String {
    let output = hermetic_git(dir).args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

/// A repository whose one commit adds a Groq key in `app/.env`.
fn repo_with_key(k: &FakeKeys) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), "app/.env", format!("GROQ_API_KEY={}\n", k.groq));
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "Add settings"]);
    dir
}

fn run_json(dir: &Path, args: &[&str]) -> (Value, i32, String) {
    let output = leakward()
        .current_dir(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let document = serde_json::from_slice(&output.stdout).unwrap_or(Value::Null);
    (
        document,
        output.status.code().unwrap(),
        String::from_utf8(output.stderr).unwrap(),
    )
}

fn findings(document: &Value) -> usize {
    document["findings"].as_array().map_or(0, Vec::len)
}

#[test]
fn history_advice_says_what_works_in_an_old_commit() {
    let k = FakeKeys::new(301);
    let dir = repo_with_key(&k);
    let output = leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.contains("A comment cannot be added to an old commit"),
        "{text}"
    );
    assert!(text.contains("leakward baseline git"), "{text}");
    assert!(text.contains("[allowlist] fingerprints"), "{text}");
    assert!(text.contains("[allowlist] commits"), "{text}");
    assert!(!text.contains("Add `leakward:allow` on its line"), "{text}");
    // In the work tree, the line can take a comment.
    let output = leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config"])
        .output()
        .unwrap();
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.contains("Add `leakward:allow` on its line"), "{text}");
}

#[test]
fn the_configuration_names_a_baseline_and_allowlists_fingerprints_and_commits() {
    let k = FakeKeys::new(302);
    let dir = repo_with_key(&k);
    let commit = git(dir.path(), &["rev-parse", "HEAD"]);
    let (document, code, _) = run_json(dir.path(), &["git", "--no-config"]);
    assert_eq!(code, 1);
    let fingerprint = document["findings"][0]["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();

    // A baseline named by the configuration applies to `git` and `scan` without a flag.
    leakward()
        .current_dir(dir.path())
        .args(["baseline", "git", "--no-config", "-o", "accepted.json"])
        .assert()
        .code(0);
    write(
        dir.path(),
        ".leakward.toml",
        "baseline = \"accepted.json\"\n",
    );
    for command in ["git", "scan"] {
        let (document, code, _) = run_json(dir.path(), &[command]);
        assert_eq!((code, findings(&document)), (0, 0), "{command}");
        assert_eq!(document["stats"]["suppressed"]["baseline"], 1, "{command}");
    }
    // From a subdirectory too: the path is relative to the configuration file.
    let (document, code, _) = run_json(&dir.path().join("app"), &["scan", "."]);
    assert_eq!((code, findings(&document)), (0, 0));
    // A missing baseline file is an error naming the configuration's line.
    write(dir.path(), ".leakward.toml", "\nbaseline = \"gone.json\"\n");
    leakward()
        .current_dir(dir.path())
        .args(["git"])
        .assert()
        .code(2)
        .stderr(contains("line 2").and(contains("gone.json")));

    // The fingerprint, and the commit (by a prefix), each suppress it.
    for allow in [
        format!("[allowlist]\nfingerprints = [\"{fingerprint}\"]\n"),
        format!("[allowlist]\ncommits = [\"{}\"]\n", &commit[..10]),
        format!("[allowlist.rule.groq-api-key]\ncommits = [\"{commit}\"]\n"),
    ] {
        write(dir.path(), ".leakward.toml", &allow);
        let (document, code, stderr) = run_json(dir.path(), &["git"]);
        assert_eq!((code, findings(&document)), (0, 0), "{allow}\n{stderr}");
        assert_eq!(document["stats"]["suppressed"]["allowlist"], 1, "{allow}");
    }
    // A commit allowlist does not touch work-tree findings (they have no commit).
    write(
        dir.path(),
        ".leakward.toml",
        format!("[allowlist]\ncommits = [\"{commit}\"]\n"),
    );
    let (document, code, _) = run_json(dir.path(), &["scan"]);
    assert_eq!((code, findings(&document)), (1, 1));
    // Malformed entries are errors with their line.
    write(
        dir.path(),
        ".leakward.toml",
        "[allowlist]\nfingerprints = [\n  \"abc\",\n]\n",
    );
    leakward()
        .current_dir(dir.path())
        .args(["scan"])
        .assert()
        .code(2)
        .stderr(contains("line 3").and(contains("32 hex digits")));
    write(
        dir.path(),
        ".leakward.toml",
        "[allowlist]\ncommits = [\"12ab\"]\n",
    );
    leakward()
        .current_dir(dir.path())
        .args(["scan"])
        .assert()
        .code(2)
        .stderr(contains("line 2").and(contains("7 to 64 hex digits")));
}

#[test]
fn a_stopped_commit_prints_one_advice_block() {
    let k = FakeKeys::new(303);
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(
        dir.path(),
        "settings.py",
        format!("GROQ = \"{}\"\n", k.groq),
    );
    git(dir.path(), &["add", "."]);
    let output = leakward()
        .current_dir(dir.path())
        .args(["staged", "--no-config"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let both = format!("{stdout}{stderr}");
    assert_eq!(
        both.matches("leakward stopped this commit").count(),
        1,
        "{both}"
    );
    assert!(!both.contains("stays in every clone"), "{both}");
    assert!(
        !both.contains("Revoke each key at the page shown"),
        "{both}"
    );
    assert!(stdout.contains("settings.py:1:"), "{stdout}");
}

#[test]
fn min_severity_exclude_and_exit_zero() {
    let k = FakeKeys::new(304);
    let dir = tempfile::tempdir().unwrap();
    // An AWS access key id alone is a medium finding; a Groq key is high.
    write(
        dir.path(),
        "a.env",
        format!(
            "AWS_ACCESS_KEY_ID={}\nGROQ_API_KEY={}\n",
            k.aws_access_key_id, k.groq
        ),
    );
    write(
        dir.path(),
        "vendor/b.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    let rules = |document: &Value| -> Vec<String> {
        let mut rules: Vec<String> = document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                format!(
                    "{} {}",
                    f["path"].as_str().unwrap(),
                    f["severity"].as_str().unwrap()
                )
            })
            .collect();
        rules.sort();
        rules
    };
    let (document, _) = scan_json(dir.path(), &["--no-config"]);
    assert_eq!(
        rules(&document),
        ["a.env high", "a.env medium", "vendor/b.env high"]
    );
    let (document, _) = scan_json(dir.path(), &["--no-config", "--min-severity", "high"]);
    assert_eq!(rules(&document), ["a.env high", "vendor/b.env high"]);
    let (document, _) = scan_json(
        dir.path(),
        &[
            "--no-config",
            "--exclude",
            "vendor/**",
            "--exclude",
            "*.txt",
        ],
    );
    assert_eq!(rules(&document), ["a.env high", "a.env medium"]);
    assert_eq!(document["stats"]["files_excluded"], 1);
    // The configuration's min_severity, and the command line over it.
    write(
        dir.path(),
        ".leakward.toml",
        "min_severity = \"critical\"\n",
    );
    let (document, code) = scan_json(dir.path(), &[]);
    assert_eq!((code, rules(&document).len()), (0, 0));
    let (document, _) = scan_json(dir.path(), &["--min-severity", "medium"]);
    assert_eq!(rules(&document).len(), 3);
    std::fs::remove_file(dir.path().join(".leakward.toml")).unwrap();

    // --exit-zero reports the findings and exits 0; an error is still 2.
    let (document, code) = scan_json(dir.path(), &["--no-config", "--exit-zero"]);
    assert_eq!((code, rules(&document).len()), (0, 3));
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--exit-zero", "missing-path"])
        .assert()
        .code(2);
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--exclude", "a/[b"])
        .assert()
        .code(2)
        .stderr(contains("--exclude: invalid glob"));
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config", "--min-severity", "severe"])
        .assert()
        .code(2);
}

#[test]
fn a_range_needs_two_ends() {
    let k = FakeKeys::new(305);
    let dir = repo_with_key(&k);
    leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config", "--range", "main"])
        .assert()
        .code(2)
        .stderr(contains("a range is `A..B`").and(contains("--branch main")));
    leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config", "--branch", "main"])
        .assert()
        .code(1);
}

#[test]
fn uninstall_hook_removes_only_leakwards_hook() {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    let hook = dir.path().join(".git/hooks/pre-commit");
    leakward()
        .current_dir(dir.path())
        .arg("install-hook")
        .assert()
        .code(0);
    assert!(hook.is_file());
    leakward()
        .current_dir(dir.path())
        .arg("uninstall-hook")
        .assert()
        .code(0)
        .stderr(contains("removed the pre-commit hook"));
    assert!(!hook.exists());
    leakward()
        .current_dir(dir.path())
        .arg("uninstall-hook")
        .assert()
        .code(0)
        .stderr(contains("nothing to remove"));
    std::fs::write(&hook, "#!/bin/sh\nexec other-linter\n").unwrap();
    leakward()
        .current_dir(dir.path())
        .arg("uninstall-hook")
        .assert()
        .code(2)
        .stderr(contains("was not written by leakward"));
    assert!(hook.is_file(), "a foreign hook stays");
}

#[test]
fn show_secrets_keeps_the_line_and_puts_a_pem_key_on_its_own_lines() {
    let k = FakeKeys::new(306);
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "client.py",
        format!("client = Groq(api_key=\"{}\", timeout=3)\n", k.groq),
    );
    let mut rng = common::Rng::new(306);
    let body: Vec<String> = (0..6)
        .map(|_| {
            rng.string(
                &format!("{}{}{}+/", common::UPPER, common::LOWER, common::DIGITS),
                64,
            )
        })
        .collect();
    let pem = format!(
        "-----BEGIN RSA PRIVATE KEY-----\n{}\n-----END RSA PRIVATE KEY-----\n",
        body.join("\n")
    );
    write(dir.path(), "deploy/id_rsa", &pem);
    let text = |extra: &[&str]| {
        let output = leakward()
            .current_dir(dir.path())
            .args(["scan", "--no-config"])
            .args(extra)
            .output()
            .unwrap();
        String::from_utf8(output.stdout).unwrap()
    };
    let shown = text(&["--show-secrets"]);
    assert!(
        shown.contains(&format!(
            "    client = Groq(api_key=\"{}\", timeout=3)",
            k.groq
        )),
        "{shown}"
    );
    assert!(
        shown.contains("    secret:\n      -----BEGIN RSA PRIVATE KEY-----\n"),
        "{shown}"
    );
    for line in &body {
        assert!(shown.contains(&format!("\n      {line}\n")), "{shown}");
    }
    let redacted = text(&[]);
    assert!(
        redacted.contains("client = Groq(api_key=\"gsk_"),
        "{redacted}"
    );
    assert!(!redacted.contains(&k.groq), "{redacted}");
    assert!(!redacted.contains(&body[2]), "{redacted}");
    // JSON keeps the context with the secret in full only on request.
    let (document, _) = scan_json(dir.path(), &["--no-config", "--show-secrets"]);
    let snippet = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "client.py")
        .unwrap()["snippet"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        snippet,
        format!("client = Groq(api_key=\"{}\", timeout=3)", k.groq)
    );
}

#[test]
fn force_added_files_are_scanned_and_the_configuration_is_not_counted() {
    let k = FakeKeys::new(307);
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), ".gitignore", "*.env\nsecrets/\n");
    write(dir.path(), ".leakward.toml", "# defaults\n");
    write(
        dir.path(),
        "tracked.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    write(
        dir.path(),
        "secrets/tracked.json",
        format!("{{\"xai\": \"{}\"}}\n", k.xai),
    );
    write(
        dir.path(),
        "untracked.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    git(dir.path(), &["add", ".gitignore", ".leakward.toml"]);
    git(
        dir.path(),
        &["add", "-f", "tracked.env", "secrets/tracked.json"],
    );
    let paths = |document: &Value| -> Vec<String> {
        let mut paths: Vec<String> = document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect();
        paths.sort();
        paths
    };
    let (document, code) = scan_json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(paths(&document), ["secrets/tracked.json", "tracked.env"]);
    assert_eq!(
        document["stats"]["files_excluded"], 0,
        "the configuration is not counted"
    );
    let summary = leakward()
        .current_dir(dir.path())
        .arg("scan")
        .output()
        .unwrap()
        .stderr;
    assert!(!String::from_utf8(summary).unwrap().contains("excluded"));
    // From a subdirectory, and naming the file itself.
    let (document, _) = scan_json(&dir.path().join("secrets"), &["."]);
    assert_eq!(paths(&document), ["tracked.json"]);
    let (document, _) = scan_json(dir.path(), &["tracked.env"]);
    assert_eq!(paths(&document), ["tracked.env"]);
    // --no-ignore scans the untracked ignored file too.
    let (document, _) = scan_json(dir.path(), &["--no-ignore"]);
    assert_eq!(
        paths(&document),
        ["secrets/tracked.json", "tracked.env", "untracked.env"]
    );
    // [scan] exclude still applies to tracked files.
    write(
        dir.path(),
        ".leakward.toml",
        "[scan]\nexclude = [\"secrets/**\"]\n",
    );
    let (document, _) = scan_json(dir.path(), &[]);
    assert_eq!(paths(&document), ["tracked.env"]);
    assert_eq!(document["stats"]["files_excluded"], 1);
}

#[test]
fn gitignore_outside_a_repository_applies_only_on_request() {
    let k = FakeKeys::new(308);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "ignored.env\n");
    write(
        dir.path(),
        "ignored.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    let (document, _) = scan_json(dir.path(), &["--no-config"]);
    assert_eq!(
        findings(&document),
        1,
        "as in ripgrep: no repository, no .gitignore"
    );
    let (document, code) = scan_json(dir.path(), &["--no-config", "--no-require-git"]);
    assert_eq!((code, findings(&document)), (0, 0));
}

#[test]
fn a_partial_clone_missing_an_object_says_how_to_go_on() {
    let k = FakeKeys::new(309);
    let dir = repo_with_key(&k);
    let blob = git(dir.path(), &["rev-parse", "HEAD:app/.env"]);
    let loose = dir
        .path()
        .join(".git/objects")
        .join(&blob[..2])
        .join(&blob[2..]);
    std::fs::remove_file(loose).unwrap();
    leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config"])
        .assert()
        .code(2)
        .stderr(contains(blob.as_str()).and(contains("--keep-going scans everything else")));
    // A promisor pack marks a partial clone: the advice says how to fetch what is missing.
    let pack_dir = dir.path().join(".git/objects/pack");
    std::fs::create_dir_all(&pack_dir).unwrap();
    std::fs::write(pack_dir.join("pack-0000.promisor"), "").unwrap();
    leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config"])
        .assert()
        .code(2)
        .stderr(contains("partial clone").and(contains("git fetch --refetch")));
    leakward()
        .current_dir(dir.path())
        .args(["git", "--no-config", "--keep-going"])
        .assert()
        .code(0)
        .stderr(contains("it was not scanned"));
}

#[test]
fn history_progress_and_summary_agree_on_unreachable_blobs() {
    let k = FakeKeys::new(310);
    let dir = repo_with_key(&k);
    // A blob in the pack that no commit reaches: packed on a branch, then the branch deleted.
    git(dir.path(), &["checkout", "-qb", "draft"]);
    write(dir.path(), "draft.txt", "never merged\n");
    git(dir.path(), &["add", "draft.txt"]);
    git(dir.path(), &["commit", "-qm", "Draft"]);
    git(dir.path(), &["checkout", "-q", "main"]);
    git(dir.path(), &["repack", "-adq"]);
    git(dir.path(), &["branch", "-qD", "draft"]);
    git(dir.path(), &["reflog", "expire", "--expire=now", "--all"]);
    let (document, code, stderr) = run_json(dir.path(), &["git", "--no-config", "--threads", "2"]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(document["stats"]["files_scanned"], 1);
    assert_eq!(document["stats"]["unreachable_blobs_read"], 1);
    assert!(
        stderr.contains("scanned 1 distinct blob from 1 commit (and read 1 blob in the packs that no commit reaches)"),
        "{stderr}"
    );
}

#[test]
fn the_repository_carries_both_licence_texts() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mit = std::fs::read_to_string(root.join("LICENSE-MIT")).unwrap();
    let apache = std::fs::read_to_string(root.join("LICENSE-APACHE")).unwrap();
    assert!(mit.starts_with("MIT License"));
    assert!(apache.contains("Apache License") && apache.contains("Version 2.0, January 2004"));
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("license = \"MIT OR Apache-2.0\""));
}

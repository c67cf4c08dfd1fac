//! `leakward git` and `leakward baseline git` through the binary: exit codes, the commit in
//! every format, baselines over history. (The history source itself is tested in history.rs.)

mod common;

use common::{leakward, FakeKeys};
use predicates::str::contains;
use std::path::Path;
use std::process::Command;

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=Ada Demo",
            "-c",
            "user.email=ada@example.invalid",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .env("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
        .env("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// A repository where a key was committed and then deleted.
fn repo_with_deleted_key(k: &FakeKeys) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    common::write(dir.path(), "app/.env", format!("GROQ_API_KEY={}\n", k.groq));
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "Add settings"]);
    std::fs::remove_file(dir.path().join("app/.env")).unwrap();
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "Remove settings"]);
    dir
}

#[test]
fn a_deleted_key_is_found_with_its_commit_in_every_format() {
    let k = FakeKeys::new(60);
    let dir = repo_with_deleted_key(&k);
    let output = leakward()
        .args(["git", "--no-config", "--format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let finding = &document["findings"][0];
    assert_eq!(finding["rule_id"], "groq-api-key");
    assert_eq!(finding["path"], "app/.env");
    assert_eq!(finding["line"], 1);
    assert_eq!(finding["author_name"], "Ada Demo");
    assert_eq!(finding["author_email"], "ada@example.invalid");
    assert_eq!(finding["date"], "2026-01-02T03:04:05Z");
    assert_eq!(finding["commit_summary"], "Add settings");
    assert_eq!(finding["commit"].as_str().unwrap().len(), 40);
    assert_eq!(document["stats"]["commits_scanned"], 2);
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("scanned 1 distinct blob from 2 commits"),
        "{stderr}"
    );

    let text = leakward()
        .args(["git", "--no-config"])
        .arg(dir.path())
        .output()
        .unwrap()
        .stdout;
    let text = String::from_utf8(text).unwrap();
    assert!(
        text.contains("commit ")
            && text.contains(
                "by Ada Demo <ada@example.invalid> on 2026-01-02T03:04:05Z: Add settings"
            ),
        "{text}"
    );
    assert!(!text.contains(&k.groq));

    let sarif = leakward()
        .args(["git", "--no-config", "--format", "sarif"])
        .arg(dir.path())
        .output()
        .unwrap()
        .stdout;
    let sarif: serde_json::Value = serde_json::from_slice(&sarif).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["properties"]["commit"], finding["commit"]);
    assert_eq!(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "app/.env"
    );
}

#[test]
fn a_history_baseline_suppresses_old_leaks_and_reports_new_ones() {
    let k = FakeKeys::new(61);
    let dir = repo_with_deleted_key(&k);
    let baseline = dir.path().join("baseline.json");
    leakward()
        .args(["baseline", "git", "--no-config", "-o"])
        .arg(&baseline)
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(contains("wrote 1 baseline entry"));
    common::write(
        dir.path(),
        "src/client.py",
        format!("client = Mistral(api_key=\"{}\")\n", k.mistral),
    );
    git(dir.path(), &["add", "src/client.py"]);
    git(dir.path(), &["commit", "-qm", "Add client"]);
    let output = leakward()
        .args(["git", "--no-config", "--format", "jsonl", "--baseline"])
        .arg(&baseline)
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["rule_id"], "mistral-api-key");
    assert_eq!(lines[0]["commit_summary"], "Add client");
    assert!(String::from_utf8(output.stderr)
        .unwrap()
        .contains("1 suppressed (1 baseline)"));
}

#[test]
fn not_a_repository_is_an_error_and_a_clean_history_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    leakward()
        .args(["git", "--no-config"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("not a git repository"));
    git(dir.path(), &["init", "-q", "-b", "main"]);
    common::write(dir.path(), "README.md", "# hello\n");
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "Initial commit"]);
    leakward()
        .args(["git", "--no-config"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(contains("0 findings"));
}

#[test]
fn the_repository_configuration_applies_to_history() {
    let k = FakeKeys::new(62);
    let dir = repo_with_deleted_key(&k);
    common::write(
        dir.path(),
        ".leakward.toml",
        "[allowlist]\npaths = [\"app/**\"]\n",
    );
    leakward()
        .args(["git"])
        .arg(dir.path())
        .assert()
        .code(0)
        .stderr(contains("1 suppressed (1 allowlist)"));
}

#[test]
fn a_key_that_stays_while_the_file_changes_is_reported_once_at_its_first_commit() {
    let k = FakeKeys::new(63);
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    common::write(
        dir.path(),
        "settings.env",
        format!("XAI_API_KEY={}\nA=1\n", k.xai),
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "First version"]);
    for (n, text) in ["# header\n", "# header\n# more\n"].iter().enumerate() {
        common::write(
            dir.path(),
            "settings.env",
            format!("{text}XAI_API_KEY={}\nA={n}\n", k.xai),
        );
        git(dir.path(), &["commit", "-qam", &format!("Edit {n}")]);
    }
    let output = leakward()
        .args(["git", "--no-config", "--format", "jsonl"])
        .arg(dir.path())
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1, "{lines:#?}");
    assert_eq!(lines[0]["commit_summary"], "First version");
    assert_eq!(lines[0]["line"], 1);
    assert_eq!(
        lines[0]["other_occurrences"], 2,
        "the two later versions of the file"
    );
}

#[test]
fn from_a_subdirectory_the_repository_above_is_scanned() {
    let k = FakeKeys::new(64);
    let dir = repo_with_deleted_key(&k);
    std::fs::create_dir_all(dir.path().join("docs/deep")).unwrap();
    leakward()
        .current_dir(dir.path().join("docs/deep"))
        .args(["git", "--no-config"])
        .assert()
        .code(1)
        .stdout(contains("groq-api-key"));
}

#[test]
fn progress_is_reported_per_blob_and_never_printed_to_a_pipe() {
    use leakward::source::history::{scan, HistoryOptions, ProgressSink};
    use std::sync::{Arc, Mutex};
    let k = FakeKeys::new(65);
    let dir = repo_with_deleted_key(&k);
    common::write(dir.path(), "README.md", "# readme\n");
    git(dir.path(), &["add", "README.md"]);
    git(dir.path(), &["commit", "-qm", "Readme"]);
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    let options = HistoryOptions {
        threads: 2,
        progress: Some(ProgressSink(Arc::new(move |done, total, bytes| {
            seen.lock().unwrap().push((done, total, bytes))
        }))),
        ..HistoryOptions::default()
    };
    let rules = leakward::rules::RuleSet::builtin().unwrap();
    let output = scan(dir.path(), &options, &leakward::scan::Scanner::new(&rules)).unwrap();
    let calls = calls.lock().unwrap();
    assert_eq!(calls.len() as u64, output.stats.files_scanned);
    assert_eq!(
        calls.iter().map(|c| c.0).collect::<Vec<_>>(),
        (1..=calls.len() as u64).collect::<Vec<_>>()
    );
    assert!(calls.iter().all(|c| c.1 == output.stats.files_scanned));
    assert_eq!(calls.last().unwrap().2, output.stats.bytes_scanned);
    drop(calls);

    // Packed, plus a loose commit: the packed blobs are scanned during the walk and the
    // loose ones after, and the count goes on from where it was.
    git(dir.path(), &["gc", "-q"]);
    common::write(dir.path(), "NOTES.md", "# notes\n");
    git(dir.path(), &["add", "NOTES.md"]);
    git(dir.path(), &["commit", "-qm", "Notes"]);
    seen_packed(&options, dir.path(), &rules);

    let stderr = leakward()
        .args(["git", "--no-config"])
        .arg(dir.path())
        .output()
        .unwrap()
        .stderr;
    let stderr = String::from_utf8(stderr).unwrap();
    assert!(
        !stderr.contains('\r') && !stderr.contains('\x1b'),
        "{stderr:?}"
    );
}

/// Runs `options` (whose progress sink records into a fresh list) over the packed `repo` and
/// checks the reports: one per blob, counting up by one, totals and bytes never going back,
/// and the last report covering every blob scanned.
fn seen_packed(
    options: &leakward::source::history::HistoryOptions,
    repo: &std::path::Path,
    rules: &leakward::rules::RuleSet,
) {
    use leakward::source::history::{scan, HistoryOptions, ProgressSink};
    use std::sync::{Arc, Mutex};
    let calls = Arc::new(Mutex::new(Vec::new()));
    let seen = calls.clone();
    let options = HistoryOptions {
        progress: Some(ProgressSink(Arc::new(move |done, total, bytes| {
            seen.lock().unwrap().push((done, total, bytes))
        }))),
        ..options.clone()
    };
    let output = scan(repo, &options, &leakward::scan::Scanner::new(rules)).unwrap();
    let calls = calls.lock().unwrap();
    assert_eq!(calls.len() as u64, output.stats.files_scanned, "{calls:?}");
    assert_eq!(
        calls.iter().map(|c| c.0).collect::<Vec<_>>(),
        (1..=calls.len() as u64).collect::<Vec<_>>()
    );
    assert!(calls
        .windows(2)
        .all(|w| w[0].1 <= w[1].1 && w[0].2 <= w[1].2));
    assert_eq!(
        *calls.last().unwrap(),
        (
            output.stats.files_scanned,
            output.stats.files_scanned,
            output.stats.bytes_scanned
        )
    );
}

#[test]
fn a_key_rotated_in_place_is_two_findings_each_with_its_commit() {
    // Commit A adds a key on line 2 of a.py; commit B replaces it with another key on the same
    // line and column. Both keys leaked: same path, line, column and rule, different secrets.
    let first = FakeKeys::new(61).groq;
    let second = FakeKeys::new(62).groq;
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q", "-b", "main"]);
    common::write(
        dir.path(),
        "a.py",
        format!("import os\nTOKEN = \"{first}\"\n"),
    );
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-qm", "Add the token"]);
    common::write(
        dir.path(),
        "a.py",
        format!("import os\nTOKEN = \"{second}\"\n"),
    );
    git(dir.path(), &["commit", "-qam", "Rotate the token"]);
    // A true repeat: the second key again in another commit at the same place is one finding.
    common::write(
        dir.path(),
        "a.py",
        format!("import sys\nTOKEN = \"{second}\"\n"),
    );
    git(dir.path(), &["commit", "-qam", "Touch the imports"]);

    for threads in ["1", "4"] {
        let output = leakward()
            .args(["git", "--no-config", "--format", "json", "--show-secrets"])
            .args(["--threads", threads])
            .arg(dir.path())
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1));
        let document: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let found: Vec<(String, u64, u64, String, String)> = document["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["path"].as_str().unwrap().to_string(),
                    f["line"].as_u64().unwrap(),
                    f["column"].as_u64().unwrap(),
                    f["secret"].as_str().unwrap().to_string(),
                    f["commit_summary"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        let mut expected = vec![
            (
                "a.py".to_string(),
                2,
                10,
                first.clone(),
                "Add the token".to_string(),
            ),
            (
                "a.py".to_string(),
                2,
                10,
                second.clone(),
                "Rotate the token".to_string(),
            ),
        ];
        expected.sort();
        let mut sorted = found;
        sorted.sort();
        assert_eq!(sorted, expected, "threads {threads}");
    }
}

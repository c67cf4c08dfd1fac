//! `leakward staged`, `leakward pre-push` and `leakward install-hook` on real repositories
//! driven by the real `git`, including real `git commit` and `git push` through the hooks.

mod common;

use common::{hermetic_git, leakward, FakeKeys};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

/// Runs git hermetically (see [`hermetic_git`]), without signing, on a `main` branch.
fn git_output(dir: &Path, args: &[&str]) -> Output {
    hermetic_git(dir)
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .output()
        .expect("git runs")
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = git_output(dir, args);
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap().trim().to_string()
}

fn new_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    git(dir.path(), &["init", "-q"]);
    dir
}

fn commit_all(dir: &Path, message: &str) -> String {
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-qm", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// Runs `leakward staged` (with `extra` arguments) in `dir`; the JSON report and exit code.
fn staged(dir: &Path, extra: &[&str]) -> (Value, i32) {
    let output = leakward()
        .current_dir(dir)
        .args(["staged", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let code = output.status.code().unwrap();
    let document = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (document, code)
}

/// `(path, line, rule)` of each finding.
fn places(document: &Value) -> Vec<(String, u64, String)> {
    let mut places: Vec<_> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    places.sort();
    places
}

fn place(path: &str, line: u64, rule: &str) -> (String, u64, String) {
    (path.to_string(), line, rule.to_string())
}

#[test]
fn the_first_commit_of_a_new_repository_is_checked() {
    let k = FakeKeys::new(501);
    let repo = new_repo();
    let dir = repo.path();
    common::write(
        dir,
        "my settings/app.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    let (document, code) = staged(dir, &[]);
    assert_eq!(code, 0, "nothing is staged yet");
    assert_eq!(
        document["stats"]["scope"],
        "staged changes: 0 files (0 added lines)"
    );

    git(dir, &["add", "."]);
    let (document, code) = staged(dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&document),
        vec![place("my settings/app.env", 1, "groq-api-key")]
    );
    assert_eq!(
        document["stats"]["scope"],
        "staged changes: 1 file (1 added line)"
    );
}

#[test]
fn only_added_lines_block_a_commit() {
    let k = FakeKeys::new(502);
    let repo = new_repo();
    let dir = repo.path();
    let old = format!("# settings\nGROQ_API_KEY={}\nDEBUG=false\n", k.groq);
    common::write(dir, "app.env", &old);
    commit_all(dir, "An old leak, already committed");

    // An unrelated edit to the same file does not report the old key.
    common::write(dir, "app.env", old.replace("DEBUG=false", "DEBUG=true"));
    git(dir, &["add", "."]);
    let (document, code) = staged(dir, &[]);
    assert_eq!(code, 0, "{document}");
    assert_eq!(document["stats"]["files_scanned"], 1);

    // A new key on an added line does, and only it.
    common::write(
        dir,
        "app.env",
        old.replace(
            "DEBUG=false",
            &format!("DEBUG=true\nHF_TOKEN={}", k.huggingface),
        ),
    );
    git(dir, &["add", "."]);
    let (document, code) = staged(dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&document),
        vec![place("app.env", 4, "huggingface-user-access-token")]
    );
}

#[test]
fn the_index_is_checked_not_the_work_tree() {
    let k = FakeKeys::new(503);
    let repo = new_repo();
    let dir = repo.path();
    common::write(dir, "README.md", "# demo\n");
    commit_all(dir, "Readme");

    // A clean version staged, a key added afterwards but not staged: the commit is clean.
    common::write(dir, "config.py", "TIMEOUT = 5\n");
    git(dir, &["add", "config.py"]);
    common::write(
        dir,
        "config.py",
        format!("TIMEOUT = 5\nOPENAI_API_KEY = \"{}\"\n", k.openai_project),
    );
    assert_eq!(staged(dir, &[]).1, 0);

    // The key staged, then removed from the work tree only: the commit would carry it.
    git(dir, &["add", "config.py"]);
    common::write(dir, "config.py", "TIMEOUT = 5\n");
    let (document, code) = staged(dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&document),
        vec![place("config.py", 2, "openai-project-key")]
    );
}

#[test]
fn renames_deletions_and_binary_files() {
    let k = FakeKeys::new(504);
    let repo = new_repo();
    let dir = repo.path();
    common::write(dir, "old/keys.txt", format!("token {}\n", k.github_classic));
    common::write(dir, "gone.txt", format!("anthropic {}\n", k.anthropic));
    let mut binary = vec![0u8, 1, 2, 3, 0, 255];
    binary.extend_from_slice(format!(" key={} ", k.xai).as_bytes());
    binary.extend_from_slice(&[0, 0, 7]);
    common::write(dir, "assets/model.bin", &binary);
    commit_all(dir, "Old leaks");

    // A pure rename and a deletion add no lines; a binary file edited elsewhere keeps its
    // old key, which is not new.
    std::fs::create_dir(dir.join("new place")).unwrap();
    git(dir, &["mv", "old/keys.txt", "new place/keys.txt"]);
    git(dir, &["rm", "-q", "gone.txt"]);
    let mut edited = binary.clone();
    edited.extend_from_slice(&[9, 9, 0, 1]);
    common::write(dir, "assets/model.bin", &edited);
    git(dir, &["add", "-A"]);
    let (document, code) = staged(dir, &[]);
    assert_eq!(code, 0, "{document}");

    // A renamed file with a new line, and a new binary file with a key.
    common::write(
        dir,
        "new place/keys.txt",
        format!("token {}\nreplicate {}\n", k.github_classic, k.replicate),
    );
    let mut fresh = vec![0u8, 0, 1];
    fresh.extend_from_slice(format!("={}=", k.perplexity).as_bytes());
    common::write(dir, "assets/new.bin", &fresh);
    git(dir, &["add", "-A"]);
    let (document, code) = staged(dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(
        places(&document),
        vec![
            place("assets/new.bin", 1, "perplexity-api-key"),
            place("new place/keys.txt", 2, "replicate-api-token"),
        ]
    );
}

#[test]
fn named_files_limit_the_check_and_allow_comments_work() {
    let k = FakeKeys::new(505);
    let repo = new_repo();
    let dir = repo.path();
    common::write(dir, "a.env", format!("GROQ_API_KEY={}\n", k.groq));
    common::write(dir, "sub/b.env", format!("HF_TOKEN={}\n", k.huggingface));
    common::write(
        dir,
        "c.py",
        format!(
            "XAI = \"{}\"  # leakward:allow xai-api-key -- a revoked demo key\n",
            k.xai
        ),
    );
    git(dir, &["add", "."]);
    let (document, code) = staged(dir, &["a.env"]);
    assert_eq!(code, 1);
    assert_eq!(places(&document), vec![place("a.env", 1, "groq-api-key")]);

    // Paths are relative to the current directory, as git hooks and pre-commit give them.
    let output = leakward()
        .current_dir(dir.join("sub"))
        .args(["staged", "--format", "json", "b.env", "../c.py"])
        .output()
        .unwrap();
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(
        places(&document),
        vec![place("sub/b.env", 1, "huggingface-user-access-token")]
    );
    assert_eq!(document["stats"]["suppressed"]["inline"], 1);

    leakward()
        .current_dir(dir)
        .args(["staged", "../elsewhere.txt"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("outside the repository"));
}

#[test]
fn staged_outside_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    leakward()
        .current_dir(dir.path())
        .arg("staged")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a git repository"));
}

#[test]
fn the_installed_pre_commit_hook_blocks_a_real_commit() {
    let k = FakeKeys::new(506);
    let repo = new_repo();
    let dir = repo.path();
    common::write(dir, "README.md", "# demo\n");
    commit_all(dir, "Readme");
    leakward()
        .current_dir(dir)
        .arg("install-hook")
        .assert()
        .code(0)
        .stderr(predicates::str::contains("installed the pre-commit hook"));

    common::write(
        dir,
        "app.env",
        format!("ANTHROPIC_API_KEY={}\n", k.anthropic),
    );
    git(dir, &["add", "."]);
    let blocked = git_output(dir, &["commit", "-qm", "Add settings"]);
    assert!(!blocked.status.success(), "the commit is stopped");
    let said = String::from_utf8_lossy(&blocked.stdout).to_string()
        + &String::from_utf8_lossy(&blocked.stderr);
    assert!(said.contains("app.env:1:"), "{said}");
    assert!(said.contains("leakward stopped this commit"), "{said}");
    assert!(said.contains("git commit --no-verify"), "{said}");
    assert!(!said.contains(&k.anthropic), "the key is redacted: {said}");
    assert_eq!(git(dir, &["rev-list", "--count", "HEAD"]), "1");

    common::write(dir, "app.env", "ANTHROPIC_API_KEY=${ANTHROPIC_API_KEY}\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", "Read the key from the environment"]);
    assert_eq!(git(dir, &["rev-list", "--count", "HEAD"]), "2");
}

#[test]
fn install_hook_respects_core_hooks_path_and_foreign_hooks() {
    let repo = new_repo();
    let dir = repo.path();
    git(dir, &["config", "core.hooksPath", ".githooks"]);
    leakward()
        .current_dir(dir)
        .args(["install-hook", "--pre-push"])
        .assert()
        .code(0);
    let hook = dir.join(".githooks/pre-push");
    let script = std::fs::read_to_string(&hook).unwrap();
    assert!(script.contains("pre-push \"$@\""), "{script}");
    assert!(!dir.join(".git/hooks/pre-push").exists());

    // A hook someone else wrote is kept unless --force, and then backed up.
    common::write(dir, ".githooks/pre-commit", "#!/bin/sh\nmake lint\n");
    leakward()
        .current_dir(dir)
        .arg("install-hook")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not written by leakward"));
    assert_eq!(
        std::fs::read_to_string(dir.join(".githooks/pre-commit")).unwrap(),
        "#!/bin/sh\nmake lint\n"
    );
    leakward()
        .current_dir(dir)
        .args(["install-hook", "--force"])
        .assert()
        .code(0);
    assert_eq!(
        std::fs::read_to_string(dir.join(".githooks/pre-commit.leakward-backup")).unwrap(),
        "#!/bin/sh\nmake lint\n"
    );
}

/// A work repository with a bare remote `origin` that has `main` with one old leak.
struct Remote {
    _dirs: (tempfile::TempDir, tempfile::TempDir),
    work: std::path::PathBuf,
    main_tip: String,
}

fn with_remote(k: &FakeKeys) -> Remote {
    let bare = tempfile::tempdir().unwrap();
    git(bare.path(), &["init", "-q", "--bare"]);
    let work = new_repo();
    let dir = work.path();
    common::write(dir, "old.env", format!("GROQ_API_KEY={}\n", k.groq));
    let main_tip = commit_all(dir, "An old leak, already pushed");
    git(
        dir,
        &["remote", "add", "origin", bare.path().to_str().unwrap()],
    );
    git(dir, &["push", "-q", "origin", "main"]);
    let work_path = dir.to_path_buf();
    Remote {
        _dirs: (bare, work),
        work: work_path,
        main_tip,
    }
}

/// Runs `leakward pre-push origin URL` with `lines` on stdin.
fn pre_push(dir: &Path, lines: &str) -> (Value, i32, String) {
    let output = leakward()
        .current_dir(dir)
        .args(["pre-push", "origin", "file:///remote", "--format", "json"])
        .write_stdin(lines)
        .output()
        .unwrap();
    let document = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (
        document,
        output.status.code().unwrap(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const ZERO: &str = "0000000000000000000000000000000000000000";

#[test]
fn pre_push_scans_only_what_the_remote_lacks() {
    let k = FakeKeys::new(507);
    let remote = with_remote(&k);
    let dir = remote.work.as_path();

    // Two new commits on main: only their key is reported, with its commit.
    common::write(dir, "clean.txt", "hello\n");
    commit_all(dir, "Clean change");
    common::write(dir, "new.env", format!("HF_TOKEN={}\n", k.huggingface));
    let leak = commit_all(dir, "A new leak");
    let line = format!(
        "refs/heads/main {leak} refs/heads/main {}\n",
        remote.main_tip
    );
    let (document, code, stderr) = pre_push(dir, &line);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        places(&document),
        vec![place("new.env", 1, "huggingface-user-access-token")]
    );
    assert_eq!(document["findings"][0]["commit"], leak.as_str());
    assert_eq!(document["stats"]["commits_scanned"], 2);
    assert_eq!(
        document["stats"]["scope"],
        "push to origin: refs/heads/main"
    );
    assert!(stderr.contains("leakward stopped this push"), "{stderr}");

    // A new branch: only commits no remote-tracking ref has.
    git(dir, &["checkout", "-q", "-b", "topic", &remote.main_tip]);
    common::write(dir, "topic.env", format!("XAI_API_KEY={}\n", k.xai));
    let topic = commit_all(dir, "Topic leak");
    let line = format!("refs/heads/topic {topic} refs/heads/topic {ZERO}\n");
    let (document, code, _) = pre_push(dir, &line);
    assert_eq!(code, 1);
    assert_eq!(
        places(&document),
        vec![place("topic.env", 1, "xai-api-key")]
    );
    assert_eq!(document["stats"]["commits_scanned"], 1);

    // A deletion sends nothing.
    let line = format!("(delete) {ZERO} refs/heads/old {}\n", remote.main_tip);
    let (document, code, _) = pre_push(dir, &line);
    assert_eq!(code, 0);
    assert_eq!(document["stats"]["commits_scanned"], 0);
    assert_eq!(
        document["stats"]["scope"],
        "push to origin: refs/heads/old (deleted)"
    );

    // Malformed input is an error, not a silent pass.
    let (_, code, stderr) = {
        let output = leakward()
            .current_dir(dir)
            .args(["pre-push", "origin"])
            .write_stdin("refs/heads/main abc\n")
            .output()
            .unwrap();
        (
            (),
            output.status.code().unwrap(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    assert_eq!(code, 2);
    assert!(stderr.contains("line 1"), "{stderr}");
}

#[test]
fn a_force_push_scans_what_the_overwritten_tip_did_not_have() {
    let k = FakeKeys::new(508);
    let remote = with_remote(&k);
    let dir = remote.work.as_path();
    common::write(dir, "a.txt", "one\n");
    let pushed = commit_all(dir, "Pushed");
    git(dir, &["push", "-q", "origin", "main"]);

    // Rewrite the pushed commit: the new one carries a key.
    git(dir, &["reset", "-q", "--hard", &remote.main_tip]);
    common::write(dir, "a.txt", format!("one\nGROQ_API_KEY={}\n", k.groq));
    common::write(
        dir,
        "b.env",
        format!("REPLICATE_API_TOKEN={}\n", k.replicate),
    );
    let rewritten = commit_all(dir, "Rewritten");
    let line = format!("refs/heads/main {rewritten} refs/heads/main {pushed}\n");
    let (document, code, _) = pre_push(dir, &line);
    assert_eq!(code, 1);
    // The groq key is already on the remote (in old.env), but a.txt is a new place for it.
    assert_eq!(
        places(&document),
        vec![
            place("a.txt", 2, "groq-api-key"),
            place("b.env", 1, "replicate-api-token"),
        ]
    );
    assert_eq!(document["stats"]["commits_scanned"], 1);
}

#[test]
fn the_installed_pre_push_hook_stops_a_real_push() {
    let k = FakeKeys::new(509);
    let remote = with_remote(&k);
    let dir = remote.work.as_path();
    leakward()
        .current_dir(dir)
        .args(["install-hook", "--pre-push"])
        .assert()
        .code(0);
    common::write(dir, "new.env", format!("MISTRAL_API_KEY={}\n", k.mistral));
    commit_all(dir, "Leak");
    let pushed = git_output(dir, &["push", "-q", "origin", "main"]);
    assert!(!pushed.status.success(), "the push is stopped");
    let said = String::from_utf8_lossy(&pushed.stderr).to_string()
        + &String::from_utf8_lossy(&pushed.stdout);
    assert!(said.contains("new.env:1:"), "{said}");
    assert_eq!(
        git(dir, &["rev-parse", "origin/main"]),
        remote.main_tip,
        "the remote did not move"
    );

    common::write(dir, "new.env", "MISTRAL_API_KEY=${MISTRAL_API_KEY}\n");
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "--amend", "-m", "No leak"]);
    git(dir, &["push", "-q", "origin", "main"]);
}

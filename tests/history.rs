//! Git history scans on repositories built in temp dirs with the real `git` command, with
//! fixed names and dates so commit ids are stable. Checks exact findings and provenance.

mod common;

use common::{position_of, FakeKeys};
use leakward::error::Error;
use leakward::rules::RuleSet;
use leakward::scan::Scanner;
use leakward::source::history::{scan, HistoryOptions};
use leakward::source::SourceOutput;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules compile"))
}

fn options(threads: usize) -> HistoryOptions {
    HistoryOptions {
        threads,
        ..HistoryOptions::default()
    }
}

fn history(path: &Path, options: &HistoryOptions) -> SourceOutput {
    scan(path, options, &Scanner::new(rules())).expect("history scan succeeds")
}

/// A repository in a temp dir, driven by the real `git`, with a clock that ticks one hour
/// per commit from 2026-01-01T00:00:00Z.
struct Repo {
    _dir: tempfile::TempDir,
    root: PathBuf,
    clock: i64,
}

const START: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

impl Repo {
    fn new() -> Repo {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        let repo = Repo {
            _dir: dir,
            root,
            clock: START,
        };
        repo.git(&["init", "-q"]);
        repo
    }

    fn command(&self, dir: &Path) -> Command {
        let date = format!("{} +0000", self.clock);
        let mut command = Command::new("git");
        command
            .current_dir(dir)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Ada Lovelace")
            .env("GIT_AUTHOR_EMAIL", "ada@example.com")
            .env("GIT_COMMITTER_NAME", "Ada Lovelace")
            .env("GIT_COMMITTER_EMAIL", "ada@example.com")
            .env("GIT_AUTHOR_DATE", &date)
            .env("GIT_COMMITTER_DATE", &date)
            .args([
                "-c",
                "init.defaultBranch=main",
                "-c",
                "commit.gpgsign=false",
                "-c",
                "tag.gpgsign=false",
                "-c",
                "core.quotepath=false",
                "-c",
                "protocol.file.allow=always",
            ]);
        command
    }

    /// Runs git in the repository and returns its trimmed stdout; panics on failure.
    fn git(&self, args: &[&str]) -> String {
        self.git_in(&self.root, args)
    }

    fn git_in(&self, dir: &Path, args: &[&str]) -> String {
        let output = self.command(dir).args(args).output().expect("run git");
        assert!(
            output.status.success(),
            "git {args:?} failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap().trim().to_string()
    }

    /// Like `git`, but returns whether it succeeded (for an expected merge conflict).
    fn git_status(&self, args: &[&str]) -> bool {
        self.command(&self.root)
            .args(args)
            .output()
            .expect("run git")
            .status
            .success()
    }

    fn write(&self, path: &str, contents: impl AsRef<[u8]>) {
        common::write(&self.root, path, contents);
    }

    fn remove(&self, path: &str) {
        std::fs::remove_file(self.root.join(path)).unwrap();
    }

    /// Commits everything with `message` and returns the new commit id.
    fn commit(&mut self, message: &str) -> String {
        self.clock += 3600;
        self.git(&["add", "-A"]);
        self.git(&["commit", "-q", "--allow-empty", "-m", message]);
        self.clock_tick_head()
    }

    fn clock_tick_head(&self) -> String {
        self.git(&["rev-parse", "HEAD"])
    }

    fn date(&self) -> String {
        date_of(self.clock)
    }
}

fn date_of(seconds: i64) -> String {
    // Dates in these tests are whole hours after START, all on 2026-01-01..2026-01-05.
    let hours = (seconds - START) / 3600;
    format!("2026-01-{:02}T{:02}:00:00Z", 1 + hours / 24, hours % 24)
}

/// One finding as the tests compare it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Row {
    rule: String,
    path: String,
    line: u64,
    commit: String,
    date: String,
    other_occurrences: u64,
}

fn row(rule: &str, path: &str, line: u64, commit: &str, date: &str, other: u64) -> Row {
    Row {
        rule: rule.to_string(),
        path: path.to_string(),
        line,
        commit: commit.to_string(),
        date: date.to_string(),
        other_occurrences: other,
    }
}

fn rows(output: &SourceOutput) -> Vec<Row> {
    let mut rows: Vec<Row> = output
        .findings
        .iter()
        .map(|f| {
            let p = f
                .provenance
                .as_ref()
                .expect("history findings carry provenance");
            assert_eq!(p.author_name, "Ada Lovelace");
            assert_eq!(p.author_email, "ada@example.com");
            Row {
                rule: f.rule.id.clone(),
                path: f.path.clone(),
                line: f.line,
                commit: p.commit.clone(),
                date: p.date.clone(),
                other_occurrences: p.other_occurrences,
            }
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn deleted_files_and_removed_lines_are_found_at_their_introducing_commit() {
    let k = FakeKeys::new(1);
    let mut repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("Initial commit");
    repo.write(".env", format!("OPENAI_API_KEY={}\n", k.openai_project));
    let added_env = repo.commit("Add local settings");
    let env_date = repo.date();
    let config = format!(
        "import os\n\nANTHROPIC_API_KEY = \"{}\"\nDEBUG = True\n",
        k.anthropic
    );
    repo.write("app/config.py", &config);
    let added_config = repo.commit("Add config\n\nLonger body.");
    let config_date = repo.date();
    repo.remove(".env");
    repo.commit("Remove .env");
    repo.write(
        "app/config.py",
        "import os\n\nANTHROPIC_API_KEY = os.environ[\"K\"]\nDEBUG = True\n",
    );
    repo.commit("Read the key from the environment");

    let output = history(&repo.root, &options(2));
    let line = position_of(&config, &k.anthropic).0;
    assert_eq!(
        rows(&output),
        vec![
            row(
                "anthropic-api-key",
                "app/config.py",
                line,
                &added_config,
                &config_date,
                0
            ),
            row("openai-project-key", ".env", 1, &added_env, &env_date, 0),
        ]
    );
    let summaries: Vec<&str> = output
        .findings
        .iter()
        .map(|f| f.provenance.as_ref().unwrap().summary.as_str())
        .collect();
    assert!(summaries.contains(&"Add config") && summaries.contains(&"Add local settings"));
    assert_eq!(output.stats.commits_scanned, 5);
    // README, .env, two versions of config.py.
    assert_eq!(output.stats.files_scanned, 4);
    assert!(output.stats.warnings.is_empty());
    let env = output.findings.iter().find(|f| f.path == ".env").unwrap();
    assert_eq!(env.column, 16);
    let snippet = env.snippet.as_ref().unwrap();
    assert_eq!(snippet.before, "OPENAI_API_KEY=");
    // The snippet keeps only the context; the secret is put in by the report.
    assert!(
        !snippet.before.contains(&k.openai_project) && !snippet.after.contains(&k.openai_project)
    );
}

#[test]
fn a_renamed_file_is_reported_once_per_path() {
    let k = FakeKeys::new(2);
    let mut repo = Repo::new();
    repo.write("old/keys.txt", format!("groq = {}\n", k.groq));
    let added = repo.commit("Add keys");
    let added_date = repo.date();
    std::fs::create_dir_all(repo.root.join("new")).unwrap();
    repo.git(&["mv", "old/keys.txt", "new/keys.txt"]);
    let moved = repo.commit("Move keys");
    let moved_date = repo.date();
    repo.write("copy.txt", format!("groq = {}\n", k.groq));
    let copied = repo.commit("Copy keys");
    let copied_date = repo.date();
    // Moving back re-introduces the blob at a path already seen: still one finding there.
    std::fs::create_dir_all(repo.root.join("old")).unwrap();
    repo.git(&["mv", "new/keys.txt", "old/keys.txt"]);
    repo.commit("Move back");

    let output = history(&repo.root, &options(2));
    assert_eq!(
        rows(&output),
        vec![
            row("groq-api-key", "copy.txt", 1, &copied, &copied_date, 3),
            row("groq-api-key", "new/keys.txt", 1, &moved, &moved_date, 3),
            row("groq-api-key", "old/keys.txt", 1, &added, &added_date, 3),
        ]
    );
    assert_eq!(output.stats.files_scanned, 1);
}

#[test]
fn unmerged_branches_and_tags_of_deleted_branches_are_scanned() {
    let k = FakeKeys::new(3);
    let mut repo = Repo::new();
    repo.write("README.md", "# demo\n");
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "experiment"]);
    repo.write("try.py", format!("key = \"{}\"\n", k.openai_project));
    let unmerged = repo.commit("Try a thing");
    let unmerged_date = repo.date();
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["checkout", "-q", "-b", "release-branch"]);
    repo.write("deploy.sh", format!("export GROQ_API_KEY={}\n", k.groq));
    let tagged = repo.commit("Release build");
    let tagged_date = repo.date();
    repo.git(&["tag", "-a", "v1.0", "-m", "v1.0"]);
    // The release commit stays reachable only through a tag of that tag.
    repo.git(&["tag", "-a", "v1.0-final", "v1.0", "-m", "v1.0 final"]);
    repo.git(&["tag", "-d", "v1.0"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.git(&["branch", "-q", "-D", "release-branch"]);
    // Tags of a blob and of a tree carry no history and are no error.
    repo.git(&["tag", "readme-blob", "HEAD:README.md"]);
    repo.git(&["tag", "-a", "root-tree", "HEAD^{tree}", "-m", "a tree"]);

    let loose_refs = history(&repo.root, &options(2));
    // Packed refs carry each annotated tag's peeled id, which is read instead.
    repo.git(&["pack-refs", "--all"]);
    let output = history(&repo.root, &options(2));
    assert_eq!(rows(&loose_refs), rows(&output));
    assert!(
        output.stats.warnings.is_empty(),
        "{:?}",
        output.stats.warnings
    );
    assert_eq!(
        rows(&output),
        vec![
            row("groq-api-key", "deploy.sh", 1, &tagged, &tagged_date, 0),
            row(
                "openai-project-key",
                "try.py",
                1,
                &unmerged,
                &unmerged_date,
                0
            ),
        ]
    );
    assert_eq!(output.stats.commits_scanned, 3);
}

#[test]
fn every_stash_entry_is_scanned() {
    let k = FakeKeys::new(4);
    let mut repo = Repo::new();
    repo.write("settings.py", "DEBUG = True\n");
    repo.commit("Initial commit");
    repo.write(
        "settings.py",
        format!("DEBUG = True\nOPENAI_API_KEY = \"{}\"\n", k.openai_project),
    );
    repo.clock += 3600;
    repo.git(&["stash", "-q"]);
    let first_stash = repo.git(&["rev-parse", "stash@{0}"]);
    let first_date = repo.date();
    repo.write(
        "settings.py",
        format!("DEBUG = True\nGROQ_API_KEY = \"{}\"\n", k.groq),
    );
    repo.clock += 3600;
    repo.git(&["stash", "-q"]);
    let second_stash = repo.git(&["rev-parse", "stash@{0}"]);
    let second_date = repo.date();
    assert_eq!(repo.git(&["rev-parse", "stash@{1}"]), first_stash);

    let output = history(&repo.root, &options(2));
    assert_eq!(
        rows(&output),
        vec![
            row(
                "groq-api-key",
                "settings.py",
                2,
                &second_stash,
                &second_date,
                0
            ),
            row(
                "openai-project-key",
                "settings.py",
                2,
                &first_stash,
                &first_date,
                0
            ),
        ]
    );
}

#[test]
fn a_conflict_resolution_is_attributed_to_the_merge() {
    let k = FakeKeys::new(5);
    let mut repo = Repo::new();
    repo.write("client.py", "API_KEY = None\n");
    repo.commit("Initial commit");
    repo.git(&["checkout", "-q", "-b", "feature"]);
    repo.write("client.py", "API_KEY = load()\n");
    repo.write("feature.env", format!("GROQ_API_KEY={}\n", k.groq));
    let feature = repo.commit("Load the key");
    let feature_date = repo.date();
    repo.git(&["checkout", "-q", "main"]);
    repo.write("client.py", "API_KEY = read()\n");
    repo.commit("Read the key");
    repo.clock += 3600;
    assert!(
        !repo.git_status(&["merge", "-q", "feature"]),
        "the merge conflicts"
    );
    repo.write("client.py", format!("API_KEY = \"{}\"\n", k.anthropic));
    let merge = repo.commit("Merge branch 'feature'");
    let merge_date = repo.date();
    assert_eq!(
        repo.git(&["rev-list", "--parents", "-n1", "HEAD"])
            .split(' ')
            .count(),
        3
    );

    let output = history(&repo.root, &options(2));
    assert_eq!(
        rows(&output),
        vec![
            row("anthropic-api-key", "client.py", 1, &merge, &merge_date, 0),
            row("groq-api-key", "feature.env", 1, &feature, &feature_date, 0),
        ]
    );
}

#[test]
fn a_commit_with_three_hundred_files() {
    let k = FakeKeys::new(6);
    let mut repo = Repo::new();
    for i in 0..300 {
        let contents = match i {
            7 | 250 => format!("token = \"{}\"\n", k.huggingface),
            123 => format!("x = 1\ny = 2\nkey = \"{}\"\n", k.openai_project),
            _ => format!("value = {i}\n"),
        };
        repo.write(&format!("gen/part{}/file{i:03}.py", i % 7), contents);
    }
    let commit = repo.commit("Generate 300 files");
    let date = repo.date();

    let output = history(&repo.root, &options(2));
    let hf = "huggingface-user-access-token";
    assert_eq!(
        rows(&output),
        vec![
            row(hf, "gen/part0/file007.py", 1, &commit, &date, 1),
            row(hf, "gen/part5/file250.py", 1, &commit, &date, 1),
            row(
                "openai-project-key",
                "gen/part4/file123.py",
                3,
                &commit,
                &date,
                0
            ),
        ]
    );
    assert_eq!(output.stats.files_scanned, 299);
}

#[test]
fn binary_and_very_large_blobs_are_scanned() {
    let k = FakeKeys::new(7);
    let mut repo = Repo::new();
    let mut binary = b"SQLite format 3\0\x01\x02\0\0".to_vec();
    binary.extend_from_slice(format!("\0ANTHROPIC_API_KEY={}\0", k.anthropic).as_bytes());
    repo.write("data/app.db", &binary);
    let mut large = String::with_capacity(9 * 1024 * 1024 + 200);
    let filler = "0123456789 abcdefghij klmnopqrst uvwxyz lorem ipsum dolor sit amet\n";
    while large.len() < 9 * 1024 * 1024 {
        large.push_str(filler);
    }
    large.push_str(&format!("OPENAI_API_KEY={}\nend\n", k.openai_project));
    repo.write("logs/huge.log", &large);
    let commit = repo.commit("Add data");
    let date = repo.date();

    let output = history(&repo.root, &options(2));
    let (line, column) = position_of(&large, &k.openai_project);
    assert_eq!(
        rows(&output),
        vec![
            row("anthropic-api-key", "data/app.db", 1, &commit, &date, 0),
            row(
                "openai-project-key",
                "logs/huge.log",
                line,
                &commit,
                &date,
                0
            ),
        ]
    );
    let huge = output
        .findings
        .iter()
        .find(|f| f.path == "logs/huge.log")
        .unwrap();
    assert_eq!(huge.column, column);
    let db = output
        .findings
        .iter()
        .find(|f| f.path == "data/app.db")
        .unwrap();
    assert!(db.snippet.is_none());
    assert_eq!(output.stats.binary_files, 1);
    assert_eq!(output.stats.files_scanned, 2);
    assert_eq!(
        output.stats.bytes_scanned,
        (binary.len() + large.len()) as u64
    );
}

#[cfg(unix)]
#[test]
fn paths_with_spaces_and_non_utf8_bytes() {
    use std::os::unix::ffi::OsStrExt;
    let k = FakeKeys::new(8);
    let mut repo = Repo::new();
    repo.write(
        "my settings/local env.txt",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.env");
    std::fs::write(
        repo.root.join(name),
        format!("OPENAI_API_KEY={}\n", k.openai_project),
    )
    .unwrap();
    let commit = repo.commit("Odd names");
    let date = repo.date();

    let output = history(&repo.root, &options(2));
    assert_eq!(
        rows(&output),
        vec![
            row(
                "groq-api-key",
                "my settings/local env.txt",
                1,
                &commit,
                &date,
                0
            ),
            row(
                "openai-project-key",
                "caf\u{FFFD}.env",
                1,
                &commit,
                &date,
                0
            ),
        ]
    );
}

/// main: c1 (openai) → c2 (groq) → c3 (anthropic); feature from c1: f1 (huggingface).
fn branched_repo(k: &FakeKeys) -> (Repo, Vec<(String, String)>) {
    let mut repo = Repo::new();
    let mut commits = Vec::new();
    repo.write("a.env", format!("OPENAI_API_KEY={}\n", k.openai_project));
    commits.push((repo.commit("c1"), repo.date()));
    repo.git(&["branch", "feature"]);
    repo.write("b.env", format!("GROQ_API_KEY={}\n", k.groq));
    commits.push((repo.commit("c2"), repo.date()));
    repo.write("c.env", format!("ANTHROPIC_API_KEY={}\n", k.anthropic));
    commits.push((repo.commit("c3"), repo.date()));
    repo.git(&["checkout", "-q", "feature"]);
    repo.write("d.env", format!("HF_TOKEN={}\n", k.huggingface));
    commits.push((repo.commit("f1"), repo.date()));
    repo.git(&["checkout", "-q", "main"]);
    (repo, commits)
}

#[test]
fn range_branch_and_since_limit_the_commits() {
    let k = FakeKeys::new(9);
    let (repo, c) = branched_repo(&k);
    let all = history(&repo.root, &options(2));
    assert_eq!(all.findings.len(), 4);
    assert_eq!(all.stats.commits_scanned, 4);

    let range = HistoryOptions {
        range: Some(format!("{}..main", &c[0].0[..10])),
        ..options(2)
    };
    let output = history(&repo.root, &range);
    assert_eq!(
        rows(&output),
        vec![
            row("anthropic-api-key", "c.env", 1, &c[2].0, &c[2].1, 0),
            row("groq-api-key", "b.env", 1, &c[1].0, &c[1].1, 0),
        ]
    );
    assert_eq!(output.stats.commits_scanned, 2);
    assert_eq!(output.stats.files_scanned, 2);

    // Symmetric difference: f1 on one side, c2 and c3 on the other.
    let symmetric = HistoryOptions {
        range: Some("feature...main".into()),
        ..options(0)
    };
    let output = history(&repo.root, &symmetric);
    let found: Vec<String> = rows(&output).into_iter().map(|r| r.path).collect();
    assert_eq!(found, ["c.env", "b.env", "d.env"]);
    assert_eq!(output.stats.commits_scanned, 3);

    let branch = HistoryOptions {
        branch: Some("feature".into()),
        ..options(2)
    };
    let output = history(&repo.root, &branch);
    assert_eq!(
        rows(&output),
        vec![
            row(
                "huggingface-user-access-token",
                "d.env",
                1,
                &c[3].0,
                &c[3].1,
                0
            ),
            row("openai-project-key", "a.env", 1, &c[0].0, &c[0].1, 0),
        ]
    );

    // c3 is at START + 3 h; the clock ticks an hour per commit.
    let since = HistoryOptions {
        since: Some("2026-01-01T02:30:00Z".into()),
        ..options(2)
    };
    let output = history(&repo.root, &since);
    let found: Vec<String> = rows(&output).into_iter().map(|r| r.path).collect();
    assert_eq!(found, ["c.env", "d.env"]);
    assert_eq!(output.stats.commits_scanned, 2);

    let bad = HistoryOptions {
        range: Some("nope..main".into()),
        ..options(2)
    };
    let error = scan(&repo.root, &bad, &Scanner::new(rules())).unwrap_err();
    assert!(
        error.to_string().contains("invalid range `nope..main`"),
        "{error}"
    );
    let bad = HistoryOptions {
        since: Some("last week".into()),
        ..options(2)
    };
    let error = scan(&repo.root, &bad, &Scanner::new(rules())).unwrap_err();
    assert!(
        error.to_string().contains("invalid date `last week`"),
        "{error}"
    );
}

#[test]
fn one_and_four_threads_agree() {
    let k = FakeKeys::new(10);
    let (mut repo, _) = branched_repo(&k);
    for i in 0..40 {
        repo.write(
            &format!("many/f{i}.env"),
            format!("K{i}={}\nOPENAI={}\n", k.groq, k.openai_project),
        );
        if i % 5 == 0 {
            repo.commit(&format!("batch {i}"));
        }
    }
    repo.commit("last batch");
    let root = repo.root.clone();
    let render = |threads: usize| {
        let output = history(&root, &options(threads));
        let mut findings = output.findings.clone();
        findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        format!(
            "{findings:?}\n{:?}",
            (
                output.stats.files_scanned,
                output.stats.bytes_scanned,
                output.stats.commits_scanned,
                &output.stats.warnings,
            )
        )
    };
    let one = render(1);
    assert!(one.contains("many/f39.env"));
    for _ in 0..3 {
        assert_eq!(render(4), one);
    }

    // Packed, with an unreachable blob holding a key in the pack: with more than one
    // thread every packed blob is scanned while the history is walked, and only the
    // history's blobs count.
    let stray = repo.root.join("stray.txt");
    std::fs::write(&stray, format!("OPENAI_API_KEY={}\n", k.openai_project)).unwrap();
    repo.git(&["hash-object", "-w", "stray.txt"]);
    std::fs::remove_file(&stray).unwrap();
    repo.git(&["repack", "-q", "-a", "-d", "-k"]);
    assert!(
        std::fs::read_dir(repo.root.join(".git/objects/pack"))
            .unwrap()
            .any(|entry| entry
                .unwrap()
                .path()
                .extension()
                .is_some_and(|e| e == "idx")),
        "repack wrote a pack"
    );
    assert_eq!(render(1), one);
    assert_eq!(render(4), one);

    // Partly packed: newer commits' objects are loose and scanned after the packed ones.
    repo.write("late.env", format!("GROQ_API_KEY={}\n", k.groq));
    repo.commit("late");
    let mixed = render(1);
    assert!(mixed.contains("late.env"));
    assert_eq!(render(4), mixed);
}

#[test]
fn a_corrupt_packed_blob_is_an_error_naming_it_or_a_warning_with_keep_going() {
    let k = FakeKeys::new(17);
    let mut repo = Repo::new();
    repo.write("keep.env", format!("GROQ_API_KEY={}\n", k.groq));
    let keep = repo.commit("Keep");
    let keep_date = repo.date();
    let padding: String = (0..400).map(|i| format!("line {i}\n")).collect();
    repo.write("broken.txt", &padding);
    repo.commit("Add a file to break");
    let blob = repo.git(&["rev-parse", "HEAD:broken.txt"]);
    repo.git(&["gc", "-q"]);
    // Overwrite the middle of the blob's compressed data in the pack.
    let pack_dir = repo.root.join(".git/objects/pack");
    let index = std::fs::read_dir(&pack_dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .find(|path| path.extension().is_some_and(|e| e == "idx"))
        .unwrap();
    let listing = Command::new("git")
        .arg("show-index")
        .current_dir(&repo.root)
        .stdin(std::fs::File::open(&index).unwrap())
        .output()
        .unwrap();
    let offset: u64 = String::from_utf8(listing.stdout)
        .unwrap()
        .lines()
        .find(|line| line.contains(&blob))
        .and_then(|line| line.split_whitespace().next())
        .unwrap()
        .parse()
        .unwrap();
    let pack = index.with_extension("pack");
    let mut bytes = std::fs::read(&pack).unwrap();
    let at = offset as usize + 8;
    bytes[at..at + 16].copy_from_slice(&[0x55; 16]);
    let mut permissions = std::fs::metadata(&pack).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    permissions.set_readonly(false);
    std::fs::set_permissions(&pack, permissions).unwrap();
    std::fs::write(&pack, bytes).unwrap();

    let message = scan(&repo.root, &options(2), &Scanner::new(rules()))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(&format!("cannot read blob {blob} (broken.txt in commit ")),
        "{message}"
    );
    let keep_going = HistoryOptions {
        keep_going: true,
        ..options(2)
    };
    let output = history(&repo.root, &keep_going);
    assert_eq!(
        rows(&output),
        vec![row("groq-api-key", "keep.env", 1, &keep, &keep_date, 0)]
    );
    assert!(
        output
            .stats
            .warnings
            .iter()
            .any(|w| w.contains(&blob) && w.ends_with("it was not scanned")),
        "{:?}",
        output.stats.warnings
    );
    // One thread reads it the other way, with the same outcome.
    let message = scan(&repo.root, &options(1), &Scanner::new(rules()))
        .unwrap_err()
        .to_string();
    assert!(message.contains(&blob), "{message}");
}

#[test]
fn an_empty_repository_has_no_findings_and_no_error() {
    let repo = Repo::new();
    let output = history(&repo.root, &options(2));
    assert!(output.findings.is_empty());
    assert_eq!(output.stats.commits_scanned, 0);
    assert_eq!(output.stats.files_scanned, 0);
}

#[test]
fn a_bare_clone_gives_the_same_findings() {
    let k = FakeKeys::new(11);
    let (repo, _) = branched_repo(&k);
    let bare = repo.root.parent().unwrap().join("bare.git");
    repo.git(&[
        "clone",
        "-q",
        "--bare",
        repo.root.to_str().unwrap(),
        bare.to_str().unwrap(),
    ]);
    let original = history(&repo.root, &options(2));
    let cloned = history(&bare, &options(2));
    assert_eq!(original.findings.len(), 4);
    assert_eq!(rows(&cloned), rows(&original));
    // The `.git` directory of a work tree works too.
    assert_eq!(
        rows(&history(&repo.root.join(".git"), &options(1))),
        rows(&original)
    );
}

#[test]
fn a_shallow_clone_warns_that_history_is_incomplete() {
    let k = FakeKeys::new(12);
    let (repo, c) = branched_repo(&k);
    let shallow = repo.root.parent().unwrap().join("shallow");
    let url = format!("file://{}", repo.root.display());
    repo.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        "--branch",
        "main",
        &url,
        shallow.to_str().unwrap(),
    ]);
    let output = history(&shallow, &options(2));
    assert_eq!(
        output.stats.warnings,
        vec![format!(
            "shallow clone: history before {} is not available; findings may be incomplete (git fetch --unshallow)",
            c[2].0
        )]
    );
    // Every key in the boundary commit's tree is attributed to it.
    assert_eq!(
        rows(&output),
        vec![
            row("anthropic-api-key", "c.env", 1, &c[2].0, &c[2].1, 0),
            row("groq-api-key", "b.env", 1, &c[2].0, &c[2].1, 0),
            row("openai-project-key", "a.env", 1, &c[2].0, &c[2].1, 0),
        ]
    );
    assert_eq!(output.stats.commits_scanned, 1);
}

#[test]
fn a_directory_that_is_not_a_repository_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let error = scan(dir.path(), &options(1), &Scanner::new(rules())).unwrap_err();
    match &error {
        Error::Input { path, message } => {
            assert_eq!(path, dir.path());
            assert!(message.starts_with("not a git repository"), "{message}");
        }
        other => panic!("unexpected error {other:?}"),
    }
    let missing = dir.path().join("missing");
    assert!(scan(&missing, &options(1), &Scanner::new(rules())).is_err());
}

#[test]
fn a_missing_object_is_an_error_naming_it_or_a_warning_with_keep_going() {
    let k = FakeKeys::new(13);
    let mut repo = Repo::new();
    repo.write("keep.env", format!("GROQ_API_KEY={}\n", k.groq));
    let keep = repo.commit("Keep");
    let keep_date = repo.date();
    repo.write("lost.env", format!("OPENAI_API_KEY={}\n", k.openai_project));
    repo.commit("Lose");
    let blob = repo.git(&["rev-parse", "HEAD:lost.env"]);
    std::fs::remove_file(
        repo.root
            .join(".git/objects")
            .join(&blob[..2])
            .join(&blob[2..]),
    )
    .unwrap();

    let error = scan(&repo.root, &options(2), &Scanner::new(rules())).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains(&format!("cannot read blob {blob} (lost.env in commit ")),
        "{message}"
    );

    let keep_going = HistoryOptions {
        keep_going: true,
        ..options(2)
    };
    let output = history(&repo.root, &keep_going);
    assert_eq!(
        rows(&output),
        vec![row("groq-api-key", "keep.env", 1, &keep, &keep_date, 0)]
    );
    assert_eq!(output.stats.warnings.len(), 1);
    assert!(
        output.stats.warnings[0].contains(&blob),
        "{:?}",
        output.stats.warnings
    );
    assert!(output.stats.warnings[0].ends_with("it was not scanned"));

    // A missing tree is named too.
    let tree = repo.git(&["rev-parse", "HEAD^{tree}"]);
    std::fs::remove_file(
        repo.root
            .join(".git/objects")
            .join(&tree[..2])
            .join(&tree[2..]),
    )
    .unwrap();
    let message = scan(&repo.root, &options(2), &Scanner::new(rules()))
        .unwrap_err()
        .to_string();
    assert!(message.contains(&tree), "{message}");
    let output = history(&repo.root, &keep_going);
    assert_eq!(
        rows(&output),
        vec![row("groq-api-key", "keep.env", 1, &keep, &keep_date, 0)]
    );
    assert!(
        output
            .stats
            .warnings
            .iter()
            .any(|w| w.contains(&tree) && w.ends_with("its changes were not scanned")),
        "{:?}",
        output.stats.warnings
    );

    // A ref to a commit that does not exist.
    let ghost = "1234567890abcdef1234567890abcdef12345678";
    std::fs::write(
        repo.root.join(".git/refs/heads/ghost"),
        format!("{ghost}\n"),
    )
    .unwrap();
    let message = scan(&repo.root, &options(2), &Scanner::new(rules()))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(&format!("cannot read ref refs/heads/ghost ({ghost})")),
        "{message}"
    );
    let output = history(&repo.root, &keep_going);
    assert_eq!(rows(&output).len(), 1);
    assert!(output.stats.warnings.iter().any(|w| w.contains(ghost)));
}

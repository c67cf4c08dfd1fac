//! `leakward ci` through the binary, on repositories built here and real event payloads
//! (tests/data/ci, with commit ids filled in at run time): which commits each GitHub or
//! GitLab event selects, shallow clones, and what GitHub gets (annotations, job summary,
//! step outputs, SARIF). Then the GitHub Action: action/run.sh and action/install.sh run as
//! the runner runs them, and action.yml checked against them.

mod common;

use common::{hermetic_git, leakward, FakeKeys};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

/// git's id for "no commit" (the `before` of a new branch, the `after` of a deletion).
const ZERO: &str = "0000000000000000000000000000000000000000";

// ---------------------------------------------------------------------------------------
// Repositories

/// Runs git in `dir` (see [`hermetic_git`]); returns its trimmed stdout.
fn git(dir: &Path, args: &[&str]) -> String {
    let output = hermetic_git(dir).args(args).output().expect("git runs");
    assert!(
        output.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout)
        .expect("git prints UTF-8")
        .trim()
        .to_string()
}

/// Writes `contents` to `path` in the work tree and commits it; returns the commit id.
fn commit(dir: &Path, path: &str, contents: &str, message: &str) -> String {
    common::write(dir, path, contents);
    git(dir, &["add", "--", path]);
    git(dir, &["commit", "-q", "-m", message]);
    git(dir, &["rev-parse", "HEAD"])
}

/// A project with a key already on main and a pull request adding another:
///
/// ```text
/// main           first ─ old (Groq key, app/.env) ─ base
/// feature/chat                                        └─ new (Anthropic key, src/chat.py) ─ head
/// ```
///
/// `feature/chat` is checked out.
struct Project {
    dir: TempDir,
    keys: FakeKeys,
    first: String,
    old: String,
    base: String,
    new: String,
    head: String,
}

impl Project {
    fn new(seed: u64) -> Project {
        let keys = FakeKeys::new(seed);
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        git(root, &["init", "-q", "-b", "main"]);
        let first = commit(root, "README.md", "# demo-app\n", "Initial commit");
        let old = commit(
            root,
            "app/.env",
            &format!("GROQ_API_KEY={}\n", keys.groq),
            "Add settings",
        );
        let base = commit(
            root,
            "docs/setup.md",
            "Copy app/.env.example to app/.env.\n",
            "Document the setup",
        );
        git(root, &["checkout", "-q", "-b", "feature/chat"]);
        let new = commit(
            root,
            "src/chat.py",
            &format!(
                "import anthropic\n\nclient = anthropic.Anthropic(api_key=\"{}\")\n",
                keys.anthropic
            ),
            "Add the chat client",
        );
        let head = commit(
            root,
            "README.md",
            "# demo-app\n\nNow with chat.\n",
            "Mention the chat in the README",
        );
        Project {
            dir,
            keys,
            first,
            old,
            base,
            new,
            head,
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Every fake key in the repository, for checking that none is printed.
    fn all_keys(&self) -> Vec<&str> {
        vec![
            &self.keys.groq,
            &self.keys.anthropic,
            &self.keys.huggingface,
            &self.keys.github_classic,
        ]
    }
}

/// A clone of `origin` over the file protocol (which honours `--depth`, unlike a local
/// path), as actions/checkout or GitLab's runner makes one.
fn clone(origin: &Path, options: &[&str]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("file://{}", origin.display());
    let destination = dir.path().to_str().unwrap().to_string();
    let mut args = vec!["clone", "-q"];
    args.extend_from_slice(options);
    args.extend([url.as_str(), destination.as_str()]);
    git(origin, &args);
    dir
}

/// Whether the object database of the repository at `dir` holds `id`.
fn has_object(dir: &Path, id: &str) -> bool {
    hermetic_git(dir)
        .args(["cat-file", "-e", id])
        .status()
        .expect("git runs")
        .success()
}

fn short(id: &str) -> &str {
    &id[..12]
}

// ---------------------------------------------------------------------------------------
// Events and runs

/// The payload fixture `tests/data/ci/<name>.json` with its `{{NAME}}` placeholders filled.
fn payload(name: &str, values: &[(&str, &str)]) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/ci")
        .join(format!("{name}.json"));
    let mut text = std::fs::read_to_string(&path).expect("the fixture exists");
    for (placeholder, value) in values {
        text = text.replace(&format!("{{{{{placeholder}}}}}"), value);
    }
    assert!(
        !text.contains("{{"),
        "{name}.json: a placeholder is unfilled"
    );
    serde_json::from_str(&text).expect("the fixture is JSON")
}

/// The variables of the environment leakward must not inherit: CI runs these tests too.
fn inherited_ci_variables() -> Vec<OsString> {
    std::env::vars_os()
        .map(|(name, _)| name)
        .filter(|name| {
            let name = name.to_string_lossy();
            name == "CI"
                || ["GITHUB_", "GITLAB_", "CI_", "RUNNER_", "INPUT_", "ACTIONS_"]
                    .iter()
                    .any(|prefix| name.starts_with(prefix))
        })
        .collect()
}

/// A directory for what the runner keeps outside the checkout: the event payload, the
/// output and summary files, the temporary directory.
struct Runner {
    dir: TempDir,
}

impl Runner {
    fn new() -> Runner {
        let runner = Runner {
            dir: tempfile::tempdir().unwrap(),
        };
        std::fs::create_dir(runner.temp()).unwrap();
        runner
    }

    fn file(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn temp(&self) -> PathBuf {
        self.file("_temp")
    }

    /// What GitHub's runner sets for an `event` with this payload (output and summary
    /// files left out).
    fn github(&self, event: &str, payload: &Value) -> Vec<(String, String)> {
        let path = self.file("event.json");
        std::fs::write(&path, serde_json::to_string_pretty(payload).unwrap()).unwrap();
        vec![
            ("CI".into(), "true".into()),
            ("GITHUB_ACTIONS".into(), "true".into()),
            ("GITHUB_EVENT_NAME".into(), event.into()),
            ("GITHUB_EVENT_PATH".into(), path.display().to_string()),
            ("GITHUB_REPOSITORY".into(), "octo-org/demo-app".into()),
            ("RUNNER_TEMP".into(), self.temp().display().to_string()),
        ]
    }

    /// `github` plus the step's output and job summary files.
    fn github_with_files(&self, event: &str, payload: &Value) -> Vec<(String, String)> {
        let mut env = self.github(event, payload);
        env.push((
            "GITHUB_OUTPUT".into(),
            self.output_path().display().to_string(),
        ));
        env.push((
            "GITHUB_STEP_SUMMARY".into(),
            self.summary_path().display().to_string(),
        ));
        env
    }

    fn output_path(&self) -> PathBuf {
        self.file("github_output")
    }

    fn summary_path(&self) -> PathBuf {
        self.file("step_summary.md")
    }

    fn read(&self, path: &Path) -> String {
        std::fs::read_to_string(path).unwrap_or_default()
    }

    /// The step outputs written so far (the last value of each name wins, as on GitHub).
    fn outputs(&self) -> BTreeMap<String, String> {
        self.read(&self.output_path())
            .lines()
            .filter_map(|line| line.split_once('='))
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect()
    }
}

/// GitLab's predefined variables for a pipeline.
fn gitlab(variables: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env = vec![
        ("CI".to_string(), "true".to_string()),
        ("GITLAB_CI".to_string(), "true".to_string()),
        (
            "CI_PROJECT_PATH".to_string(),
            "octo-org/demo-app".to_string(),
        ),
    ];
    env.extend(
        variables
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string())),
    );
    env
}

/// One run of `leakward ci`.
struct Run {
    code: i32,
    report: Value,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        let stdout = String::from_utf8(output.stdout).expect("stdout is UTF-8");
        let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
        let report = serde_json::from_str(&stdout).unwrap_or(Value::Null);
        Run {
            code: output.status.code().expect("an exit code"),
            report,
            stdout,
            stderr,
        }
    }

    /// `(rule id, path, commit)` of every finding, sorted.
    fn findings(&self) -> Vec<(String, String, String)> {
        let mut findings: Vec<_> = self.report["findings"]
            .as_array()
            .unwrap_or_else(|| panic!("no JSON report: {}\n{}", self.stdout, self.stderr))
            .iter()
            .map(|f| {
                (
                    f["rule_id"].as_str().unwrap().to_string(),
                    f["path"].as_str().unwrap().to_string(),
                    f["commit"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        findings.sort();
        findings
    }

    fn commits_scanned(&self) -> u64 {
        self.report["stats"]["commits_scanned"].as_u64().unwrap()
    }

    fn scope(&self) -> &str {
        self.report["stats"]["scope"].as_str().unwrap()
    }
}

/// Runs `leakward ci REPO --no-config --format json EXTRA…` with only `env` as its CI
/// environment.
fn ci(repo: &Path, env: &[(String, String)], extra: &[&str]) -> Run {
    let mut command = leakward();
    for name in inherited_ci_variables() {
        command.env_remove(name);
    }
    command
        .envs(env.iter().map(|(name, value)| (name, value)))
        .arg("ci")
        .arg(repo)
        .args(["--no-config", "--format", "json"])
        .args(extra);
    Run::from(command.output().expect("leakward runs"))
}

fn finding(rule: &str, path: &str, commit: &str) -> (String, String, String) {
    (rule.to_string(), path.to_string(), commit.to_string())
}

/// The Anthropic key the pull request adds, as a finding.
fn new_key(project: &Project) -> (String, String, String) {
    finding("anthropic-api-key", "src/chat.py", &project.new)
}

/// The Groq key already on main, as a finding.
fn old_key(project: &Project) -> (String, String, String) {
    finding("groq-api-key", "app/.env", &project.old)
}

/// A push payload: `git_ref` moved from `before` to `after`.
fn push(git_ref: &str, before: &str, after: &str) -> Value {
    payload(
        "push",
        &[
            ("REF", git_ref),
            ("BEFORE_SHA", before),
            ("AFTER_SHA", after),
        ],
    )
}

/// Sets a top-level field of a payload.
trait Set {
    fn set(self, field: &str, value: Value) -> Self;
}

impl Set for Value {
    fn set(mut self, field: &str, value: Value) -> Value {
        self[field] = value;
        self
    }
}

/// The payload of the project's pull request: feature/chat into main.
fn pull_request(project: &Project) -> Value {
    payload(
        "pull_request",
        &[("BASE_SHA", &project.base), ("HEAD_SHA", &project.head)],
    )
}

/// Fails when `text` holds any of the project's keys in full.
fn assert_no_key_in(project: &Project, what: &str, text: &str) {
    for key in project.all_keys() {
        assert!(!text.contains(key), "{what} contains a full key:\n{text}");
    }
}

/// Validates the SARIF file at `path` against the 2.1.0 schema, as tests/reports.rs does.
fn assert_valid_sarif(path: &Path) -> Value {
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json"))
        .expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("the schema compiles");
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("no SARIF file at {}: {e}", path.display()));
    let sarif: Value = serde_json::from_str(&text).expect("the SARIF file is JSON");
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    sarif
}

// ---------------------------------------------------------------------------------------
// GitHub Actions: which commits

#[test]
fn a_pull_request_scans_only_its_own_commits() {
    let project = Project::new(1);
    let runner = Runner::new();
    let event = pull_request(&project);
    for name in ["pull_request", "pull_request_target"] {
        let run = ci(project.path(), &runner.github(name, &event), &[]);
        assert_eq!(run.code, 1, "{}", run.stderr);
        assert_eq!(run.findings(), vec![new_key(&project)]);
        assert_eq!(
            run.commits_scanned(),
            event["pull_request"]["commits"].as_u64().unwrap()
        );
        let scope = format!(
            "GitHub Actions, pull request #7 ({name}): {}..{}",
            short(&project.base),
            short(&project.head)
        );
        assert_eq!(run.scope(), scope);
        assert!(
            run.stderr.starts_with(&format!("leakward ci: {scope}\n")),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains(&format!("leakward: scanned {scope}\n")),
            "{}",
            run.stderr
        );
        assert!(
            run.stderr.contains("leakward: 1 finding (") && run.stderr.contains("from 2 commits"),
            "{}",
            run.stderr
        );
        // The annotation GitHub shows on the pull request's diff.
        assert!(
            run.stderr.contains("::error file=src/chat.py,line=3,"),
            "{}",
            run.stderr
        );
        assert_no_key_in(&project, "stderr", &run.stderr);
    }
}

#[test]
fn merge_commits_in_a_pull_request_report_only_what_the_branch_adds() {
    // main           first ─ old ─ base ─ main_key (GitHub token, on main)
    // feature/chat                   └─ new ─ merge (main_key's parent merged in, plus a
    //                                          Hugging Face token in the resolution) ─ tip
    let project = Project::new(2);
    let root = project.path();
    git(root, &["checkout", "-q", "main"]);
    let main_key = commit(
        root,
        "ops/deploy.env",
        &format!("GH_TOKEN={}\n", project.keys.github_classic),
        "Add the deploy token",
    );
    git(root, &["checkout", "-q", "feature/chat"]);
    git(root, &["reset", "-q", "--hard", &project.new]);
    git(root, &["merge", "-q", "--no-commit", "--no-ff", "main"]);
    common::write(
        root,
        "src/embed.py",
        format!("HF_TOKEN = \"{}\"\n", project.keys.huggingface),
    );
    git(root, &["add", "src/embed.py"]);
    git(
        root,
        &["commit", "-q", "-m", "Merge main into feature/chat"],
    );
    let merge = git(root, &["rev-parse", "HEAD"]);
    let tip = commit(root, "README.md", "# demo-app\n\nChat.\n", "README");

    let runner = Runner::new();
    let mut event = payload(
        "pull_request",
        &[("BASE_SHA", &main_key), ("HEAD_SHA", &tip)],
    );
    event["pull_request"]["commits"] = json!(3);
    let run = ci(root, &runner.github("pull_request", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // The merge brings main's token in, but main already has it: only the branch's own
    // key and the key added in the merge's resolution are reported.
    assert_eq!(
        run.findings(),
        vec![
            new_key(&project),
            finding("huggingface-user-access-token", "src/embed.py", &merge),
        ]
    );
    assert_eq!(run.commits_scanned(), 3);
}

#[test]
fn a_push_scans_from_before_to_after() {
    let project = Project::new(3);
    let root = project.path();
    git(root, &["checkout", "-q", "main"]);
    git(root, &["merge", "-q", "--ff-only", "feature/chat"]);
    let runner = Runner::new();
    let event = push("refs/heads/main", &project.base, &project.head);
    let run = ci(root, &runner.github("push", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&project)]);
    assert_eq!(run.commits_scanned(), 2);
    assert_eq!(
        run.scope(),
        format!(
            "GitHub Actions, push to refs/heads/main: {}..{}",
            short(&project.base),
            short(&project.head)
        )
    );

    // A push of commits that add no key passes.
    let event = push("refs/heads/main", &project.new, &project.head);
    let run = ci(root, &runner.github("push", &event), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.findings(), vec![]);
    assert_eq!(run.commits_scanned(), 1);
}

#[test]
fn a_push_creating_a_branch_scans_its_commits_not_on_the_default_branch() {
    let origin = Project::new(4);
    let checkout = clone(origin.path(), &[]);
    git(checkout.path(), &["checkout", "-q", "feature/chat"]);
    let runner = Runner::new();
    let event = push("refs/heads/feature/chat", ZERO, &origin.head).set("created", json!(true));
    let run = ci(checkout.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&origin)]);
    assert_eq!(run.commits_scanned(), 2);
    assert_eq!(
        run.scope(),
        format!(
            "GitHub Actions, push creating refs/heads/feature/chat: commits up to {} not on main",
            short(&origin.head)
        )
    );

    // Without `created` (older payloads), the all-zero `before` says the same.
    let event = event.set("created", json!(false));
    let run = ci(checkout.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.findings(), vec![new_key(&origin)]);
}

#[test]
fn a_push_creating_an_annotated_tag_scans_the_tagged_commits_not_on_the_default_branch() {
    // For an annotated tag, GitHub's `after` is the tag object, not the commit.
    let origin = Project::new(14);
    git(
        origin.path(),
        &["tag", "-a", "v1.0.0", "-m", "Release 1.0.0", &origin.head],
    );
    let tag = git(origin.path(), &["rev-parse", "v1.0.0"]);
    assert_ne!(tag, origin.head);
    let checkout = clone(origin.path(), &[]);
    let runner = Runner::new();
    let mut event = push("refs/tags/v1.0.0", ZERO, &tag).set("created", json!(true));
    event["head_commit"]["id"] = json!(origin.head);
    let run = ci(checkout.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&origin)]);
    assert_eq!(run.commits_scanned(), 2);
}

#[test]
fn a_new_branch_is_scanned_from_its_root_when_the_default_branch_was_not_fetched() {
    // No refs/remotes/origin/main to leave out: the branch's whole history is scanned
    // (more than needed, never less).
    let project = Project::new(5);
    let runner = Runner::new();
    let event = push("refs/heads/feature/chat", ZERO, &project.head).set("created", json!(true));
    let run = ci(project.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&project), old_key(&project)]);
    assert_eq!(run.commits_scanned(), 5);
    assert!(
        run.stderr
            .contains("warning: refs/remotes/origin/main is not in this checkout"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_push_deleting_a_branch_scans_nothing() {
    let project = Project::new(6);
    let runner = Runner::new();
    let event = push("refs/heads/feature/chat", &project.head, ZERO)
        .set("deleted", json!(true))
        .set("head_commit", Value::Null)
        .set("commits", json!([]));
    let run = ci(project.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.findings(), vec![]);
    assert_eq!(run.commits_scanned(), 0);
    let scope = "GitHub Actions, push deleting refs/heads/feature/chat";
    assert_eq!(run.scope(), scope);
    assert!(
        run.stderr
            .contains(&format!("leakward: scanned {scope}\nleakward: 0 findings;")),
        "{}",
        run.stderr
    );
}

#[test]
fn a_force_push_scans_the_new_commits_not_on_the_old_tip_or_the_default_branch() {
    // feature/chat was base ─ new ─ head and is force-pushed as base ─ new ─ rewritten:
    // `before` (head) is no ancestor of `after` (rewritten).
    let origin = Project::new(7);
    let root = origin.path();
    // A backup branch keeps the old tip, so the checkout has it.
    git(root, &["branch", "backup/chat", &origin.head]);
    git(root, &["reset", "-q", "--hard", &origin.new]);
    let rewritten = commit(
        root,
        "src/embed.py",
        &format!("HF_TOKEN = \"{}\"\n", origin.keys.huggingface),
        "Add embeddings",
    );
    let event =
        push("refs/heads/feature/chat", &origin.head, &rewritten).set("forced", json!(true));
    let runner = Runner::new();
    let with_old_tip = clone(root, &[]);
    let run = ci(with_old_tip.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // `new` was already pushed (and reported) with the old tip.
    assert_eq!(
        run.findings(),
        vec![finding(
            "huggingface-user-access-token",
            "src/embed.py",
            &rewritten
        )]
    );
    assert_eq!(run.commits_scanned(), 1);
    assert_eq!(
        run.scope(),
        format!(
            "GitHub Actions, force push to refs/heads/feature/chat: {}..{}",
            short(&origin.head),
            short(&rewritten)
        )
    );

    // The usual case: the old tip is gone from the remote, so not in the checkout; the
    // branch is scanned back to the default branch.
    git(root, &["branch", "-D", "backup/chat"]);
    let without_old_tip = clone(root, &[]);
    assert!(!has_object(without_old_tip.path(), &origin.head));
    let run = ci(without_old_tip.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(
        run.stderr
            .contains(&format!("warning: {} is not in this checkout", origin.head)),
        "{}",
        run.stderr
    );
    assert_eq!(
        run.findings(),
        vec![
            new_key(&origin),
            finding("huggingface-user-access-token", "src/embed.py", &rewritten),
        ]
    );
    assert_eq!(run.commits_scanned(), 2);
}

#[test]
fn a_merge_group_scans_from_its_base_to_its_head() {
    let project = Project::new(8);
    let runner = Runner::new();
    let event = payload(
        "merge_group",
        &[("BASE_SHA", &project.base), ("HEAD_SHA", &project.head)],
    );
    let run = ci(project.path(), &runner.github("merge_group", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&project)]);
    assert_eq!(run.commits_scanned(), 2);
    assert_eq!(
        run.scope(),
        format!(
            "GitHub Actions, merge group: {}..{}",
            short(&project.base),
            short(&project.head)
        )
    );
}

#[test]
fn a_scheduled_run_scans_the_whole_history_of_every_branch() {
    let project = Project::new(9);
    let root = project.path();
    // A third branch from the first commit, and main checked out.
    git(root, &["checkout", "-q", "-b", "wip", &project.first]);
    let wip = commit(
        root,
        "notes.txt",
        &format!("token: {}\n", project.keys.github_classic),
        "Notes",
    );
    git(root, &["checkout", "-q", "main"]);
    let runner = Runner::new();
    let event = payload("schedule", &[]);
    let run = ci(root, &runner.github("schedule", &event), &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(
        run.findings(),
        vec![
            new_key(&project),
            finding("github-classic-pat", "notes.txt", &wip),
            old_key(&project),
        ]
    );
    assert_eq!(run.commits_scanned(), 6);
    assert_eq!(run.scope(), "GitHub Actions, schedule event");
}

#[test]
fn an_event_without_its_payload_is_an_error() {
    let project = Project::new(10);
    let runner = Runner::new();
    let mut env: Vec<(String, String)> = runner
        .github("push", &json!({}))
        .into_iter()
        .filter(|(name, _)| name != "GITHUB_EVENT_PATH")
        .collect();
    let run = ci(project.path(), &env, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("GITHUB_EVENT_PATH is not set"),
        "{}",
        run.stderr
    );

    // A payload without the commit ids the event needs.
    env = runner.github("pull_request", &json!({ "number": 7 }));
    let run = ci(project.path(), &env, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("the pull_request event payload has no `/pull_request/head/sha`"),
        "{}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------------------
// Shallow clones: fewer commits than asked must not pass

#[test]
fn a_pull_request_whose_base_is_not_in_a_shallow_clone_is_an_error() {
    let origin = Project::new(11);
    let checkout = clone(origin.path(), &["--depth", "1", "--branch", "feature/chat"]);
    assert_eq!(git(checkout.path(), &["rev-parse", "HEAD"]), origin.head);
    let runner = Runner::new();
    let run = ci(
        checkout.path(),
        &runner.github("pull_request", &pull_request(&origin)),
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "base commit {} is not in this checkout (a shallow clone)",
            origin.base
        )),
        "{}",
        run.stderr
    );
    assert!(run.stdout.is_empty(), "{}", run.stdout);
}

#[test]
fn a_scheduled_run_on_a_shallow_clone_is_an_error() {
    let origin = Project::new(12);
    let checkout = clone(origin.path(), &["--depth", "1"]);
    let runner = Runner::new();
    let run = ci(
        checkout.path(),
        &runner.github("schedule", &payload("schedule", &[])),
        &[],
    );
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr.contains("shallow clone") && run.stderr.contains("fetch-depth: 0"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_shallow_clone_deep_enough_for_the_push_passes() {
    // Depth 2 holds `new` (the boundary) and `head`: a push of `head` alone never walks
    // past the boundary.
    let origin = Project::new(13);
    let checkout = clone(origin.path(), &["--depth", "2", "--branch", "feature/chat"]);
    let runner = Runner::new();
    let event = push("refs/heads/feature/chat", &origin.new, &origin.head);
    let run = ci(checkout.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.commits_scanned(), 1);

    // One commit more is one too many.
    let event = push("refs/heads/feature/chat", &origin.base, &origin.head);
    let run = ci(checkout.path(), &runner.github("push", &event), &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("fetch-depth: 0"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// GitLab CI and no CI

#[test]
fn a_gitlab_merge_request_scans_its_own_commits() {
    let project = Project::new(20);
    let env = gitlab(&[
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_COMMIT_SHA", &project.head),
        ("CI_COMMIT_REF_NAME", "feature/chat"),
        ("CI_MERGE_REQUEST_IID", "7"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", &project.base),
        ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"),
        ("CI_DEFAULT_BRANCH", "main"),
    ]);
    let run = ci(project.path(), &env, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&project)]);
    assert_eq!(run.commits_scanned(), 2);
    let scope = format!(
        "GitLab CI, merge request !7: {}..{}",
        short(&project.base),
        short(&project.head)
    );
    assert_eq!(run.scope(), scope);
    assert!(
        run.stderr.starts_with(&format!("leakward ci: {scope}\n")),
        "{}",
        run.stderr
    );
    // GitHub's annotations are for GitHub only.
    assert!(!run.stderr.contains("::error"), "{}", run.stderr);
}

#[test]
fn a_gitlab_push_scans_from_before_to_the_commit() {
    let project = Project::new(21);
    let root = project.path();
    git(root, &["checkout", "-q", "main"]);
    git(root, &["merge", "-q", "--ff-only", "feature/chat"]);
    let env = gitlab(&[
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_COMMIT_SHA", &project.head),
        ("CI_COMMIT_BEFORE_SHA", &project.base),
        ("CI_COMMIT_BRANCH", "main"),
        ("CI_COMMIT_REF_NAME", "main"),
        ("CI_DEFAULT_BRANCH", "main"),
    ]);
    let run = ci(root, &env, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&project)]);
    assert_eq!(run.commits_scanned(), 2);
    assert_eq!(
        run.scope(),
        format!(
            "GitLab CI, push to main: {}..{}",
            short(&project.base),
            short(&project.head)
        )
    );
}

#[test]
fn a_gitlab_pipeline_for_a_new_branch_scans_its_commits_not_on_the_default_branch() {
    let origin = Project::new(22);
    let checkout = clone(origin.path(), &[]);
    git(checkout.path(), &["checkout", "-q", "feature/chat"]);
    let env = gitlab(&[
        ("CI_PIPELINE_SOURCE", "push"),
        ("CI_COMMIT_SHA", &origin.head),
        ("CI_COMMIT_BEFORE_SHA", ZERO),
        ("CI_COMMIT_BRANCH", "feature/chat"),
        ("CI_COMMIT_REF_NAME", "feature/chat"),
        ("CI_DEFAULT_BRANCH", "main"),
    ]);
    let run = ci(checkout.path(), &env, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&origin)]);
    assert_eq!(run.commits_scanned(), 2);
    assert_eq!(
        run.scope(),
        format!(
            "GitLab CI, new feature/chat: commits up to {} not on main",
            short(&origin.head)
        )
    );
}

#[test]
fn a_scheduled_gitlab_pipeline_scans_the_whole_history() {
    let project = Project::new(23);
    git(project.path(), &["checkout", "-q", "main"]);
    let env = gitlab(&[
        ("CI_PIPELINE_SOURCE", "schedule"),
        ("CI_COMMIT_SHA", &project.base),
        ("CI_COMMIT_BEFORE_SHA", ZERO),
        ("CI_COMMIT_BRANCH", "main"),
        ("CI_COMMIT_REF_NAME", "main"),
        ("CI_DEFAULT_BRANCH", "main"),
    ]);
    let run = ci(project.path(), &env, &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    // feature/chat is scanned too, though main is checked out.
    assert_eq!(run.findings(), vec![new_key(&project), old_key(&project)]);
    assert_eq!(run.commits_scanned(), 5);
    assert_eq!(run.scope(), "GitLab CI, schedule pipeline");
}

#[test]
fn a_gitlab_merge_request_in_a_shallow_clone_says_to_set_git_depth() {
    let origin = Project::new(24);
    let checkout = clone(origin.path(), &["--depth", "1", "--branch", "feature/chat"]);
    let env = gitlab(&[
        ("CI_PIPELINE_SOURCE", "merge_request_event"),
        ("CI_COMMIT_SHA", &origin.head),
        ("CI_MERGE_REQUEST_IID", "7"),
        ("CI_MERGE_REQUEST_DIFF_BASE_SHA", &origin.base),
    ]);
    let run = ci(checkout.path(), &env, &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("GIT_DEPTH: 0"), "{}", run.stderr);
}

#[test]
fn without_a_ci_the_whole_history_is_scanned() {
    let project = Project::new(25);
    let run = ci(project.path(), &[], &[]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_eq!(run.findings(), vec![new_key(&project), old_key(&project)]);
    assert_eq!(run.commits_scanned(), 5);
    assert_eq!(run.scope(), "no known CI, no CI event");
    assert!(
        run.stderr
            .starts_with("leakward ci: no known CI, no CI event\n"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("::error"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// What GitHub gets

#[test]
fn github_gets_outputs_a_summary_and_sarif_and_never_a_full_key() {
    let project = Project::new(30);
    let runner = Runner::new();
    let sarif = runner.file("leakward.sarif");
    let env = runner.github_with_files("pull_request", &pull_request(&project));
    // The JSON report, for the redacted secret the summary shows.
    let json = ci(project.path(), &env, &["--sarif", sarif.to_str().unwrap()]);
    assert_eq!(json.code, 1, "{}", json.stderr);
    let redacted = json.report["findings"][0]["secret"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(redacted.ends_with('…'), "{redacted}");

    // The default text report, as the action runs it.
    std::fs::remove_file(runner.output_path()).unwrap();
    std::fs::remove_file(runner.summary_path()).unwrap();
    let mut command = leakward();
    for name in inherited_ci_variables() {
        command.env_remove(name);
    }
    let output = command
        .envs(env.iter().map(|(name, value)| (name, value)))
        .arg("ci")
        .arg(project.path())
        .args(["--no-config", "--sarif"])
        .arg(&sarif)
        .output()
        .unwrap();
    let run = Run::from(output);
    assert_eq!(run.code, 1, "{}", run.stderr);

    assert_eq!(
        runner.read(&runner.output_path()),
        format!(
            "findings=1\ncommits-scanned=2\nblobs-scanned=2\nsarif-file={}\n",
            sarif.display()
        )
    );

    let summary = runner.read(&runner.summary_path());
    assert!(summary.starts_with("## leakward\n"), "{summary}");
    assert!(
        summary.contains(&format!(
            "Scanned GitHub Actions, pull request #7 (pull_request): {}..{}.",
            short(&project.base),
            short(&project.head)
        )),
        "{summary}"
    );
    assert!(
        summary.contains("| Severity | Key | Where | Commit | Revoke |"),
        "{summary}"
    );
    let rows: Vec<&str> = summary
        .lines()
        .filter(|line| line.starts_with("| ") && !line.starts_with("| Severity"))
        .collect();
    assert_eq!(rows.len(), 1, "{summary}");
    assert!(
        rows[0].contains(&format!("`{redacted}`"))
            && rows[0].contains("`src/chat.py:3`")
            && rows[0].contains(&format!("| {} |", short(&project.new))),
        "{}",
        rows[0]
    );

    let document = assert_valid_sarif(&sarif);
    let result = &document["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "anthropic-api-key");
    assert_eq!(result["properties"]["commit"], project.new.as_str());

    // Not in the report, the log, the summary, the outputs or the SARIF file.
    assert_no_key_in(&project, "stdout", &run.stdout);
    assert_no_key_in(&project, "stderr", &run.stderr);
    assert_no_key_in(&project, "the JSON report", &json.stdout);
    assert_no_key_in(&project, "the summary", &summary);
    assert_no_key_in(&project, "the outputs", &runner.read(&runner.output_path()));
    assert_no_key_in(&project, "the SARIF file", &runner.read(&sarif));

    // Each run appends: a second step's summary follows the first.
    let run = ci(project.path(), &env, &[]);
    assert_eq!(run.code, 1);
    assert_eq!(
        runner
            .read(&runner.summary_path())
            .matches("## leakward")
            .count(),
        2
    );
}

#[test]
fn a_clean_pull_request_writes_zero_findings_and_a_short_summary() {
    let project = Project::new(31);
    let runner = Runner::new();
    let event = payload(
        "pull_request",
        &[("BASE_SHA", &project.new), ("HEAD_SHA", &project.head)],
    );
    let run = ci(
        project.path(),
        &runner.github_with_files("pull_request", &event),
        &[],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        runner.outputs(),
        BTreeMap::from([
            ("blobs-scanned".to_string(), "1".to_string()),
            ("commits-scanned".to_string(), "1".to_string()),
            ("findings".to_string(), "0".to_string()),
        ])
    );
    let summary = runner.read(&runner.summary_path());
    assert!(summary.contains("No leaked secrets found."), "{summary}");
    assert!(!run.stderr.contains("::error"), "{}", run.stderr);
}

// ---------------------------------------------------------------------------------------
// The GitHub Action's scripts

fn action_script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("action")
        .join(name)
}

/// The leakward binary under test.
fn binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_leakward"))
}

/// Runs `bash action/<script> ARGS` with `env` as the runner and action.yml set it.
fn bash(script: &str, args: &[&str], env: &[(String, String)]) -> Output {
    let mut command = Command::new("bash");
    for name in inherited_ci_variables() {
        command.env_remove(name);
    }
    command
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(name, value)| (name, value)))
        .arg(action_script(script))
        .args(args)
        .output()
        .expect("bash runs")
}

/// The runner's environment for the scan step of the action, on `project`.
fn scan_step_env(
    workspace: &Path,
    runner: &Runner,
    event: &str,
    payload: &Value,
    inputs: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut env = runner.github_with_files(event, payload);
    env.push(("GITHUB_WORKSPACE".into(), workspace.display().to_string()));
    env.push((
        "GITHUB_ACTION_PATH".into(),
        env!("CARGO_MANIFEST_DIR").to_string(),
    ));
    env.push(("LEAKWARD".into(), binary().display().to_string()));
    // action.yml passes every input, empty when not given.
    for input in [
        "PATH",
        "ARGS",
        "CONFIG",
        "BASELINE",
        "FAIL_ON_FINDINGS",
        "SARIF_FILE",
    ] {
        let value = inputs
            .iter()
            .find(|(name, _)| *name == input)
            .map_or("", |(_, value)| *value);
        env.push((format!("INPUT_{input}"), value.to_string()));
    }
    env
}

struct StepRun {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_step(env: &[(String, String)]) -> StepRun {
    let output = bash("run.sh", &[], env);
    StepRun {
        code: output.status.code().expect("an exit code"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

#[test]
fn the_action_fails_on_findings_and_writes_its_outputs() {
    let project = Project::new(40);
    let runner = Runner::new();
    let env = scan_step_env(
        project.path(),
        &runner,
        "pull_request",
        &pull_request(&project),
        &[("FAIL_ON_FINDINGS", "true")],
    );
    let step = run_step(&env);
    assert_eq!(step.code, 1, "{}", step.stderr);
    let sarif = runner.temp().join("leakward.sarif");
    let outputs = runner.outputs();
    assert_eq!(
        outputs,
        BTreeMap::from([
            ("blobs-scanned".to_string(), "2".to_string()),
            ("commits-scanned".to_string(), "2".to_string()),
            ("exit-code".to_string(), "1".to_string()),
            ("findings".to_string(), "1".to_string()),
            ("sarif-file".to_string(), sarif.display().to_string()),
        ])
    );
    // Every output the step writes is one action.yml declares, and the other way round.
    let declared: BTreeSet<String> = action_yml().outputs.into_iter().collect();
    assert_eq!(outputs.keys().cloned().collect::<BTreeSet<_>>(), declared);
    assert_valid_sarif(&sarif);
    let summary = runner.read(&runner.summary_path());
    assert!(summary.contains("`src/chat.py:3`"), "{summary}");
    assert!(
        step.stderr.contains("::error file=src/chat.py,line=3,"),
        "{}",
        step.stderr
    );
    assert!(
        step.stderr
            .contains("::error title=leakward::leaked secrets found (1)"),
        "{}",
        step.stderr
    );
    for (what, text) in [
        ("stdout", &step.stdout),
        ("stderr", &step.stderr),
        ("summary", &summary),
        ("SARIF", &runner.read(&sarif)),
    ] {
        assert_no_key_in(&project, what, text);
    }
}

#[test]
fn the_action_passes_on_findings_when_told_not_to_fail() {
    let project = Project::new(41);
    let runner = Runner::new();
    let env = scan_step_env(
        project.path(),
        &runner,
        "pull_request",
        &pull_request(&project),
        &[("FAIL_ON_FINDINGS", "false")],
    );
    let step = run_step(&env);
    assert_eq!(step.code, 0, "{}", step.stderr);
    let outputs = runner.outputs();
    assert_eq!(outputs["findings"], "1");
    assert_eq!(outputs["exit-code"], "1");
    assert!(
        step.stderr.contains("::warning title=leakward::")
            && step.stderr.contains("fail-on-findings is false"),
        "{}",
        step.stderr
    );
    assert_valid_sarif(Path::new(&outputs["sarif-file"]));
}

#[test]
fn the_action_passes_a_clean_change() {
    let project = Project::new(42);
    let runner = Runner::new();
    let event = payload(
        "pull_request",
        &[("BASE_SHA", &project.new), ("HEAD_SHA", &project.head)],
    );
    let env = scan_step_env(project.path(), &runner, "pull_request", &event, &[]);
    let step = run_step(&env);
    assert_eq!(step.code, 0, "{}", step.stderr);
    let outputs = runner.outputs();
    assert_eq!(outputs["findings"], "0");
    assert_eq!(outputs["exit-code"], "0");
    let sarif = assert_valid_sarif(Path::new(&outputs["sarif-file"]));
    assert_eq!(sarif["runs"][0]["results"], json!([]));
}

#[test]
fn the_action_fails_on_errors_whatever_fail_on_findings_says() {
    let origin = Project::new(43);
    let checkout = clone(origin.path(), &["--depth", "1", "--branch", "feature/chat"]);
    let runner = Runner::new();
    let sarif = runner.file("reports/leakward.sarif");
    // A report from an earlier run in the same job.
    common::write(runner.dir.path(), "reports/leakward.sarif", "{}");
    let env = scan_step_env(
        checkout.path(),
        &runner,
        "pull_request",
        &pull_request(&origin),
        &[
            ("FAIL_ON_FINDINGS", "false"),
            ("SARIF_FILE", sarif.to_str().unwrap()),
        ],
    );
    let step = run_step(&env);
    assert_eq!(step.code, 2, "{}", step.stderr);
    assert!(step.stderr.contains("fetch-depth: 0"), "{}", step.stderr);
    assert!(
        step.stderr
            .contains("::error title=leakward::leakward ci failed (exit status 2)"),
        "{}",
        step.stderr
    );
    assert!(!sarif.exists(), "a stale or partial SARIF file was left");
    let summary = runner.read(&runner.summary_path());
    assert!(
        summary.contains("**The scan failed** (exit status 2)"),
        "{summary}"
    );
    let outputs = runner.outputs();
    assert_eq!(outputs["exit-code"], "2");
    assert_eq!(outputs["sarif-file"], "");
    assert!(!outputs.contains_key("findings"), "{outputs:?}");
}

#[test]
fn the_action_passes_config_baseline_args_and_a_relative_sarif_path() {
    let project = Project::new(44);
    let runner = Runner::new();
    let event = pull_request(&project);

    // A baseline of today's findings: nothing new to report.
    let baseline = runner.file("baseline.json");
    let mut command = leakward();
    for name in inherited_ci_variables() {
        command.env_remove(name);
    }
    command
        .args(["baseline", "git", "--no-config", "-o"])
        .arg(&baseline)
        .arg(project.path())
        .assert()
        .code(0);
    let env = scan_step_env(
        project.path(),
        &runner,
        "pull_request",
        &event,
        &[("BASELINE", baseline.to_str().unwrap())],
    );
    let step = run_step(&env);
    assert_eq!(step.code, 0, "{}", step.stderr);
    assert_eq!(runner.outputs()["findings"], "0");
    assert!(step.stderr.contains("1 baseline"), "{}", step.stderr);

    // A configuration that allowlists the file, relative to the workspace.
    common::write(
        project.path(),
        "ci/leakward.toml",
        "[allowlist]\npaths = [\"src/chat.py\"]\n",
    );
    std::fs::remove_file(runner.output_path()).unwrap();
    let env = scan_step_env(
        project.path(),
        &runner,
        "pull_request",
        &event,
        &[("CONFIG", "ci/leakward.toml")],
    );
    let step = run_step(&env);
    assert_eq!(step.code, 0, "{}", step.stderr);
    assert_eq!(runner.outputs()["findings"], "0");

    // Extra arguments (several, split on spaces) and a SARIF path in the workspace.
    std::fs::remove_file(runner.output_path()).unwrap();
    let report = runner.file("report.jsonl");
    let args = format!("--threads 2\n--format jsonl -o {}", report.display());
    let env = scan_step_env(
        project.path(),
        &runner,
        "pull_request",
        &event,
        &[("ARGS", &args), ("SARIF_FILE", "out/leakward.sarif")],
    );
    let step = run_step(&env);
    assert_eq!(step.code, 1, "{}", step.stderr);
    let lines = runner.read(&report);
    assert_eq!(lines.lines().count(), 1, "{lines}");
    let line: Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
    assert_eq!(line["rule_id"], "anthropic-api-key");
    let sarif = project.path().join("out/leakward.sarif");
    assert_eq!(runner.outputs()["sarif-file"], sarif.display().to_string());
    assert_valid_sarif(&sarif);
}

#[test]
fn the_action_rejects_bad_inputs_and_a_missing_binary() {
    let project = Project::new(45);
    let runner = Runner::new();
    let event = pull_request(&project);
    let env = scan_step_env(
        project.path(),
        &runner,
        "pull_request",
        &event,
        &[("FAIL_ON_FINDINGS", "maybe")],
    );
    let step = run_step(&env);
    assert_eq!(step.code, 2, "{}", step.stderr);
    assert!(
        step.stderr
            .contains("fail-on-findings must be true or false, not 'maybe'"),
        "{}",
        step.stderr
    );

    let mut env = scan_step_env(project.path(), &runner, "pull_request", &event, &[]);
    for (name, value) in &mut env {
        if name == "LEAKWARD" {
            *value = runner.file("no-such-leakward").display().to_string();
        }
    }
    let step = run_step(&env);
    assert_eq!(step.code, 2, "{}", step.stderr);
    assert!(
        step.stderr.contains("leakward binary not found"),
        "{}",
        step.stderr
    );
    assert_eq!(runner.outputs()["sarif-file"], "");
}

/// The runner's environment for the action's install steps.
fn install_env(
    runner: &Runner,
    action_path: &Path,
    inputs: &[(&str, &str)],
) -> Vec<(String, String)> {
    let mut env = vec![
        ("GITHUB_ACTIONS".to_string(), "true".to_string()),
        (
            "GITHUB_ACTION_PATH".to_string(),
            action_path.display().to_string(),
        ),
        (
            "GITHUB_OUTPUT".to_string(),
            runner.output_path().display().to_string(),
        ),
        (
            "RUNNER_TEMP".to_string(),
            runner.temp().display().to_string(),
        ),
        ("RUNNER_OS".to_string(), "Linux".to_string()),
        ("RUNNER_ARCH".to_string(), "X64".to_string()),
        // A cargo that only records its arguments and puts the binary under test in place.
        (
            "LEAKWARD_CARGO".to_string(),
            runner.file("fake-cargo").display().to_string(),
        ),
    ];
    env.extend(
        inputs
            .iter()
            .map(|(name, value)| (format!("INPUT_{name}"), value.to_string())),
    );
    env
}

fn fake_cargo(runner: &Runner) -> PathBuf {
    let log = runner.file("cargo.log");
    let script = format!(
        "#!/usr/bin/env bash\nset -eu\necho \"$*\" >>'{log}'\nroot=\"${{@: -1}}\"\nmkdir -p \"$root/bin\"\ncp '{binary}' \"$root/bin/leakward\"\n",
        log = log.display(),
        binary = binary().display()
    );
    let path = runner.file("fake-cargo");
    std::fs::write(&path, script).unwrap();
    let status = Command::new("chmod").arg("+x").arg(&path).status().unwrap();
    assert!(status.success());
    log
}

#[test]
fn the_action_installs_from_its_source_once_and_reuses_the_cached_binary() {
    let runner = Runner::new();
    let cargo_log = fake_cargo(&runner);
    let action_path = Path::new(env!("CARGO_MANIFEST_DIR"));
    let env = install_env(&runner, action_path, &[("LEAKWARD_PATH", "")]);

    let prepare = bash("install.sh", &["prepare"], &env);
    assert!(prepare.status.success(), "{prepare:?}");
    let outputs = runner.outputs();
    let install_dir = runner.temp().join("leakward-install");
    assert_eq!(outputs["skip"], "false");
    assert_eq!(outputs["dir"], install_dir.display().to_string());
    let key = outputs["key"].clone();
    let digest = key
        .strip_prefix("leakward-Linux-X64-")
        .unwrap_or_else(|| panic!("{key}"));
    assert!(
        digest.len() == 32 && digest.bytes().all(|b| b.is_ascii_hexdigit()),
        "{key}"
    );

    let install = bash("install.sh", &["install"], &env);
    assert!(install.status.success(), "{install:?}");
    let installed = install_dir.join("bin/leakward");
    assert_eq!(
        runner.outputs()["leakward"],
        installed.display().to_string()
    );
    assert_eq!(
        runner.read(&cargo_log),
        format!(
            "install --locked --path {} --root {}\n",
            action_path.display(),
            install_dir.display()
        )
    );

    // Restored from the cache: no second build.
    let again = bash("install.sh", &["install"], &env);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(runner.read(&cargo_log).lines().count(), 1);
    assert!(
        String::from_utf8_lossy(&again.stdout).contains("using the cached leakward"),
        "{again:?}"
    );
}

#[test]
fn the_install_key_changes_with_the_sources() {
    let copy = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"));
    for item in ["Cargo.toml", "Cargo.lock", "build.rs", "src", "rules"] {
        let status = Command::new("cp")
            .arg("-R")
            .arg(source.join(item))
            .arg(copy.path())
            .status()
            .unwrap();
        assert!(status.success());
    }
    let key = |action_path: &Path| {
        let runner = Runner::new();
        let output = bash(
            "install.sh",
            &["prepare"],
            &install_env(&runner, action_path, &[]),
        );
        assert!(output.status.success(), "{output:?}");
        runner.outputs()["key"].clone()
    };
    let original = key(source);
    assert_eq!(key(copy.path()), original, "a copy of the sources");
    let rule = copy.path().join("rules/groq.toml");
    let mut text = std::fs::read_to_string(&rule).unwrap();
    text.push_str("\n# changed\n");
    std::fs::write(&rule, text).unwrap();
    assert_ne!(key(copy.path()), original, "a changed rule file");
}

#[test]
fn the_action_uses_a_given_binary_without_building() {
    let runner = Runner::new();
    let cargo_log = fake_cargo(&runner);
    let given = binary().display().to_string();
    let env = install_env(
        &runner,
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[("LEAKWARD_PATH", &given)],
    );
    let prepare = bash("install.sh", &["prepare"], &env);
    assert!(prepare.status.success(), "{prepare:?}");
    assert_eq!(runner.outputs()["skip"], "true");
    let install = bash("install.sh", &["install"], &env);
    assert!(install.status.success(), "{install:?}");
    assert_eq!(runner.outputs()["leakward"], given);
    assert!(!cargo_log.exists(), "cargo ran");

    let missing = runner.file("nowhere/leakward").display().to_string();
    let env = install_env(
        &runner,
        Path::new(env!("CARGO_MANIFEST_DIR")),
        &[("LEAKWARD_PATH", &missing)],
    );
    let install = bash("install.sh", &["install"], &env);
    assert_eq!(install.status.code(), Some(2), "{install:?}");
    assert!(
        String::from_utf8_lossy(&install.stderr).contains("is not an executable file"),
        "{install:?}"
    );
}

// ---------------------------------------------------------------------------------------
// action.yml

/// What action.yml declares, read with a few line rules (no YAML parser in the
/// dependencies): the keys two spaces in under `inputs:` and `outputs:`.
struct ActionYml {
    text: String,
    inputs: Vec<String>,
    outputs: Vec<String>,
}

fn action_yml() -> ActionYml {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml"))
        .expect("action.yml exists");
    let mut section = String::new();
    let mut inputs = Vec::new();
    let mut outputs = Vec::new();
    for line in text.lines() {
        if !line.starts_with(' ') && line.ends_with(':') {
            section = line.trim_end_matches(':').to_string();
        } else if let Some(key) = line
            .strip_prefix("  ")
            .filter(|rest| !rest.starts_with(' ') && !rest.starts_with('#'))
            .and_then(|rest| rest.strip_suffix(':'))
        {
            match section.as_str() {
                "inputs" => inputs.push(key.to_string()),
                "outputs" => outputs.push(key.to_string()),
                _ => {}
            }
        } else if !line.starts_with(' ') && !line.is_empty() {
            section.clear();
        }
    }
    ActionYml {
        text,
        inputs,
        outputs,
    }
}

/// The `INPUT_*` variables a script reads.
fn input_variables(script: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(action_script(script)).unwrap();
    let mut names = BTreeSet::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("INPUT_") {
        let name: String = rest[at..]
            .chars()
            .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || *c == '_')
            .collect();
        names.insert(name);
        rest = &rest[at + 6..];
    }
    names
}

#[test]
fn action_yml_declares_what_the_scripts_use() {
    let action = action_yml();
    assert_eq!(
        action.inputs,
        [
            "path",
            "args",
            "config",
            "baseline",
            "fail-on-findings",
            "sarif-file",
            "leakward-path"
        ]
    );
    assert_eq!(
        action.outputs,
        [
            "findings",
            "commits-scanned",
            "blobs-scanned",
            "sarif-file",
            "exit-code"
        ]
    );
    assert!(action.text.contains("\n  using: composite\n"));
    // Each input reaches a script as INPUT_<NAME>, and each INPUT_ a script reads is an
    // input.
    let passed: BTreeSet<String> = action
        .inputs
        .iter()
        .map(|input| {
            let variable = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
            let line = format!("{variable}: ${{{{ inputs.{input} }}}}");
            assert!(action.text.contains(&line), "action.yml lacks `{line}`");
            variable
        })
        .collect();
    let read: BTreeSet<String> = input_variables("run.sh")
        .into_iter()
        .chain(input_variables("install.sh"))
        .collect();
    assert_eq!(read, passed);
    for output in &action.outputs {
        let value = format!("value: ${{{{ steps.scan.outputs.{output} }}}}");
        assert!(action.text.contains(&value), "action.yml lacks `{value}`");
    }
    // Every run step names its shell (required in composite actions) and runs a script
    // that exists.
    assert_eq!(
        action.text.matches("\n      run: ").count(),
        action.text.matches("\n      shell: bash\n").count()
    );
    for line in action.text.lines().filter(|l| l.contains("run: bash")) {
        let script = line
            .split("$GITHUB_ACTION_PATH/")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("{line}"));
        assert!(
            Path::new(env!("CARGO_MANIFEST_DIR")).join(script).is_file(),
            "{line}"
        );
    }
}

/// action.yml and the README's workflow as JSON, through PyYAML when it is installed.
fn parse_yaml(paths: &[&Path]) -> Option<Vec<Value>> {
    let output = Command::new("python3")
        .args([
            "-c",
            "import json, sys, yaml\nprint(json.dumps([yaml.safe_load(open(p)) for p in sys.argv[1:]]))",
        ])
        .args(paths)
        .output()
        .ok()?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(
            stderr.contains("No module named 'yaml'"),
            "the YAML does not parse: {stderr}"
        );
        return None;
    }
    Some(serde_json::from_slice(&output.stdout).expect("python prints JSON"))
}

#[test]
fn action_yml_and_the_example_workflow_are_valid_yaml_with_the_right_shape() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let workflow_text = std::fs::read_to_string(root.join("action/README-workflow.yml")).unwrap();
    for needle in [
        "fetch-depth: 0",
        "contents: read",
        "security-events: write",
        "github/codeql-action/upload-sarif@",
        "always()",
        "steps.leakward.outputs.sarif-file",
    ] {
        assert!(
            workflow_text.contains(needle),
            "the workflow lacks {needle}"
        );
    }
    let Some(documents) = parse_yaml(&[
        &root.join("action.yml"),
        &root.join("action/README-workflow.yml"),
    ]) else {
        eprintln!("PyYAML is not installed: only the text checks ran");
        return;
    };
    let (action, workflow) = (&documents[0], &documents[1]);
    let inputs: Vec<&String> = action["inputs"].as_object().unwrap().keys().collect();
    assert_eq!(inputs, action_yml().inputs.iter().collect::<Vec<_>>());
    let outputs: Vec<&String> = action["outputs"].as_object().unwrap().keys().collect();
    assert_eq!(outputs, action_yml().outputs.iter().collect::<Vec<_>>());
    for (name, input) in action["inputs"].as_object().unwrap() {
        assert!(input["description"].is_string(), "input {name}");
        assert!(
            input["default"].is_string(),
            "input {name}: defaults are strings"
        );
    }
    assert_eq!(action["runs"]["using"], "composite");
    for step in action["runs"]["steps"].as_array().unwrap() {
        assert!(
            step["uses"].is_string() || (step["run"].is_string() && step["shell"] == "bash"),
            "{step}"
        );
    }

    // PyYAML reads `on` as the boolean true (YAML 1.1).
    let on = workflow.get("on").or_else(|| workflow.get("true")).unwrap();
    for event in ["pull_request", "push", "schedule"] {
        assert!(
            on.get(event).is_some(),
            "the workflow is not run on {event}"
        );
    }
    assert_eq!(workflow["permissions"]["contents"], "read");
    assert_eq!(workflow["permissions"]["security-events"], "write");
    let steps = workflow["jobs"]["leakward"]["steps"].as_array().unwrap();
    let checkout = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .unwrap_or("")
                .starts_with("actions/checkout@")
        })
        .unwrap();
    assert_eq!(checkout["with"]["fetch-depth"], 0);
    let scan = steps.iter().find(|s| s["id"] == "leakward").unwrap();
    assert!(scan["uses"].is_string());
    let upload = steps
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .unwrap_or("")
                .starts_with("github/codeql-action/upload-sarif@")
        })
        .unwrap();
    assert!(upload["if"].as_str().unwrap().starts_with("always()"));
    assert_eq!(
        upload["with"]["sarif_file"],
        "${{ steps.leakward.outputs.sarif-file }}"
    );
}

//! The HTML report (`--format html`, `report merge -f html`) in a real browser: headless
//! Chromium (Debian's `chromium`, which .ci/run installs) loads the page from a file, with
//! no network, and the tests read the DOM after its script ran, its console, and a
//! screenshot. Without Chromium these tests fail: they must not pass unchecked.

mod common;

use common::{hermetic_git, leakward, write, FakeKeys};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Chromium's executable: `chromium` (Debian) or `chromium-browser`, on `PATH`.
fn chromium() -> PathBuf {
    let path = std::env::var_os("PATH").unwrap_or_default();
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return candidate;
            }
        }
    }
    panic!(
        "headless Chromium is needed for the HTML report tests and was not found on PATH: \
         apt-get install -y chromium (.ci/run installs it)"
    );
}

/// What Chromium did with a page.
struct Loaded {
    /// The DOM after the page's script ran (`--dump-dom`).
    dom: String,
    /// Console messages (errors, warnings, policy violations, logs): `INFO:CONSOLE` lines.
    console: Vec<String>,
}

/// Runs headless Chromium on `url` with `mode` (`--dump-dom`, `--screenshot=…`), offline
/// (no background networking, a fresh profile).
fn run_chromium(url: &str, mode: &[String]) -> (String, String) {
    let profile = tempfile::tempdir().unwrap();
    let output = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(mode)
        .arg(url)
        .output()
        .expect("chromium starts");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn load(page: &Path, fragment: &str) -> Loaded {
    let url = format!("file://{}{fragment}", page.display());
    let (dom, stderr) = run_chromium(&url, &["--dump-dom".to_string()]);
    let console = stderr
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_string)
        .collect();
    Loaded { dom, console }
}

/// A repository whose history leaks two keys (one in two files), with a file named to
/// inject markup, and a commit message and author that try it too.
fn hostile_repository(dir: &Path) -> PathBuf {
    let k = FakeKeys::new(99);
    let root = dir.join("repo");
    std::fs::create_dir(&root).unwrap();
    let git = |args: &[&str]| {
        let status = hermetic_git(&root)
            .args(["-c", "init.defaultBranch=main"])
            .args(args)
            .env("GIT_AUTHOR_NAME", "Mallory \"><svg onload=alert(2)>")
            .status()
            .unwrap();
        assert!(status.success(), "git {args:?}");
    };
    git(&["init", "-q"]);
    write(
        &root,
        "<img src=x onerror=alert(1)>.env",
        format!("OPENAI_API_KEY={}\n", k.openai_project),
    );
    write(
        &root,
        "app/settings.py",
        format!(
            "KEY = \"{}\"  # <script>alert(3)</script>\n",
            k.openai_project
        ),
    );
    write(
        &root,
        "deploy.sh",
        format!("export GROQ_API_KEY={}\n", k.groq),
    );
    git(&["add", "-A"]);
    git(&["commit", "-q", "-m", "<script>alert(4)</script> add config"]);
    root
}

fn report(repo: &Path, format: &str, output: &Path) {
    let status = leakward()
        .args(["git", "--no-config", "-f", format, "-o"])
        .arg(output)
        .arg(repo)
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

fn rows(dom: &str) -> usize {
    dom.matches("<tr class=\"incident\"").count()
}

#[test]
fn the_page_renders_one_row_per_incident_with_no_console_message() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hostile_repository(dir.path());
    let html = dir.path().join("report.html");
    let json = dir.path().join("report.json");
    report(&repo, "html", &html);
    report(&repo, "json", &json);
    let findings: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let mut fingerprints: Vec<&str> = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    assert_eq!(fingerprints.len(), 3);
    fingerprints.sort_unstable();
    fingerprints.dedup();

    let loaded = load(&html, "");
    assert!(loaded.console.is_empty(), "console: {:#?}", loaded.console);
    assert!(loaded.dom.contains("data-ready=\"true\""), "the script ran");
    assert_eq!(
        rows(&loaded.dom),
        fingerprints.len(),
        "one row per incident"
    );
    for fingerprint in &fingerprints {
        assert!(
            loaded
                .dom
                .contains(&format!("data-fingerprint=\"{fingerprint}\"")),
            "{fingerprint}"
        );
    }
    assert!(loaded.dom.contains("2 of 2 incidents shown"));

    // Nothing from the scanned history became markup: no element, no handler.
    for injected in ["<img", "<svg", "<script>alert", "onerror=\"", "onload=\""] {
        assert!(!loaded.dom.contains(injected), "{injected} got through");
    }
    assert!(loaded
        .dom
        .contains("&lt;img src=x onerror=alert(1)&gt;.env"));
    assert_eq!(
        loaded.dom.matches("<script>").count(),
        1,
        "the page's own script only"
    );

    // Secrets redacted; the page loads nothing from anywhere.
    let k = FakeKeys::new(99);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(!page.contains(&k.openai_project) && !page.contains(&k.groq));
    for external in ["src=\"http", "href=\"//", "@import", "url(", "<link"] {
        assert!(!page.contains(external), "{external}");
    }
    assert!(page.contains("Content-Security-Policy"));
}

#[test]
fn filters_and_search_hide_rows() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hostile_repository(dir.path());
    let json = dir.path().join("report.json");
    report(&repo, "json", &json);
    let findings: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let groq = findings["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == "groq-api-key")
        .unwrap()["fingerprint"]
        .as_str()
        .unwrap()
        .to_string();
    let html = dir.path().join("report.html");
    report(&repo, "html", &html);
    let searched = load(&html, &format!("#q={groq}"));
    assert!(searched.console.is_empty(), "{:#?}", searched.console);
    assert!(
        searched.dom.contains("1 of 2 incidents shown"),
        "search by fingerprint"
    );
    let by_path = load(&html, "#q=settings.py");
    assert!(by_path.dom.contains("1 of 2 incidents shown"));
    let high = load(&html, "#severity=high");
    assert!(high.dom.contains("2 of 2 incidents shown"));
    let none = load(&html, "#q=nothing-matches-this&severity=high");
    assert!(none.dom.contains("0 of 2 incidents shown"));
    assert!(
        none.dom.contains("<p id=\"empty\" class=\"muted\">"),
        "the empty note shows"
    );
}

#[test]
fn a_merged_report_has_a_repository_filter_and_live_status_when_verified() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hostile_repository(dir.path());
    let one = dir.path().join("one.json");
    report(&repo, "json", &one);
    // Another repository's report with the same findings, one checked live: as the
    // verification of another version of leakward writes it.
    let mut other: Value = serde_json::from_slice(&std::fs::read(&one).unwrap()).unwrap();
    other["repository"] = Value::from("acme/<b>other</b>");
    other["findings"][0]["verification"] = serde_json::json!({
        "status": "live", "detail": "the key answers <i>200</i>", "checked_at": "2026-12-01T00:00:00Z"
    });
    let two = dir.path().join("two.json");
    std::fs::write(&two, serde_json::to_vec_pretty(&other).unwrap()).unwrap();
    let html = dir.path().join("merged.html");
    let merged = leakward()
        .args(["report", "merge", "-f", "html", "-o"])
        .arg(&html)
        .arg(&one)
        .arg(&two)
        .output()
        .unwrap();
    assert_eq!(
        merged.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    let loaded = load(&html, "");
    assert!(loaded.console.is_empty(), "{:#?}", loaded.console);
    assert_eq!(
        rows(&loaded.dom),
        2,
        "the same keys in two repositories: 2 incidents"
    );
    assert!(
        loaded.dom.contains("id=\"repository\""),
        "a repository filter"
    );
    assert!(loaded.dom.contains("Live status"));
    assert!(loaded.dom.contains("badge st-live"));
    assert!(!loaded.dom.contains("<b>other") && !loaded.dom.contains("<i>200"));
    let filtered = load(&html, "#repository=one&status=live");
    assert!(
        filtered.dom.contains("1 of 2 incidents shown"),
        "{}",
        filtered.dom.len()
    );
}

#[test]
fn a_screenshot_shows_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let repo = hostile_repository(dir.path());
    let html = dir.path().join("report.html");
    report(&repo, "html", &html);
    let png = dir.path().join("report.png");
    let (_, stderr) = run_chromium(
        &format!("file://{}", html.display()),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,900".to_string(),
        ],
    );
    let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("no screenshot ({e}): {stderr}"));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
    let width = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
    assert_eq!((width, height), (1280, 900));
    // A blank page compresses to a few kilobytes; text, badges and a table do not.
    assert!(bytes.len() > 30_000, "{} bytes: a blank page?", bytes.len());
    if let Some(keep) = std::env::var_os("LEAKWARD_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

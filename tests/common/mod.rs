//! Shared test support: the binary under test, deterministic fake secrets, fixture trees.
//!
//! Fake secrets are built at test time from a seeded generator: random characters of the
//! right shape, never real keys, and never literals in the repository.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The `leakward` binary built by cargo for this test run, with no colour and no config.
pub fn leakward() -> assert_cmd::Command {
    let mut command =
        assert_cmd::Command::cargo_bin("leakward").expect("the leakward binary is built");
    command.env("NO_COLOR", "1");
    command
}

/// A small deterministic generator (xorshift64*), so snapshots are stable.
pub struct Rng(u64);

pub const UPPER: &str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
pub const LOWER: &str = "abcdefghijklmnopqrstuvwxyz";
pub const DIGITS: &str = "0123456789";
pub const HEX: &str = "0123456789abcdef";

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// `len` characters drawn from `alphabet`, re-drawn until it looks like no placeholder.
    pub fn string(&mut self, alphabet: &str, len: usize) -> String {
        let chars: Vec<char> = alphabet.chars().collect();
        loop {
            let s: String = (0..len)
                .map(|_| chars[(self.next_u64() % chars.len() as u64) as usize])
                .collect();
            if !looks_like_placeholder(&s) {
                return s;
            }
        }
    }

    pub fn alnum(&mut self, len: usize) -> String {
        self.string(&format!("{UPPER}{LOWER}{DIGITS}"), len)
    }

    pub fn url_safe(&mut self, len: usize) -> String {
        self.string(&format!("{UPPER}{LOWER}{DIGITS}-_"), len)
    }

    pub fn hex(&mut self, len: usize) -> String {
        self.string(HEX, len)
    }
}

fn looks_like_placeholder(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    [
        "xxxx", "your", "fake", "example", "sample", "dummy", "insert", "replace", "test",
    ]
    .iter()
    .any(|w| lower.contains(w))
        || s.as_bytes()
            .windows(8)
            .any(|w| w.windows(2).all(|p| p[1] == p[0] + 1))
}

/// Fake keys of well-known shapes, all from one seed.
pub struct FakeKeys {
    pub openai_project: String,
    pub anthropic: String,
    pub groq: String,
    pub huggingface: String,
    pub gemini: String,
    pub github_classic: String,
    pub aws_access_key_id: String,
    pub aws_secret: String,
    pub xai: String,
    pub perplexity: String,
    pub openrouter: String,
    pub replicate: String,
    pub mistral: String,
    pub deepseek: String,
    pub stripe_live: String,
    pub slack_bot: String,
}

impl FakeKeys {
    pub fn new(seed: u64) -> FakeKeys {
        let mut r = Rng::new(seed);
        FakeKeys {
            openai_project: format!("sk-proj-{}T3BlbkFJ{}", r.url_safe(74), r.url_safe(74)),
            anthropic: format!("sk-ant-api03-{}AA", r.url_safe(93)),
            groq: format!("gsk_{}WGdyb3FY{}", r.alnum(20), r.alnum(24)),
            huggingface: format!("hf_{}", r.string(&format!("{UPPER}{LOWER}"), 34)),
            gemini: format!("AIzaSy{}", r.url_safe(33)),
            github_classic: format!("ghp_{}", r.alnum(36)),
            aws_access_key_id: format!("AKIA{}", r.string(&format!("{UPPER}234567"), 16)),
            aws_secret: r.string(&format!("{UPPER}{LOWER}{DIGITS}+/"), 40),
            xai: format!("xai-{}", r.alnum(80)),
            perplexity: format!("pplx-{}", r.alnum(48)),
            openrouter: format!("sk-or-v1-{}", r.hex(64)),
            replicate: format!("r8_{}", r.alnum(37)),
            mistral: r.alnum(32),
            deepseek: format!("sk-{}", r.hex(32)),
            stripe_live: format!("sk_live_{}", r.alnum(99)),
            slack_bot: format!(
                "xoxb-{}-{}-{}",
                r.string(DIGITS, 12),
                r.string(DIGITS, 13),
                r.alnum(24)
            ),
        }
    }
}

/// Writes `contents` to `root/relative`, creating directories.
pub fn write(root: &Path, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
    let path = root.join(relative);
    std::fs::create_dir_all(path.parent().expect("a file has a parent"))
        .expect("create fixture dirs");
    std::fs::write(&path, contents).expect("write fixture file");
    path
}

/// 1-based line and column (in characters) of the first occurrence of `needle` in `haystack`.
pub fn position_of(haystack: &str, needle: &str) -> (u64, u64) {
    let offset = haystack
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in fixture"));
    let before = &haystack[..offset];
    let line = before.matches('\n').count() as u64 + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() as u64 + 1)
}

/// Runs `leakward scan` with JSON output and returns the parsed document and exit code.
pub fn scan_json(dir: &Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let output = leakward()
        .current_dir(dir)
        .arg("scan")
        .args(extra)
        .args(["--format", "json"])
        .output()
        .expect("run leakward");
    let code = output.status.code().expect("exit code");
    let document = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (document, code)
}

/// The findings of a JSON report as sorted `(path, line, column, rule_id)` tuples.
pub fn finding_tuples(document: &serde_json::Value) -> Vec<(String, u64, u64, String)> {
    let mut tuples: Vec<_> = document["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                f["rule_id"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    tuples.sort();
    tuples
}

/// git in `dir` with no user or system configuration, a fixed identity and fixed dates
/// (so commit ids are the same on every run), and nothing inherited from a hook.
pub fn hermetic_git(dir: &Path) -> std::process::Command {
    let mut command = std::process::Command::new("git");
    command
        .current_dir(dir)
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Ada Demo")
        .env("GIT_AUTHOR_EMAIL", "ada@example.invalid")
        .env("GIT_COMMITTER_NAME", "Ada Demo")
        .env("GIT_COMMITTER_EMAIL", "ada@example.invalid")
        .env("GIT_AUTHOR_DATE", "2026-01-02T03:04:05Z")
        .env("GIT_COMMITTER_DATE", "2026-01-02T03:04:05Z")
        .env("GIT_TERMINAL_PROMPT", "0");
    for variable in [
        "GIT_DIR",
        "GIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_OBJECT_DIRECTORY",
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    ] {
        command.env_remove(variable);
    }
    command
}

//! Bad input gets a clear message and never a panic, a silent skip or a partial result.

mod common;

use common::{finding_tuples, leakward, scan_json, write, FakeKeys};
use predicates::str::contains;

#[test]
fn binary_files_are_scanned_but_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(21);
    let mut bytes = b"SQLite format 3\0\x01\x02\x1b[31m\0".to_vec();
    bytes.extend_from_slice(
        format!(
            "\0\0ANTHROPIC_API_KEY={}\0\x07\x1b]0;pwned\x07",
            k.anthropic
        )
        .as_bytes(),
    );
    bytes.extend_from_slice(&[0xff, 0xfe, 0x00, 0x9b]);
    write(dir.path(), "app.db", &bytes);
    for format in ["text", "json", "sarif"] {
        let output = leakward()
            .current_dir(dir.path())
            .args(["scan", "--no-config", "--format", format])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(1), "{format}");
        let stdout = String::from_utf8(output.stdout).expect("reports are UTF-8");
        assert!(stdout.contains("anthropic-api-key"), "{format}: {stdout}");
        assert!(
            !stdout.contains('\x1b') && !stdout.contains('\0') && !stdout.contains('\x07'),
            "{format}: {stdout:?}"
        );
        assert!(!stdout.contains(&k.anthropic));
    }
    let (document, _) = scan_json(dir.path(), &["--no-config"]);
    assert_eq!(document["stats"]["binary_files"], 1);
    assert!(document["findings"][0]["snippet"].is_null());
}

#[test]
fn escape_sequences_in_text_files_are_neutralised() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(22);
    write(
        dir.path(),
        "evil.env",
        format!(
            "\x1b[2J\x1b]8;;http://x\x07GROQ_API_KEY={}\u{202e} # \x1b[0m\n",
            k.groq
        ),
    );
    let output = leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(stdout.contains("groq-api-key"));
    assert!(
        !stdout.contains('\x1b') && !stdout.contains('\x07') && !stdout.contains('\u{202e}'),
        "{stdout:?}"
    );
    assert!(
        stdout.contains("\\x1b"),
        "escapes are shown, not executed: {stdout}"
    );
}

#[test]
fn invalid_utf8_around_a_key_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(23);
    let mut bytes = vec![0xC3, 0x28, b'\n', 0xFF, 0xFE, 0xFD, b' '];
    bytes.extend_from_slice(format!("HF_TOKEN={}", k.huggingface).as_bytes());
    bytes.extend_from_slice(&[0xE2, 0x82, b'\n']);
    write(dir.path(), "latin1.txt", &bytes);
    let (document, code) = scan_json(dir.path(), &["--no-config"]);
    assert_eq!(code, 1);
    // Line 2; columns count characters, and each invalid byte counts as one.
    assert_eq!(
        finding_tuples(&document),
        [(
            "latin1.txt".into(),
            2,
            14,
            "huggingface-user-access-token".into()
        )]
    );
}

#[test]
fn a_key_in_the_middle_of_a_200_kb_minified_line_is_found_with_a_short_snippet() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(24);
    let filler = "var a=b+c;function d(e){return e*2}".repeat(3000);
    write(
        dir.path(),
        "bundle.min.js",
        format!("{filler}const k=\"{}\";{filler}", k.gemini),
    );
    let (document, _) = scan_json(dir.path(), &["--no-config"]);
    let tuples = finding_tuples(&document);
    assert_eq!(
        tuples,
        [(
            "bundle.min.js".into(),
            1,
            filler.len() as u64 + 10,
            "google-gemini-api-key-aiza".into()
        )]
    );
    assert!(
        document["findings"][0]["snippet"]
            .as_str()
            .unwrap()
            .chars()
            .count()
            < 120
    );
}

#[test]
fn huge_files_are_scanned_in_chunks_without_losing_keys_at_the_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(25);
    let chunk = leakward::blob::CHUNK_SIZE;
    let line = "0123 the quick brown fox jumps over the lazy dog 4567\n";
    let mut contents = String::with_capacity(3 * chunk);
    let mut expected = Vec::new();
    // Keys just before, across and just after each chunk boundary, and at the very end.
    let keys = [
        &k.openai_project,
        &k.groq,
        &k.xai,
        &k.perplexity,
        &k.replicate,
        &k.github_classic,
    ];
    let mut next_key = 0;
    for boundary in [
        chunk - 40,
        chunk + 30,
        2 * chunk - 10,
        2 * chunk + 64 * 1024 - 20,
        2 * chunk + 64 * 1024 + 5,
    ] {
        while contents.len() < boundary {
            contents.push_str(line);
        }
        let key = keys[next_key];
        next_key += 1;
        contents.push_str(&format!("key = {key}\n"));
        expected.push(key.clone());
    }
    contents.push_str(&format!("last = {}", keys[next_key]));
    expected.push(keys[next_key].clone());
    write(dir.path(), "huge.log", &contents);
    let (document, _) = scan_json(dir.path(), &["--no-config", "--show-secrets"]);
    let found: Vec<(u64, String)> = document["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["secret"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let want: Vec<(u64, String)> = expected
        .iter()
        .map(|s| (common::position_of(&contents, s).0, s.clone()))
        .collect();
    assert_eq!(found, want);
    assert_eq!(
        document["stats"]["bytes_scanned"].as_u64().unwrap(),
        contents.len() as u64
    );
}

#[test]
fn max_file_size_skips_and_counts() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(26);
    write(
        dir.path(),
        "big.env",
        format!("GROQ_API_KEY={}\n{}", k.groq, "x".repeat(4096)),
    );
    write(
        dir.path(),
        "small.env",
        format!("HF_TOKEN={}\n", k.huggingface),
    );
    let (document, _) = scan_json(dir.path(), &["--no-config", "--max-file-size", "1K"]);
    assert_eq!(finding_tuples(&document).len(), 1);
    assert_eq!(document["stats"]["files_skipped"], 1);
    assert_eq!(document["stats"]["skipped"][0]["kind"], "too-large");
    assert_eq!(document["stats"]["skipped"][0]["path"], "big.env");
}

#[test]
fn broken_symlinks_warn_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(27);
    write(dir.path(), "real.env", format!("XAI_API_KEY={}\n", k.xai));
    std::os::unix::fs::symlink(
        dir.path().join("missing-target"),
        dir.path().join("dangling.env"),
    )
    .unwrap();
    leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config"])
        .assert()
        .code(1)
        .stdout(contains("xai-api-key"))
        .stderr(contains("warning: dangling.env: broken symbolic link"))
        .stderr(contains("1 skipped"));
}

#[test]
fn fifos_are_skipped_not_waited_on() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let (document, code) = scan_json(dir.path(), &["--no-config"]);
    assert_eq!(code, 0);
    assert_eq!(
        document["stats"]["skipped"][0]["kind"],
        "not-a-regular-file"
    );
}

#[test]
fn a_missing_path_is_an_error() {
    leakward()
        .args(["scan", "--no-config", "/definitely/not/here"])
        .assert()
        .code(2)
        .stderr(contains("/definitely/not/here: no such file or directory"));
}

#[test]
fn utf16_files_with_a_bom_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(28);
    let mut bytes = vec![0xFF, 0xFE];
    for unit in format!(
        "REM settings\r\nset PERPLEXITY_API_KEY={}\r\n",
        k.perplexity
    )
    .encode_utf16()
    {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    write(dir.path(), "settings.bat", &bytes);
    let (document, _) = scan_json(dir.path(), &["--no-config"]);
    assert_eq!(
        finding_tuples(&document),
        [("settings.bat".into(), 2, 24, "perplexity-api-key".into())]
    );
}

#[test]
fn invalid_config_is_an_error_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".leakward.toml",
        "[allowlist]\npaths = [\"ok/**\"]\nunknown = 1\n",
    );
    leakward()
        .current_dir(dir.path())
        .args(["scan"])
        .assert()
        .code(2)
        .stderr(contains(".leakward.toml: line 3"))
        .stderr(contains("unknown"));
}

#[test]
fn invalid_custom_rules_are_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let rules = write(
        dir.path(),
        "bad.toml",
        "[[rule]]\nid = \"bad\"\nname = \"Bad\"\nprovider = \"X\"\nkeywords = [\"bad\"]\npattern = '''(unclosed'''\nseverity = \"high\"\nrevoke = \"https://example.invalid/\"\n",
    );
    leakward()
        .args(["scan", "--no-config", "--rules"])
        .arg(&rules)
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(contains("rule `bad`: invalid pattern"));
}

#[test]
fn file_names_cannot_inject_escape_sequences() {
    let dir = tempfile::tempdir().unwrap();
    let k = FakeKeys::new(30);
    write(
        dir.path(),
        "evil\x1b]0;title\x07\x1b[31m.env",
        format!("GROQ_API_KEY={}\n", k.groq),
    );
    std::os::unix::fs::symlink(dir.path().join("gone"), dir.path().join("link\x1b[2J")).unwrap();
    let output = leakward()
        .current_dir(dir.path())
        .args(["scan", "--no-config"])
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(stdout.contains("groq-api-key"));
    assert!(
        !stdout.contains('\x1b') && !stdout.contains('\x07'),
        "{stdout:?}"
    );
    assert!(
        stderr.contains("broken symbolic link") && !stderr.contains('\x1b'),
        "{stderr:?}"
    );
}

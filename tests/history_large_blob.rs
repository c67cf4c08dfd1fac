//! `leakward git` on a blob larger than the streaming threshold: the same findings (path,
//! line, column, rule) and statistics as `leakward scan` of the checked-out file, for the
//! blob loose and packed, on one thread and two, and a peak memory well under the blob's
//! size (it is read as a stream, in chunks, not whole). The last run reads a pack index
//! whose offsets are in its table of 64-bit ones; then the pack is damaged in the middle
//! of the blob, which must be an error naming it.
//!
//! Keys are planted at the start, across the first two chunk cuts of the chunked scan, and
//! at the very end. The peak is the process's `VmHWM`, polled while it runs.

#![cfg(target_os = "linux")]

mod common;

use common::{hermetic_git, leakward, position_of, FakeKeys, Rng};
use leakward::blob::CHUNK_SIZE;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

/// The blob's size: well above the threshold (two chunks), and large enough that reading
/// it whole would show in the peak.
const BLOB_BYTES: usize = 48 << 20;
/// The peak memory a streamed scan must stay under: the blob's size, which a read of the
/// whole blob cannot stay under (measured, debug binary: about 30 MB streamed).
const PEAK_LIMIT_BYTES: u64 = BLOB_BYTES as u64;

/// Runs git in `dir`, asserting success.
fn git(dir: &Path, args: &[&str]) {
    let status = hermetic_git(dir)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// The large file: lines of words with four keys planted, and each key with the text it
/// must be found at (its line and column are computed from the text, not by leakward).
fn large_file(keys: &FakeKeys) -> (Vec<u8>, Vec<(&'static str, String)>) {
    let mut rng = Rng::new(41);
    let words: Vec<String> = (0..500)
        .map(|i| rng.string("abcdefghijklmnopqrstuvwxyz", 2 + i % 8))
        .collect();
    // A block of lines, repeated; 70 KB, longer than zlib's window, so it does not shrink
    // to nothing in the object store.
    let mut block = String::new();
    let mut at = 0usize;
    while block.len() < 70_000 {
        let count = 4 + (rng.next_u64() % 12) as usize;
        let line: Vec<&str> = (0..count)
            .map(|_| {
                at = (at + 1 + (rng.next_u64() % 97) as usize) % words.len();
                words[at].as_str()
            })
            .collect();
        block.push_str(&line.join(" "));
        block.push('\n');
    }
    let planted = vec![
        ("groq-api-key", format!("GROQ_API_KEY={}", keys.groq)),
        (
            "github-classic-pat",
            format!("  GITHUB_TOKEN={}", keys.github_classic),
        ),
        (
            "anthropic-api-key",
            format!("anthropic_api_key: \"{}\"", keys.anthropic),
        ),
        (
            "openai-project-key",
            format!("OPENAI_API_KEY={}", keys.openai_project),
        ),
    ];
    // Where each planted text starts: the start, across the first chunk cut, across the
    // second (the second chunk owns up to 2 chunks less the context kept), and the end.
    let key_middle = |text: &str| text.len() - 20;
    let second_cut = 2 * CHUNK_SIZE - 32 * 1024;
    let starts = [
        0,
        CHUNK_SIZE - key_middle(&planted[1].1),
        second_cut - key_middle(&planted[2].1),
        BLOB_BYTES - planted[3].1.len() - 1,
    ];
    let mut bytes = Vec::with_capacity(BLOB_BYTES);
    for ((_, text), start) in planted.iter().zip(starts) {
        while bytes.len() < start {
            let wanted = (start - bytes.len()).min(block.len());
            bytes.extend_from_slice(&block.as_bytes()[..wanted]);
        }
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(b'\n');
    }
    assert_eq!(bytes.len(), BLOB_BYTES);
    (bytes, planted)
}

/// Runs leakward with `args` and a JSON report; returns the report and the peak resident
/// memory of the process in bytes (its `VmHWM`, read every few milliseconds while it runs:
/// `ru_maxrss` would count the test process it was forked from).
fn run_measured(dir: &Path, args: &[&str]) -> (Value, u64) {
    let report = dir.join("report.json");
    let mut child = Command::new(env!("CARGO_BIN_EXE_leakward"))
        .current_dir(dir)
        .args(args)
        .args(["--no-config", "--format", "json", "--show-secrets", "-o"])
        .arg(&report)
        .env("NO_COLOR", "1")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join("stderr.txt")).expect("stderr file"))
        .spawn()
        .expect("leakward runs");
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        // A zombie's status has no VmHWM line: the last one read before is kept.
        if let Some(kib) = std::fs::read_to_string(&status_file)
            .ok()
            .and_then(|status| vm_hwm_kib(&status))
        {
            peak_kib = peak_kib.max(kib);
        }
        if let Some(status) = child.try_wait().expect("wait for leakward") {
            break status;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    };
    let stderr = std::fs::read_to_string(dir.join("stderr.txt")).unwrap_or_default();
    assert_eq!(status.code(), Some(1), "findings exit with 1: {stderr}");
    assert!(peak_kib > 0, "the peak was read");
    let document = serde_json::from_slice(&std::fs::read(&report).expect("a report"))
        .expect("the report is JSON");
    (document, peak_kib * 1024)
}

/// The `VmHWM` (peak resident memory) of a `/proc/PID/status`, in KiB.
fn vm_hwm_kib(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse()
        .ok()
}

/// The findings as sorted (path, line, column, rule, secret) tuples.
fn findings(document: &Value) -> Vec<(String, u64, u64, String, String)> {
    let mut found: Vec<_> = document["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            (
                f["path"].as_str().expect("path").to_string(),
                f["line"].as_u64().expect("line"),
                f["column"].as_u64().expect("column"),
                f["rule_id"].as_str().expect("rule").to_string(),
                f["secret"].as_str().expect("secret").to_string(),
            )
        })
        .collect();
    found.sort();
    found
}

#[test]
fn a_large_blob_is_scanned_as_a_stream_with_the_findings_of_the_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).expect("repo dir");
    let keys = FakeKeys::new(2026);
    let (bytes, planted) = large_file(&keys);
    std::fs::write(repo.join("big.log"), &bytes).expect("write the large file");
    git(&repo, &["init", "-q", "-b", "main"]);
    git(&repo, &["add", "big.log"]);
    git(&repo, &["commit", "-q", "-m", "Add a large log"]);
    let rev_parse = |what: &str| {
        let output = hermetic_git(&repo)
            .args(["rev-parse", what])
            .output()
            .expect("git rev-parse");
        String::from_utf8(output.stdout)
            .expect("UTF-8")
            .trim()
            .to_string()
    };
    let commit = rev_parse("HEAD");
    let blob = rev_parse("HEAD:big.log");
    let loose_blob = repo.join(".git/objects").join(&blob[..2]).join(&blob[2..]);
    assert!(loose_blob.is_file(), "the blob is loose");

    // What is expected: every planted key, at its place in the text.
    let text = std::str::from_utf8(&bytes).expect("ASCII");
    let mut expected: Vec<_> = planted
        .iter()
        .zip([
            &keys.groq,
            &keys.github_classic,
            &keys.anthropic,
            &keys.openai_project,
        ])
        .map(|((rule, _), key)| {
            let (line, column) = position_of(text, key);
            (
                "big.log".to_string(),
                line,
                column,
                rule.to_string(),
                key.to_string(),
            )
        })
        .collect();
    expected.sort();

    let (scanned, scan_peak) = run_measured(&repo, &["scan", "big.log"]);
    assert_eq!(findings(&scanned), expected, "leakward scan");
    let scan_stats = &scanned["stats"];
    assert_eq!(scan_stats["bytes_scanned"], BLOB_BYTES as u64);
    std::fs::remove_file(repo.join("big.log")).expect("remove the checkout");

    let repo_arg = repo.to_str().expect("UTF-8 path");
    let mut peaks = vec![("scan".to_string(), scan_peak)];
    for (storage, threads) in [("loose", "2"), ("packed", "2"), ("packed", "1")] {
        if storage == "packed" && threads == "2" {
            git(&repo, &["gc", "-q"]);
            assert!(!loose_blob.exists(), "gc packed the blob");
        }
        if storage == "packed" && threads == "1" {
            // The pack indexed again with every offset but the first object's (12) in the
            // index's table of 64-bit ones.
            let pack_dir = repo.join(".git/objects/pack");
            let index = std::fs::read_dir(&pack_dir)
                .expect("pack dir")
                .map(|entry| entry.expect("entry").path())
                .find(|path| path.extension().is_some_and(|e| e == "idx"))
                .expect("an index");
            std::fs::remove_file(&index).expect("remove the index");
            let mut index_pack = hermetic_git(&repo);
            index_pack
                .args(["index-pack", "--index-version=2,12", "-o"])
                .arg(&index)
                .arg(index.with_extension("pack"));
            assert!(index_pack.status().expect("git index-pack").success());
        }
        let (history, peak) = run_measured(dir.path(), &["git", "--threads", threads, repo_arg]);
        let what = format!("{storage} blob, {threads} thread(s)");
        assert_eq!(findings(&history), expected, "{what}");
        for finding in history["findings"].as_array().expect("findings") {
            assert_eq!(finding["commit"], commit, "{what}");
        }
        let stats = &history["stats"];
        assert_eq!(
            stats["bytes_scanned"], scan_stats["bytes_scanned"],
            "{what}"
        );
        assert_eq!(stats["binary_files"], scan_stats["binary_files"], "{what}");
        assert_eq!(stats["files_scanned"], 1, "{what}");
        peaks.push((what, peak));
    }
    eprintln!("peak RSS: {peaks:?}");
    for (what, peak) in &peaks {
        assert!(
            *peak < PEAK_LIMIT_BYTES,
            "{what}: peak {} MB for a {} MB blob",
            peak >> 20,
            BLOB_BYTES >> 20
        );
    }

    // Damage in the middle of the blob's compressed bytes: an error that names the blob,
    // as when libgit2 reads a damaged object, not a scan of the part before it.
    let pack = std::fs::read_dir(repo.join(".git/objects/pack"))
        .expect("pack dir")
        .map(|entry| entry.expect("entry").path())
        .find(|path| path.extension().is_some_and(|e| e == "pack"))
        .expect("a pack");
    let mut packed = std::fs::read(&pack).expect("read the pack");
    let middle = packed.len() / 2;
    packed[middle..middle + 64].fill(0x55);
    std::fs::remove_file(&pack).expect("remove the read-only pack");
    std::fs::write(&pack, packed).expect("write the damaged pack");
    let output = leakward()
        .args(["git", "--no-config", "--threads", "1", repo_arg])
        .output()
        .expect("leakward runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot read blob {blob} (big.log in commit ")),
        "{stderr}"
    );
}

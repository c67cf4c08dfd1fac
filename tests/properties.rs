//! Properties that must hold for every input, checked on random ones (proptest): redaction
//! never gives a secret away, a finding's line and column point at its secret, a
//! fingerprint depends on the rule and the secret only, and a key written encoded
//! (percent-encoding, base64, JSON escapes, HTML references) is found as the same secret.
//!
//! `cargo test` runs a few hundred cases of each; `cargo test -- --ignored` runs the same
//! properties on many more (the long run).

mod common;

use leakward::blob::scan_bytes;
use leakward::finding::{Fingerprint, Secret, HIDDEN_AT_LEAST};
use leakward::rules::RuleSet;
use leakward::scan::Scanner;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::sync::OnceLock;

fn rules() -> &'static RuleSet {
    static RULES: OnceLock<RuleSet> = OnceLock::new();
    RULES.get_or_init(|| RuleSet::builtin().expect("built-in rules load"))
}

/// Redaction shows a prefix of the secret, ends in `…`, and hides at least its last bytes.
fn check_redaction(bytes: Vec<u8>, prefix: usize) -> Result<(), TestCaseError> {
    let prefix = prefix.min(bytes.len());
    let secret = Secret::new(bytes.clone(), prefix);
    let redacted = secret.redacted();
    prop_assert!(redacted.ends_with('…'));
    let shown = redacted.trim_end_matches('…');
    let whole = leakward::printable::sanitize(&bytes);
    prop_assert!(shown.len() < whole.len() || bytes.is_empty() || whole.is_empty());
    if bytes.len() > HIDDEN_AT_LEAST && bytes.iter().all(|b| (0x20..0x7f).contains(b)) {
        // Plain ASCII: what is shown is the start of the secret, and the end is hidden.
        prop_assert!(whole.starts_with(shown), "{shown:?} of {whole:?}");
        prop_assert!(shown.len() <= bytes.len() - HIDDEN_AT_LEAST);
        prop_assert!(!redacted.contains(&whole));
    }
    let displayed = format!("{secret}");
    let debugged = format!("{secret:?}");
    prop_assert_eq!(displayed, redacted.clone());
    prop_assert!(!debugged.contains(&whole) || whole.len() <= HIDDEN_AT_LEAST);
    Ok(())
}

/// Lines of filler (ASCII, multibyte characters, tabs, CRLF) with a Groq key planted after
/// `line` lines and `column` characters; the finding must be exactly there.
fn check_position(
    filler: Vec<String>,
    line: usize,
    before: String,
    seed: u64,
) -> Result<(), TestCaseError> {
    let key = common::FakeKeys::new(seed).groq;
    let line = line.min(filler.len());
    let mut text = String::new();
    for filler_line in &filler[..line] {
        text.push_str(filler_line);
        text.push_str(if filler_line.len() % 2 == 0 {
            "\n"
        } else {
            "\r\n"
        });
    }
    text.push_str(&before);
    text.push_str(" GROQ_API_KEY=");
    let column = text[text.rfind('\n').map_or(0, |i| i + 1)..]
        .chars()
        .count()
        + 1;
    text.push_str(&key);
    text.push('\n');
    for filler_line in &filler[line..] {
        text.push_str(filler_line);
        text.push('\n');
    }
    let scanned = scan_bytes(
        text.as_bytes(),
        "planted.txt",
        &Scanner::new(rules()),
        &mut Vec::new(),
    );
    let found: Vec<_> = scanned
        .findings
        .iter()
        .filter(|f| f.rule.id == "groq-api-key")
        .collect();
    prop_assert_eq!(found.len(), 1);
    prop_assert_eq!(found[0].line, line as u64 + 1);
    prop_assert_eq!(found[0].column, column as u64);
    prop_assert_eq!(found[0].end_column, (column + key.chars().count()) as u64);
    prop_assert_eq!(found[0].secret.expose(), key.as_bytes());
    Ok(())
}

/// The same key in two files at different places has one fingerprint; another key or
/// another rule has another.
fn check_fingerprint(before_a: String, before_b: String, seed: u64) -> Result<(), TestCaseError> {
    let keys = common::FakeKeys::new(seed);
    let other = common::FakeKeys::new(seed ^ 0xFFFF).groq;
    let scanner = Scanner::new(rules());
    let fingerprint = |text: String, path: &str| {
        scan_bytes(text.as_bytes(), path, &scanner, &mut Vec::new())
            .findings
            .into_iter()
            .find(|f| f.rule.id == "groq-api-key")
            .map(|f| f.fingerprint)
    };
    let a = fingerprint(format!("{before_a}\nGROQ_API_KEY={}\n", keys.groq), "a.env");
    let b = fingerprint(
        format!("x = 1\n{before_b}  groq_key: \"{}\"\n", keys.groq),
        "dir/b.yaml",
    );
    let c = fingerprint(format!("GROQ_API_KEY={other}\n"), "a.env");
    prop_assert!(a.is_some());
    prop_assert_eq!(&a, &b);
    prop_assert_ne!(&a, &c);
    prop_assert_eq!(
        a,
        Some(Fingerprint::of("groq-api-key", keys.groq.as_bytes()))
    );
    prop_assert_ne!(
        Fingerprint::of("groq-api-key", keys.groq.as_bytes()),
        Fingerprint::of("generic-secret-assignment", keys.groq.as_bytes())
    );
    Ok(())
}

/// How a key is written in [`check_decoding`].
#[derive(Debug, Clone, Copy)]
enum Written {
    /// Percent-encoded characters in a URL's query.
    Percent,
    /// `NAME=<key>`, base64, as a value of a Kubernetes Secret's `data:`.
    Base64,
    /// `\u00XX` escapes in a JSON string.
    JsonEscape,
    /// `&#NN;` and `&#xHH;` references in an HTML attribute.
    Html,
}

/// Standard base64 with padding (the test does not trust the code under test to encode).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
        }
        out.push_str(&"=".repeat(3 - chunk.len()));
    }
    out
}

/// `key` with the characters that `chosen` picks (bit `i % 64` for character `i`; the `_`
/// of `ghp_` always, so the key is never there as written) each replaced by `escape`.
fn escape_some(key: &str, chosen: u64, escape: impl Fn(u8, bool) -> String) -> String {
    key.bytes()
        .enumerate()
        .map(|(i, b)| {
            if b == b'_' || chosen >> (i % 64) & 1 == 1 {
                escape(b, chosen >> ((i + 7) % 64) & 1 == 1)
            } else {
                char::from(b).to_string()
            }
        })
        .collect()
}

/// A GitHub classic token written `how` (a random part of it encoded, in a random name
/// for base64) is found as the same secret with the same fingerprint as the token written
/// plainly, and the finding says it was decoded, in that one step.
fn check_decoding(
    how: Written,
    seed: u64,
    chosen: u64,
    name_len: usize,
) -> Result<(), TestCaseError> {
    let key = common::FakeKeys::new(seed).github_classic;
    let scanner = Scanner::new(rules());
    let plain = scan_bytes(
        format!("GITHUB_TOKEN={key}\n").as_bytes(),
        "plain.env",
        &scanner,
        &mut Vec::new(),
    );
    prop_assert_eq!(plain.findings.len(), 1, "{:?}", plain.findings);
    let expected = &plain.findings[0];
    prop_assert_eq!(&expected.rule.id, "github-classic-pat");
    let text = match how {
        Written::Percent => format!(
            "GET /oauth/callback?next=%2Fhome&access_token={}&v=2 HTTP/1.1\n",
            escape_some(&key, chosen, |b, upper| if upper {
                format!("%{b:02X}")
            } else {
                format!("%{b:02x}")
            })
        ),
        Written::Base64 => {
            let name: String = "GH_DEPLOY_CREDENTIAL"
                .chars()
                .take(name_len.max(1))
                .collect();
            format!(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: ci\ntype: Opaque\ndata:\n  \
                 LOG_LEVEL: aW5mbw==\n  GITHUB: {}\n",
                base64(format!("{name}={key}").as_bytes())
            )
        }
        Written::JsonEscape => format!(
            "{{\"ci\": {{\"token\": \"{}\"}}}}\n",
            escape_some(&key, chosen, |b, upper| if upper {
                format!("\\u{:04X}", b)
            } else {
                format!("\\u{:04x}", b)
            })
        ),
        Written::Html => format!(
            "<form><input type=\"hidden\" name=\"token\" value=\"{}\"></form>\n",
            escape_some(&key, chosen, |b, hex| if hex {
                format!("&#x{b:x};")
            } else {
                format!("&#{b};")
            })
        ),
    };
    let scanned = scan_bytes(text.as_bytes(), "encoded.txt", &scanner, &mut Vec::new());
    let same: Vec<_> = scanned
        .findings
        .iter()
        .filter(|f| f.fingerprint == expected.fingerprint)
        .collect();
    prop_assert_eq!(
        same.len(),
        1,
        "{:?} in {}: {:?}",
        how,
        text,
        scanned.findings
    );
    prop_assert_eq!(&same[0].rule.id, "github-classic-pat");
    prop_assert_eq!(same[0].secret.expose(), key.as_bytes());
    let step = match how {
        Written::Percent => "percent",
        Written::Base64 => "base64",
        Written::JsonEscape => "escape",
        Written::Html => "html",
    };
    prop_assert_eq!(&same[0].decoded, &vec![step], "{:?}", same[0]);
    Ok(())
}

/// Filler that holds no key: words, multibyte characters, punctuation, tabs.
fn filler_line() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[a-z é漢😀.,:;=\t-]{0,60}").unwrap()
}

fn run_all(cases: u32) {
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new(config.clone())
        .run(
            &(proptest::collection::vec(any::<u8>(), 0..120), 0usize..140),
            |(bytes, prefix)| check_redaction(bytes, prefix),
        )
        .unwrap();
    TestRunner::new(config.clone())
        .run(
            &(
                proptest::collection::vec(filler_line(), 0..12),
                0usize..12,
                filler_line(),
                any::<u64>(),
            ),
            |(filler, line, before, seed)| check_position(filler, line, before, seed),
        )
        .unwrap();
    TestRunner::new(config.clone())
        .run(
            &(filler_line(), filler_line(), any::<u64>()),
            |(a, b, seed)| check_fingerprint(a, b, seed),
        )
        .unwrap();
    let written = prop_oneof![
        Just(Written::Percent),
        Just(Written::Base64),
        Just(Written::JsonEscape),
        Just(Written::Html),
    ];
    TestRunner::new(config)
        .run(
            &(written, any::<u64>(), any::<u64>(), 1usize..21),
            |(how, seed, chosen, name_len)| check_decoding(how, seed, chosen, name_len),
        )
        .unwrap();
}

#[test]
fn properties_hold_on_random_inputs() {
    run_all(200);
}

#[test]
#[ignore = "the long run: cargo test -- --ignored"]
fn properties_hold_on_many_random_inputs() {
    run_all(20_000);
}

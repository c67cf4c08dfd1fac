//! Findings: a secret placed in a file, with its fingerprint, redaction and remediation.

use crate::rules::{Category, Confidence, Rule, Severity};
use sha2::{Digest, Sha256};
use std::fmt;

/// Version of the fingerprint scheme; bump only with a migration for baselines.
const FINGERPRINT_VERSION: &str = "leakward-fingerprint-v1";

/// A secret's bytes. `Display` and `Debug` are redacted; only [`Secret::expose`] gives it out.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Secret {
    bytes: Vec<u8>,
    /// Bytes at the start that are the provider's prefix (shown when redacted).
    prefix_len: usize,
}

impl Secret {
    /// A secret whose first `prefix_len` bytes are the provider's prefix.
    pub fn new(bytes: Vec<u8>, prefix_len: usize) -> Secret {
        let prefix_len = prefix_len.min(bytes.len());
        Secret { bytes, prefix_len }
    }

    /// The full secret. Call only to print with `--show-secrets` or to fingerprint.
    pub fn expose(&self) -> &[u8] {
        &self.bytes
    }

    /// The redacted form: the provider prefix, a few characters more, and `…`.
    ///
    /// At most a quarter of a prefix-less secret is shown, and never more than 4 characters
    /// beyond the prefix, which is enough to tell keys apart and never enough to use one.
    ///
    /// ```
    /// use leakward::finding::Secret;
    /// let secret = Secret::new(b"sk-proj-Q8zT3lMw0PxV7rKb2SyC9nDh4JfA6gEu".to_vec(), 8);
    /// assert_eq!(secret.redacted(), "sk-proj-Q8zT…");
    /// ```
    pub fn redacted(&self) -> String {
        let body = self.bytes.len() - self.prefix_len;
        let visible = self.prefix_len + (body / 4).min(4);
        let shown: Vec<u8> = self.bytes[..visible]
            .iter()
            .copied()
            .take_while(|&b| b != b'\n' && b != b'\r')
            .collect();
        format!("{}…", crate::report::sanitize(&shown))
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.redacted())
    }
}

/// A stable identity for a leaked secret: a hash of the rule id and the secret only, so it
/// survives moved lines, edited files and renames. Never reversible to the secret.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Fingerprint(String);

impl Fingerprint {
    /// The fingerprint of `secret` found by rule `rule_id`.
    ///
    /// ```
    /// use leakward::finding::Fingerprint;
    /// let a = Fingerprint::of("openai-project-key", b"sk-proj-abc");
    /// assert_eq!(a, Fingerprint::of("openai-project-key", b"sk-proj-abc"));
    /// assert_ne!(a, Fingerprint::of("groq-api-key", b"sk-proj-abc"));
    /// assert_eq!(a.as_str().len(), 32);
    /// ```
    pub fn of(rule_id: &str, secret: &[u8]) -> Fingerprint {
        let mut hasher = Sha256::new();
        hasher.update(FINGERPRINT_VERSION.as_bytes());
        hasher.update([0]);
        hasher.update(rule_id.as_bytes());
        hasher.update([0]);
        hasher.update(secret);
        let digest = hasher.finalize();
        Fingerprint(digest[..16].iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The hex form.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a finding says about its rule, copied so reports need no rule set.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSummary {
    /// Stable rule id.
    pub id: String,
    /// Human name of the credential kind.
    pub name: String,
    /// Owner of the key.
    pub provider: String,
    /// What kind of service the key belongs to.
    pub category: Category,
    /// How bad a leak is.
    pub severity: Severity,
    /// How sure the shape is the provider's.
    pub confidence: Confidence,
    /// Where to revoke it.
    pub revoke: String,
}

impl From<&Rule> for RuleSummary {
    fn from(rule: &Rule) -> RuleSummary {
        RuleSummary {
            id: rule.id.clone(),
            name: rule.name.clone(),
            provider: rule.provider.clone(),
            category: rule.category,
            severity: rule.severity,
            confidence: rule.confidence,
            revoke: rule.revoke.clone(),
        }
    }
}

/// Where in git history a finding was introduced (history scans only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    /// Full id of the earliest commit that introduced the blob at this path.
    pub commit: String,
    /// Author name of that commit.
    pub author_name: String,
    /// Author e-mail of that commit.
    pub author_email: String,
    /// Author date, RFC 3339 in UTC (`2026-11-01T10:00:00Z`).
    pub date: String,
    /// First line of the commit message.
    pub summary: String,
    /// Other (commit, path) places that introduced the same blob.
    pub other_occurrences: u64,
}

/// One leaked secret at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule that found it.
    pub rule: RuleSummary,
    /// Where it is: a path as the user will recognise it (`/` separated), or `<stdin>`.
    pub path: String,
    /// 1-based line of the secret's first byte.
    pub line: u64,
    /// 1-based column of the secret's first character.
    pub column: u64,
    /// 1-based line of the secret's last byte.
    pub end_line: u64,
    /// 1-based column just past the secret's last character.
    pub end_column: u64,
    /// The secret (redacted unless exposed on request).
    pub secret: Secret,
    /// Stable identity of (rule, secret).
    pub fingerprint: Fingerprint,
    /// Shannon entropy of the secret.
    pub entropy: f64,
    /// The line around the secret with the secret redacted and control characters escaped;
    /// `None` for binary files.
    pub snippet: Option<String>,
    /// The commit that introduced it, for findings from git history.
    pub provenance: Option<Provenance>,
    /// Whether `path` is relative to the git repository's root (history and staged scans)
    /// rather than to the current directory.
    pub path_in_repository: bool,
    /// An allow comment on the finding's line (or the secret's last line), if any.
    pub inline_allow: Option<crate::filter::InlineAllow>,
}

impl Finding {
    /// The order every report uses: path, line, column, rule id, then the fingerprint and the
    /// introducing commit, so that two findings with the same key are the same finding.
    ///
    /// In a history, two different secrets can sit at the same path, line and column (a key
    /// rotated in place): both are leaks, and only the fingerprint tells them apart.
    pub fn sort_key(&self) -> (&str, u64, u64, &str, &str, &str) {
        (
            &self.path,
            self.line,
            self.column,
            &self.rule.id,
            self.fingerprint.as_str(),
            self.provenance.as_ref().map_or("", |p| p.commit.as_str()),
        )
    }
}

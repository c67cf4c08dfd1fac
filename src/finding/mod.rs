//! Findings: a secret placed in a file, with its fingerprint, redaction and remediation.

mod inline_allow;
mod secret;
mod verification;

pub use inline_allow::InlineAllow;
pub use secret::{Fingerprint, Secret, HIDDEN_AT_LEAST};
pub use verification::{Exposure, Verification, VerificationStatus};

use crate::rules::{Category, Confidence, Rule, Severity};
use std::sync::Arc;

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

/// Another part of a multi-part credential, named by the finding of its secret (an AWS access
/// key id next to the secret key that is the finding).
#[derive(Debug, Clone, PartialEq)]
pub struct FindingPart {
    /// What the part is (`access key id`).
    pub name: String,
    /// The rule whose match the part is, when it is one (its own finding was folded into
    /// this one); `None` for a part found by a pair's own pattern.
    pub rule: Option<String>,
    /// The part itself (redacted like every secret unless exposed on request).
    pub secret: Secret,
    /// 1-based line of the part's first byte.
    pub line: u64,
    /// 1-based column of the part's first character.
    pub column: u64,
}

/// One leaked secret at one place.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    /// The rule that found it (shared by every finding of that rule in a blob: a file of
    /// many findings would otherwise hold a copy of the rule's names and address for each).
    pub rule: Arc<RuleSummary>,
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
    /// The line around the secret, control characters escaped; `None` for binary files.
    pub snippet: Option<Snippet>,
    /// The commit that introduced it, for findings from git history.
    pub provenance: Option<Provenance>,
    /// Whether `path` is relative to the git repository's root (history and staged scans)
    /// rather than to the current directory.
    pub path_in_repository: bool,
    /// An allow comment on the finding's line (or the secret's last line), if any.
    pub inline_allow: Option<InlineAllow>,
    /// What the provider said about the key (`--verify` only).
    pub verification: Option<Verification>,
    /// How long the key has been in the repository (history findings only).
    pub exposure: Option<Exposure>,
    /// Other parts of the same credential found near the secret (empty for most findings).
    pub parts: Vec<FindingPart>,
    /// How the secret was decoded from what the file holds, outermost step first (`base64`,
    /// `percent`, `escape`, `html`, `split`, `notebook`); empty when it is written as it is.
    /// Line and column are those of the encoded text.
    pub decoded: Vec<&'static str>,
    /// The member of an archive (or compressed file, or PNG text chunk) the secret is in,
    /// nested members joined with `!` (`lib/inner.jar!config/app.properties`); `path` is the
    /// file's path, `!`, and this. Line and column are within the member.
    pub member: Option<String>,
}

/// The text around a secret on its line, printable, cut to a few characters each side. The
/// secret itself is not kept here: a report puts it in, redacted or (on request) in full.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// What precedes the secret (with `…` where the line was cut).
    pub before: String,
    /// What follows the secret (with `…` where the line was cut).
    pub after: String,
    /// For a decoded secret: the encoded text as written, redacted (no more of it than the
    /// redacted secret shows, then `…`), shown in the secret's place unless secrets are shown.
    pub encoded: Option<String>,
}

impl Snippet {
    /// The snippet with `secret` (as a report shows it) between its two sides.
    pub fn with(&self, secret: &str) -> String {
        format!("{}{secret}{}", self.before, self.after)
    }

    /// The snippet as a report shows it: the secret in full when `show_secrets`, else the
    /// redacted encoded text of a decoded secret, else `redacted`.
    pub fn shown(&self, full: &str, redacted: &str, show_secrets: bool) -> String {
        match (&self.encoded, show_secrets) {
            (_, true) => self.with(full),
            (Some(encoded), false) => self.with(encoded),
            (None, false) => self.with(redacted),
        }
    }
}

impl Finding {
    /// The path of the file itself: `path` without the member inside it, if any.
    ///
    /// ```
    /// # use leakward::finding::*;
    /// # fn demo(finding: &mut Finding) {
    /// finding.path = "dist/app.jar!config/app.properties".into();
    /// finding.member = Some("config/app.properties".into());
    /// assert_eq!(finding.file_path(), "dist/app.jar");
    /// # }
    /// ```
    pub fn file_path(&self) -> &str {
        self.member
            .as_deref()
            .and_then(|member| self.path.strip_suffix(member))
            .and_then(|file| file.strip_suffix('!'))
            .unwrap_or(&self.path)
    }

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

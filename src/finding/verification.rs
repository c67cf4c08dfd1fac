//! What `--verify` and the history say about a finding beyond its place: whether the key
//! still works ([`Verification`]) and how long it has been in the repository ([`Exposure`]).

use std::fmt;

/// The answer of a key's provider to leakward's read-only check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum VerificationStatus {
    /// The provider accepted the key: it works today.
    Live,
    /// The provider rejected the key: revoked, expired or never valid.
    Invalid,
    /// No check exists for this kind of key, or the answer decided nothing (a firewall's 403,
    /// a redirect, a missing second part).
    Unknown,
    /// The check could not be made: timeout, network failure, a 5xx, or a 429 after retries.
    Error,
}

impl VerificationStatus {
    /// Every status, in the order reports count them.
    pub const ALL: [VerificationStatus; 4] = [
        VerificationStatus::Live,
        VerificationStatus::Invalid,
        VerificationStatus::Unknown,
        VerificationStatus::Error,
    ];

    /// The lowercase name used in every report (`live`, `invalid`, `unknown`, `error`).
    pub fn as_str(self) -> &'static str {
        match self {
            VerificationStatus::Live => "live",
            VerificationStatus::Invalid => "invalid",
            VerificationStatus::Unknown => "unknown",
            VerificationStatus::Error => "error",
        }
    }

    /// The inverse of [`VerificationStatus::as_str`].
    pub fn parse(name: &str) -> Option<VerificationStatus> {
        VerificationStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
    }
}

impl fmt::Display for VerificationStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of verifying one finding's key. `detail` never holds the secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// What the provider said.
    pub status: VerificationStatus,
    /// Why, in a few words; for a live key, what it reaches (account, organisation, scopes).
    pub detail: String,
    /// When the provider answered, RFC 3339 in UTC.
    pub checked_at: String,
}

/// How long a key found in history has been in the repository.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// The author date of the commit that introduced it, RFC 3339 in UTC.
    pub since: String,
    /// Whole days from `since` to the time of the run.
    pub days: u64,
    /// The provider's usual rotation period in days: a key exposed longer is overdue.
    pub rotation_days: u64,
}

impl Exposure {
    /// Whether the key has been exposed longer than its provider's rotation period.
    pub fn overdue(&self) -> bool {
        self.days > self.rotation_days
    }
}

//! The secret itself and its stable identity: [`Secret`] (redacted whenever it is printed)
//! and [`Fingerprint`] (a hash of the rule id and the secret).

use sha2::{Digest, Sha256};
use std::fmt;

/// Version of the fingerprint scheme; bump only with a migration for baselines.
const FINGERPRINT_VERSION: &str = "leakward-fingerprint-v1";

/// Bytes at the end of a secret that its redacted form never shows, even when a rule's
/// keyword covers most of it.
pub const HIDDEN_AT_LEAST: usize = 4;

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
    /// However long the prefix, the last [`HIDDEN_AT_LEAST`] bytes are never shown.
    ///
    /// ```
    /// use leakward::finding::Secret;
    /// let secret = Secret::new(b"sk-proj-Q8zT3lMw0PxV7rKb2SyC9nDh4JfA6gEu".to_vec(), 8);
    /// assert_eq!(secret.redacted(), "sk-proj-Q8zT…");
    /// ```
    pub fn redacted(&self) -> String {
        let body = self.bytes.len() - self.prefix_len;
        let visible = (self.prefix_len + (body / 4).min(4))
            .min(self.bytes.len().saturating_sub(HIDDEN_AT_LEAST));
        let shown: Vec<u8> = self.bytes[..visible]
            .iter()
            .copied()
            .take_while(|&b| b != b'\n' && b != b'\r')
            .collect();
        format!("{}…", crate::printable::sanitize(&shown))
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
        // Hex by table: one `format!` per byte cost more than the hash itself, once per finding.
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(32);
        for &byte in &digest[..16] {
            hex.push(char::from(HEX[usize::from(byte >> 4)]));
            hex.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
        Fingerprint(hex)
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

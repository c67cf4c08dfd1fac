//! Baselines: the fingerprints of accepted findings, so only new ones are reported.
//!
//! A fingerprint depends on the rule and the secret only, so a baseline survives moved lines,
//! edited files and renames. The file holds redacted secrets, never the secrets themselves.

use crate::error::{Error, Result};
use crate::finding::Finding;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::Path;

/// Version of the baseline file format.
pub const BASELINE_VERSION: u32 = 1;

/// The baseline file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Format version.
    pub version: u32,
    /// The accepted findings, sorted by path, line and rule.
    pub findings: Vec<BaselineEntry>,
}

/// One accepted finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    /// The finding's fingerprint (rule id and secret); what is matched.
    pub fingerprint: String,
    /// The rule id, for people reading the file.
    pub rule_id: String,
    /// Where it was when the baseline was made, for people reading the file.
    pub path: String,
    /// The line it was on then.
    pub line: u64,
    /// The redacted secret, for people reading the file.
    pub secret: String,
}

impl Baseline {
    /// A baseline accepting `findings`.
    pub fn from_findings(findings: &[Finding]) -> Baseline {
        let mut entries: Vec<BaselineEntry> = findings
            .iter()
            .map(|f| BaselineEntry {
                fingerprint: f.fingerprint.as_str().to_string(),
                rule_id: f.rule.id.clone(),
                path: f.path.clone(),
                line: f.line,
                secret: f.secret.redacted(),
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.path, a.line, &a.rule_id, &a.fingerprint).cmp(&(
                &b.path,
                b.line,
                &b.rule_id,
                &b.fingerprint,
            ))
        });
        entries.dedup();
        Baseline {
            version: BASELINE_VERSION,
            findings: entries,
        }
    }

    /// Reads a baseline file.
    ///
    /// # Errors
    /// A missing or unreadable file, invalid JSON, or an unknown version, naming the file.
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path).map_err(|source| Error::Input {
            path: path.to_path_buf(),
            message: format!("cannot read the baseline file: {source}"),
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| Error::Input {
            path: path.to_path_buf(),
            message: format!("line {}: not a leakward baseline: {e}", e.line()),
        })?;
        if baseline.version != BASELINE_VERSION {
            return Err(Error::Input {
                path: path.to_path_buf(),
                message: format!(
                    "baseline version {} is not supported (expected {BASELINE_VERSION})",
                    baseline.version
                ),
            });
        }
        Ok(baseline)
    }

    /// The fingerprints it accepts.
    pub fn fingerprints(&self) -> BTreeSet<&str> {
        self.findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect()
    }
}

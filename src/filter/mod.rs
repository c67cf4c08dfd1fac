//! Filters: drop what the user has accepted, and count what each filter dropped, so that
//! suppression is never silent. A finding counts once, under the first filter that drops it:
//! inline allow comments, then the configuration's allowlist, then the baseline.

mod allowlist;
mod baseline;

pub use allowlist::{Allowlist, AllowlistEntries, AllowlistParts, PathAllowlist};
pub use baseline::{Baseline, BaselineEntry, BASELINE_VERSION};

use crate::finding::Finding;
use std::collections::BTreeSet;

/// How many findings each filter dropped.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SuppressedCounts {
    /// By an allow comment on the line.
    pub inline: u64,
    /// By the configuration's allowlist.
    pub allowlist: u64,
    /// By the baseline.
    pub baseline: u64,
}

impl SuppressedCounts {
    /// All suppressed findings.
    pub fn total(&self) -> u64 {
        self.inline + self.allowlist + self.baseline
    }
}

/// What filtering kept and dropped.
#[derive(Debug, Default)]
pub struct Filtered {
    /// The findings to report.
    pub kept: Vec<Finding>,
    /// How many each filter dropped.
    pub suppressed: SuppressedCounts,
    /// Baseline entries that matched no finding of this run (fixed, or out of scope): prune them.
    pub baseline_unmatched: Vec<BaselineEntry>,
}

/// Applies inline allows, the allowlist and the baseline to `findings`.
pub fn apply(
    findings: Vec<Finding>,
    allowlist: &Allowlist,
    baseline: Option<&Baseline>,
) -> Filtered {
    let accepted = baseline.map(Baseline::fingerprints).unwrap_or_default();
    let baseline_unmatched = baseline
        .map(|b| {
            let seen: BTreeSet<&str> = findings.iter().map(|f| f.fingerprint.as_str()).collect();
            b.findings
                .iter()
                .filter(|e| !seen.contains(e.fingerprint.as_str()))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let mut out = Filtered {
        baseline_unmatched,
        ..Filtered::default()
    };
    // Filtered in place: a second vector of the kept findings would hold them twice.
    let mut kept = findings;
    kept.retain(|finding| {
        if finding
            .inline_allow
            .as_ref()
            .is_some_and(|allow| allow.allows(&finding.rule.id))
        {
            out.suppressed.inline += 1;
        } else if allowlist.allows(finding) {
            out.suppressed.allowlist += 1;
        } else if accepted.contains(finding.fingerprint.as_str()) {
            out.suppressed.baseline += 1;
        } else {
            return true;
        }
        false
    });
    out.kept = kept;
    out
}

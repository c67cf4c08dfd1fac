//! The one-line summary and the warnings, for stderr.

use crate::finding::{Finding, VerificationStatus};
use crate::rules::Severity;
use crate::stats::ScanStats;
use std::io::{self, Write};

/// Writes a warning per skipped file the user did not ask to skip, then one summary line.
///
/// # Errors
/// A write error.
pub fn write(out: &mut dyn Write, findings: &[Finding], stats: &ScanStats) -> io::Result<()> {
    for warning in &stats.warnings {
        writeln!(
            out,
            "leakward: warning: {}",
            super::sanitize(warning.as_bytes())
        )?;
    }
    for skipped in stats.skipped.iter().filter(|s| s.reason.is_warning()) {
        let path = super::sanitize(skipped.path.as_bytes());
        let reason = super::sanitize(skipped.reason.to_string().as_bytes());
        writeln!(out, "leakward: warning: {path}: {reason}")?;
    }
    if let Some(scope) = &stats.scope {
        writeln!(
            out,
            "leakward: scanned {}",
            super::sanitize(scope.as_bytes())
        )?;
    }
    let mut line = format!("leakward: {}", plural(findings.len() as u64, "finding"));
    if !findings.is_empty() {
        let by_severity: Vec<String> = [
            Severity::Critical,
            Severity::High,
            Severity::Medium,
            Severity::Low,
        ]
        .iter()
        .map(|&s| (s, findings.iter().filter(|f| f.rule.severity == s).count()))
        .filter(|&(_, n)| n > 0)
        .map(|(s, n)| format!("{n} {}", s.as_str()))
        .collect();
        line += &format!(" ({})", by_severity.join(", "));
    }
    let what = if stats.commits_scanned > 0 {
        let mut what = format!(
            "{} from {}",
            plural(stats.files_scanned, "distinct blob"),
            plural(stats.commits_scanned, "commit")
        );
        if stats.unreachable_blobs_read > 0 {
            // The progress line counted these too: say why its total was larger.
            what += &format!(
                " (and read {} in the packs that no commit reaches)",
                plural(stats.unreachable_blobs_read, "blob")
            );
        }
        what
    } else {
        plural(stats.files_scanned, "file")
    };
    line += &format!(
        "; scanned {what} ({}) in {:.2} s",
        human_bytes(stats.bytes_scanned),
        stats.duration.as_secs_f64()
    );
    if !stats.skipped.is_empty() {
        line += &format!("; {} skipped", stats.skipped.len());
    }
    let suppressed = stats.suppressed;
    if suppressed.total() > 0 {
        let parts: Vec<String> = [
            ("inline", suppressed.inline),
            ("allowlist", suppressed.allowlist),
            ("baseline", suppressed.baseline),
        ]
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(what, n)| format!("{n} {what}"))
        .collect();
        line += &format!("; {} suppressed ({})", suppressed.total(), parts.join(", "));
    }
    if stats.files_excluded > 0 {
        line += &format!(
            "; {} excluded by --exclude or [scan] exclude",
            stats.files_excluded
        );
    }
    writeln!(out, "{line}")?;
    write_verification(out, findings)?;
    if !stats.baseline_unmatched.is_empty() {
        writeln!(
            out,
            "leakward: {} baseline {} matched nothing in this run (fixed, or no longer scanned); prune with `leakward baseline`",
            stats.baseline_unmatched.len(),
            if stats.baseline_unmatched.len() == 1 { "entry" } else { "entries" }
        )?;
    }
    Ok(())
}

/// Counts by verification status, and the keys exposed longer than their rotation period.
fn write_verification(out: &mut dyn Write, findings: &[Finding]) -> io::Result<()> {
    if findings.iter().any(|f| f.verification.is_some()) {
        let counts: Vec<String> = VerificationStatus::ALL
            .iter()
            .map(|&s| {
                let n = findings
                    .iter()
                    .filter(|f| f.verification.as_ref().is_some_and(|v| v.status == s))
                    .count();
                format!("{n} {}", s.as_str())
            })
            .collect();
        writeln!(out, "leakward: verification: {}", counts.join(", "))?;
    }
    let mut overdue: Vec<(&str, u64)> = findings
        .iter()
        .filter_map(|f| {
            let e = f.exposure.as_ref().filter(|e| e.overdue())?;
            Some((f.fingerprint.as_str(), e.rotation_days))
        })
        .collect();
    overdue.sort_unstable();
    overdue.dedup_by_key(|(fingerprint, _)| *fingerprint);
    if !overdue.is_empty() {
        let mut periods: Vec<u64> = overdue.iter().map(|(_, d)| *d).collect();
        periods.sort_unstable();
        periods.dedup();
        let periods: Vec<String> = periods.iter().map(|d| format!("{d}")).collect();
        let one = overdue.len() == 1;
        let keys = if one {
            "1 key has".to_string()
        } else {
            format!("{} keys have", overdue.len())
        };
        let (whose, them, their) = if one {
            ("its provider's", "it", "its")
        } else {
            ("their providers'", "them", "their")
        };
        writeln!(
            out,
            "leakward: {keys} been in the repository longer than {whose} rotation period ({} days): rotate {them} whatever {their} status",
            periods.join(" or "),
        )?;
    }
    Ok(())
}

/// `1 commit`, `2 commits`: a count with its noun, in the singular when it is one.
pub fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// `1234567` → `1.2 MB`.
pub fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

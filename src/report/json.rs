//! The JSON document and JSON Lines reports.

use super::{sanitize, shown_part, shown_secret, shown_snippet, ReportOptions};
use crate::finding::Finding;
use crate::stats::ScanStats;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use serde_json::{json, Value};
use std::io::{self, Write};

/// Version of the JSON report schema; fields are only ever added.
pub const JSON_REPORT_VERSION: u32 = 1;

/// One finding as a JSON object (the object [`FindingJson`] writes).
pub fn finding_value(finding: &Finding, options: ReportOptions) -> Value {
    serde_json::to_value(FindingJson { finding, options })
        .expect("a finding's fields are strings, numbers and booleans")
}

/// One finding as a JSON object, written straight to the serializer: the reports of many
/// findings build no [`Value`] (a map of a score of keys) for each.
pub struct FindingJson<'a> {
    /// The finding.
    pub finding: &'a Finding,
    /// What the report shows of it.
    pub options: ReportOptions,
}

impl Serialize for FindingJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (finding, options) = (self.finding, self.options);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("rule_id", &finding.rule.id)?;
        map.serialize_entry("rule_name", &finding.rule.name)?;
        map.serialize_entry("provider", &finding.rule.provider)?;
        map.serialize_entry("category", finding.rule.category.as_str())?;
        map.serialize_entry("severity", finding.rule.severity.as_str())?;
        map.serialize_entry("confidence", finding.rule.confidence.as_str())?;
        map.serialize_entry("path", &printable(&finding.path))?;
        map.serialize_entry("line", &finding.line)?;
        map.serialize_entry("column", &finding.column)?;
        map.serialize_entry("end_line", &finding.end_line)?;
        map.serialize_entry("end_column", &finding.end_column)?;
        map.serialize_entry("secret", &shown_secret(finding, options))?;
        map.serialize_entry("redacted", &!options.show_secrets)?;
        map.serialize_entry("fingerprint", finding.fingerprint.as_str())?;
        map.serialize_entry("entropy", &((finding.entropy * 1000.0).round() / 1000.0))?;
        map.serialize_entry("snippet", &shown_snippet(finding, options))?;
        map.serialize_entry("revoke", &finding.rule.revoke)?;
        if !finding.parts.is_empty() {
            let parts: Vec<Value> = finding
                .parts
                .iter()
                .map(|part| {
                    json!({
                        "name": part.name,
                        "rule_id": part.rule,
                        "secret": shown_part(part, options),
                        "line": part.line,
                        "column": part.column,
                    })
                })
                .collect();
            map.serialize_entry("parts", &parts)?;
        }
        if !finding.decoded.is_empty() {
            map.serialize_entry("decoded", &finding.decoded)?;
        }
        if let Some(member) = &finding.member {
            map.serialize_entry("member", member)?;
        }
        if let Some(provenance) = &finding.provenance {
            map.serialize_entry("commit", &provenance.commit)?;
            map.serialize_entry("author_name", &printable(&provenance.author_name))?;
            map.serialize_entry("author_email", &printable(&provenance.author_email))?;
            map.serialize_entry("date", &provenance.date)?;
            map.serialize_entry("commit_summary", &printable(&provenance.summary))?;
            map.serialize_entry("other_occurrences", &provenance.other_occurrences)?;
        }
        if let Some(exposure) = &finding.exposure {
            map.serialize_entry("exposed_days", &exposure.days)?;
            map.serialize_entry("rotation_overdue", &exposure.overdue())?;
        }
        if let Some(verification) = &finding.verification {
            map.serialize_entry(
                "verification",
                &json!({
                    "status": verification.status.as_str(),
                    "detail": verification.detail,
                    "checked_at": verification.checked_at,
                }),
            )?;
        }
        map.end()
    }
}

/// The findings of a report as a JSON array, each written as it comes.
struct FindingsJson<'a>(&'a [Finding], ReportOptions);

impl Serialize for FindingsJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sequence = serializer.serialize_seq(Some(self.0.len()))?;
        for finding in self.0 {
            sequence.serialize_element(&FindingJson {
                finding,
                options: self.1,
            })?;
        }
        sequence.end()
    }
}

/// Text that came from scanned input (a file name, a commit message), escaped as the text
/// report escapes it: JSON would pass C1 control characters and bidirectional overrides
/// through to whatever displays the report.
fn printable(text: &str) -> String {
    sanitize(text.as_bytes())
}

/// The run statistics as a JSON object.
pub fn stats_value(stats: &ScanStats) -> Value {
    let mut value = stats_fields(stats);
    if let Some(cache) = &stats.cache {
        value["cache"] = json!({
            "hits": cache.hits,
            "misses": cache.misses,
            "rescanned": cache.rescanned,
        });
    }
    value
}

/// Every statistic but the blob cache's counters (present only when a cache was used).
fn stats_fields(stats: &ScanStats) -> Value {
    let skipped: Vec<Value> = stats
        .skipped
        .iter()
        .map(|s| json!({ "path": printable(&s.path), "kind": s.reason.kind(), "reason": printable(&s.reason.to_string()) }))
        .collect();
    json!({
        "scope": stats.scope,
        "files_scanned": stats.files_scanned,
        "commits_scanned": stats.commits_scanned,
        "unreachable_blobs_read": stats.unreachable_blobs_read,
        "warnings": stats.warnings.iter().map(|w| printable(w)).collect::<Vec<_>>(),
        "bytes_scanned": stats.bytes_scanned,
        "binary_files": stats.binary_files,
        "members_scanned": stats.members_scanned,
        "containers_limited": stats.containers_limited,
        "files_excluded": stats.files_excluded,
        "files_skipped": stats.skipped.len(),
        "skipped": skipped,
        "suppressed": {
            "inline": stats.suppressed.inline,
            "allowlist": stats.suppressed.allowlist,
            "baseline": stats.suppressed.baseline,
        },
        "baseline_unmatched": stats.baseline_unmatched.iter().map(|e| json!({
            "fingerprint": e.fingerprint, "rule_id": e.rule_id, "path": printable(&e.path), "line": e.line,
        })).collect::<Vec<_>>(),
        "duration_ms": stats.duration.as_millis() as u64,
    })
}

/// Writes one JSON document: `version`, `tool`, `findings`, `stats`.
///
/// # Errors
/// A write error.
pub fn write_document(
    out: &mut dyn Write,
    findings: &[Finding],
    stats: &ScanStats,
    options: ReportOptions,
) -> io::Result<()> {
    write_repository_document(out, None, None, findings, stats, options)
}

/// Writes one JSON document as [`write_document`] does, with a `repository` field naming
/// the repository scanned (`leakward audit`) and, when it could not be scanned, an `error`.
///
/// # Errors
/// A write error.
pub fn write_repository_document(
    out: &mut dyn Write,
    repository: Option<&str>,
    error: Option<&str>,
    findings: &[Finding],
    stats: &ScanStats,
    options: ReportOptions,
) -> io::Result<()> {
    /// The document, with its findings written one at a time.
    #[derive(serde::Serialize)]
    struct Document<'a> {
        version: u32,
        tool: Value,
        #[serde(skip_serializing_if = "Option::is_none")]
        repository: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        findings: FindingsJson<'a>,
        stats: Value,
    }
    let document = Document {
        version: JSON_REPORT_VERSION,
        tool: json!({ "name": "leakward", "version": env!("CARGO_PKG_VERSION") }),
        repository,
        error: error.map(printable),
        findings: FindingsJson(findings, options),
        stats: stats_value(stats),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

/// Writes one compact JSON object per finding per line.
///
/// # Errors
/// A write error.
pub fn write_lines(
    out: &mut dyn Write,
    findings: &[Finding],
    options: ReportOptions,
) -> io::Result<()> {
    for finding in findings {
        serde_json::to_writer(&mut *out, &FindingJson { finding, options })?;
        writeln!(out)?;
    }
    Ok(())
}

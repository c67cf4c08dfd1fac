//! Reading back a JSON (or JSON Lines) report written with `--show-secrets`, for `leakward
//! verify` and `leakward revoke`. A redacted report holds no secret to check: that is an
//! error that says how to write one that does.

use crate::finding::{Finding, FindingPart, Fingerprint, Provenance, RuleSummary, Secret, Snippet};
use crate::rules::{Category, Confidence, Severity};
use crate::scan::decode::Encoding;
use crate::stats::ScanStats;
use serde_json::Value;

/// Why a report cannot be read back.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// Neither a JSON report document nor JSON Lines.
    #[error("not a leakward JSON report: {0}")]
    NotAReport(String),
    /// The report was written without `--show-secrets`.
    #[error(
        "its secrets are redacted, so there is nothing to check: write the report with \
         `--show-secrets --format json -o REPORT.json` (and keep that file private)"
    )]
    Redacted,
    /// A finding lacks a field or has one of the wrong type.
    #[error("finding {index}: `{field}` is missing or invalid")]
    Field {
        /// 1-based position of the finding.
        index: usize,
        /// The field.
        field: &'static str,
    },
    /// The secret does not hash to the finding's fingerprint (the report was edited).
    #[error("finding {index}: the secret does not match its fingerprint")]
    Fingerprint {
        /// 1-based position of the finding.
        index: usize,
    },
}

/// The findings of a report and what its stats said.
#[derive(Debug)]
pub struct ReadReport {
    /// The findings, with their secrets.
    pub findings: Vec<Finding>,
    /// The counters the report carried (files, bytes, commits).
    pub stats: ScanStats,
}

/// Reads a report. `prefix_len(rule_id, secret)` gives the visible prefix for redaction.
///
/// # Errors
/// See [`InputError`].
pub fn read_report(
    text: &str,
    prefix_len: impl Fn(&str, &[u8]) -> usize,
) -> Result<ReadReport, InputError> {
    let (values, stats) = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(document)) if document.contains_key("findings") => {
            let findings = match document.get("findings") {
                Some(Value::Array(items)) => items.clone(),
                _ => return Err(InputError::NotAReport("`findings` is not a list".into())),
            };
            (
                findings,
                document.get("stats").map(read_stats).unwrap_or_default(),
            )
        }
        _ => {
            let mut findings = Vec::new();
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let value: Value = serde_json::from_str(line)
                    .map_err(|e| InputError::NotAReport(format!("line {}: {e}", n + 1)))?;
                findings.push(value);
            }
            (findings, ScanStats::default())
        }
    };
    let mut findings = Vec::with_capacity(values.len());
    for (i, value) in values.iter().enumerate() {
        findings.push(read_finding(value, i + 1, &prefix_len)?);
    }
    Ok(ReadReport { findings, stats })
}

fn read_stats(value: &Value) -> ScanStats {
    let number = |name: &str| value.get(name).and_then(Value::as_u64).unwrap_or(0);
    ScanStats {
        files_scanned: number("files_scanned"),
        bytes_scanned: number("bytes_scanned"),
        commits_scanned: number("commits_scanned"),
        ..ScanStats::default()
    }
}

fn read_finding(
    value: &Value,
    index: usize,
    prefix_len: &impl Fn(&str, &[u8]) -> usize,
) -> Result<Finding, InputError> {
    let field = |field: &'static str| InputError::Field { index, field };
    let text = |name: &'static str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or(field(name))
    };
    let number = |name: &'static str| value.get(name).and_then(Value::as_u64).ok_or(field(name));
    if value.get("redacted").and_then(Value::as_bool) != Some(false) {
        return Err(InputError::Redacted);
    }
    let rule_id = text("rule_id")?;
    let secret_text = text("secret")?;
    let fingerprint = Fingerprint::of(&rule_id, secret_text.as_bytes());
    if text("fingerprint")? != fingerprint.as_str() {
        return Err(InputError::Fingerprint { index });
    }
    let enum_of = |name: &'static str| value.get(name).cloned().ok_or(field(name));
    let severity: Severity =
        serde_json::from_value(enum_of("severity")?).map_err(|_| field("severity"))?;
    let confidence: Confidence =
        serde_json::from_value(enum_of("confidence")?).map_err(|_| field("confidence"))?;
    let category = Category::parse(&text("category")?).map_err(|_| field("category"))?;
    let provenance = match value.get("commit").and_then(Value::as_str) {
        Some(commit) => Some(Provenance {
            commit: commit.to_string(),
            author_name: text("author_name")?,
            author_email: text("author_email")?,
            date: text("date")?,
            summary: text("commit_summary")?,
            other_occurrences: number("other_occurrences")?,
        }),
        None => None,
    };
    let prefix = prefix_len(&rule_id, secret_text.as_bytes());
    // Parts the scan joined to the finding (an AWS key id with its secret).
    let parts = value
        .get("parts")
        .and_then(Value::as_array)
        .map(|parts| {
            parts
                .iter()
                .map(|part| {
                    let part_text = |name: &'static str| {
                        part.get(name)
                            .and_then(Value::as_str)
                            .map(str::to_string)
                            .ok_or(field("parts"))
                    };
                    let part_number = |name: &'static str| {
                        part.get(name).and_then(Value::as_u64).ok_or(field("parts"))
                    };
                    let rule = part
                        .get("rule_id")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    let secret = part_text("secret")?;
                    let prefix = rule
                        .as_deref()
                        .map_or(0, |rule| prefix_len(rule, secret.as_bytes()));
                    Ok(FindingPart {
                        name: part_text("name")?,
                        rule,
                        secret: Secret::new(secret.into_bytes(), prefix),
                        line: part_number("line")?,
                        column: part_number("column")?,
                    })
                })
                .collect::<Result<Vec<_>, InputError>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok(Finding {
        rule: std::sync::Arc::new(RuleSummary {
            id: rule_id,
            name: text("rule_name")?,
            provider: text("provider")?,
            category,
            severity,
            confidence,
            revoke: text("revoke")?,
        }),
        path: text("path")?,
        line: number("line")?,
        column: number("column")?,
        end_line: number("end_line")?,
        end_column: number("end_column")?,
        secret: Secret::new(secret_text.clone().into_bytes(), prefix),
        fingerprint,
        entropy: value.get("entropy").and_then(Value::as_f64).unwrap_or(0.0),
        // A report written with --show-secrets has the secret in full in its snippet.
        snippet: value
            .get("snippet")
            .and_then(Value::as_str)
            .and_then(|snippet| {
                let at = snippet.find(secret_text.as_str())?;
                Some(Snippet {
                    before: snippet[..at].to_string(),
                    after: snippet[at + secret_text.len()..].to_string(),
                    encoded: None,
                })
            }),
        provenance,
        path_in_repository: false,
        inline_allow: None,
        verification: None,
        exposure: None,
        parts,
        decoded: value
            .get("decoded")
            .and_then(Value::as_array)
            .map(|steps| {
                steps
                    .iter()
                    .filter_map(Value::as_str)
                    .filter_map(Encoding::from_name)
                    .map(Encoding::as_str)
                    .collect()
            })
            .unwrap_or_default(),
        member: value
            .get("member")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

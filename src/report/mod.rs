//! Reports: each format is a function from findings and run stats to a writer.

pub mod advice;
pub mod github;
pub mod html;
pub mod json;
pub mod merge;
pub mod progress;
pub mod sarif;
pub mod summary;
pub mod text;

use crate::finding::{Finding, FindingPart};
use crate::stats::ScanStats;
use std::io::{self, Write};

/// The report formats of `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One block per finding, for people.
    Text,
    /// One JSON document.
    Json,
    /// One JSON object per finding per line, for streaming.
    Jsonl,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF consumers.
    Sarif,
    /// One self-contained HTML page, for people: summary, filters, one row per leaked secret.
    Html,
}

/// What every report needs besides the findings.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    /// Print secrets in full instead of redacted.
    pub show_secrets: bool,
    /// Use ANSI colours (text format only).
    pub color: bool,
    /// What the text report advises after its findings.
    pub advice: advice::Advice,
}

/// Writes `findings` (already sorted) and `stats` in `format`.
///
/// # Errors
/// A write error.
pub fn write(
    format: Format,
    out: &mut dyn Write,
    findings: &[Finding],
    stats: &ScanStats,
    options: ReportOptions,
) -> io::Result<()> {
    match format {
        Format::Text => text::write(out, findings, options),
        Format::Json => json::write_document(out, findings, stats, options),
        Format::Jsonl => json::write_lines(out, findings, options),
        Format::Sarif => sarif::write(out, findings, stats, options),
        Format::Html => html::write(out, findings, stats, options),
    }
}

/// A JSON array written one element at a time: each element is made from its item only
/// when the writer reaches it, so a report of many findings never holds them all as JSON.
pub struct LazyArray<'a, T, F>(pub &'a [T], pub F);

impl<T, F> serde::Serialize for LazyArray<'_, T, F>
where
    F: Fn(&T) -> serde_json::Value,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut sequence = serializer.serialize_seq(Some(self.0.len()))?;
        for item in self.0 {
            sequence.serialize_element(&(self.1)(item))?;
        }
        sequence.end()
    }
}

/// The secret as a report shows it: redacted, or in full (lossy UTF-8) on request.
pub fn shown_secret(finding: &Finding, options: ReportOptions) -> String {
    shown_secret_of(finding, options.show_secrets)
}

/// The snippet of `finding` as a report shows it (see [`crate::finding::Snippet::shown`]).
pub fn shown_snippet(finding: &Finding, options: ReportOptions) -> Option<String> {
    finding.snippet.as_ref().map(|snippet| {
        snippet.shown(
            &shown_secret_of(finding, true),
            &finding.secret.redacted(),
            options.show_secrets,
        )
    })
}

fn shown_secret_of(finding: &Finding, show_secrets: bool) -> String {
    if show_secrets {
        sanitize(finding.secret.expose())
    } else {
        finding.secret.redacted()
    }
}

/// A part of a multi-part credential as a report shows it: redacted, or in full on request.
pub fn shown_part(part: &FindingPart, options: ReportOptions) -> String {
    if options.show_secrets {
        sanitize(part.secret.expose())
    } else {
        part.secret.redacted()
    }
}

/// Re-exported for the reporters: see [`crate::printable::sanitize`].
pub use crate::printable::sanitize;

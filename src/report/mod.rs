//! Reports: each format is a function from findings and run stats to a writer.

pub mod advice;
pub mod github;
pub mod json;
pub mod progress;
pub mod sarif;
pub mod summary;
pub mod text;

use crate::finding::Finding;
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
}

/// What every report needs besides the findings.
#[derive(Debug, Clone, Copy)]
pub struct ReportOptions {
    /// Print secrets in full instead of redacted.
    pub show_secrets: bool,
    /// Use ANSI colours (text format only).
    pub color: bool,
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
    }
}

/// The secret as a report shows it: redacted, or in full (lossy UTF-8) on request.
pub fn shown_secret(finding: &Finding, options: ReportOptions) -> String {
    if options.show_secrets {
        sanitize(finding.secret.expose())
    } else {
        finding.secret.redacted()
    }
}

/// Makes scanned bytes safe to print: invalid UTF-8 becomes `�`; control characters
/// (which could carry terminal escape sequences) and bidirectional overrides are escaped.
///
/// ```
/// use leakward::report::sanitize;
/// assert_eq!(sanitize(b"a\x1b[31mb\tc"), "a\\x1b[31mb c");
/// ```
pub fn sanitize(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\t' => out.push(' '),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\x{:02x}", c as u32)),
            '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => {
                out.push_str(&format!("\\u{{{:x}}}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sanitize;

    #[test]
    fn escapes_controls_and_bidi() {
        assert_eq!(sanitize(b"\x07\x9b"), "\\x07\u{fffd}");
        assert_eq!(sanitize("a\u{202e}b".as_bytes()), "a\\u{202e}b");
        assert_eq!(sanitize("\u{9b}".as_bytes()), "\\x9b");
        assert_eq!(sanitize(b"plain"), "plain");
    }
}

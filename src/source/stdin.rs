//! Standard input as one blob, named `<stdin>`.

use super::SourceOutput;
use crate::blob::scan_reader;
use crate::scan::Scanner;
use std::io::Read;

/// The name standard input has in reports.
pub const STDIN_NAME: &str = "<stdin>";

/// Scans everything readable from `input` in bounded chunks.
///
/// # Errors
/// A read error on the input.
pub fn scan(input: impl Read, scanner: &Scanner<'_>) -> std::io::Result<SourceOutput> {
    let mut buffer = Vec::new();
    let blob = scan_reader(input, STDIN_NAME, scanner, &mut buffer)?;
    let mut output = SourceOutput::default();
    output.stats.files_scanned = 1;
    output.stats.bytes_scanned = blob.bytes;
    output.stats.binary_files = u64::from(blob.binary);
    output
        .stats
        .count_members(STDIN_NAME, blob.members, blob.skipped_members);
    output.findings = blob.findings;
    Ok(output)
}

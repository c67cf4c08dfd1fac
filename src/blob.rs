//! Scanning one blob: read it in bounded chunks, scan each chunk, place the matches.
//!
//! Every source (work tree, stdin, later git) hands its bytes to [`scan_reader`], so chunking,
//! binary and UTF-16 handling, line numbers and snippets work the same everywhere.

use crate::filter::InlineAllow;
use crate::finding::{Finding, Fingerprint, RuleSummary, Secret};
use crate::lines::{count_chars, LineIndex};
use crate::report::sanitize;
use crate::scan::{Match, Scanner};
use std::io::{self, Read};

/// Bytes scanned per chunk of a large blob; memory per thread stays near this.
pub const CHUNK_SIZE: usize = 8 * 1024 * 1024;
/// Bytes after a chunk's end that are read with it, so a secret starting before the cut is whole.
const OVERLAP_AFTER: usize = 64 * 1024;
/// Bytes before a chunk's start kept from the previous chunk, so keywords before a secret are seen.
const CONTEXT_BEFORE: usize = 32 * 1024;
/// Bytes at the start of a blob in which a NUL byte marks it as binary.
const BINARY_SNIFF: usize = 8 * 1024;
/// Characters of context shown on each side of a secret in a snippet.
const SNIPPET_CONTEXT: usize = 40;

/// What scanning one blob found.
#[derive(Debug, Default)]
pub struct BlobScan {
    /// Findings, in blob order.
    pub findings: Vec<Finding>,
    /// Bytes read.
    pub bytes: u64,
    /// Whether the blob looked binary (a NUL byte near the start).
    pub binary: bool,
}

/// Reads `reader` to its end in bounded chunks and scans every byte once.
///
/// `buffer` is reused between calls to avoid an allocation per file.
///
/// # Errors
/// Any read error; nothing is reported for a blob that could not be read whole.
pub fn scan_reader(
    mut reader: impl Read,
    path: &str,
    scanner: &Scanner<'_>,
    buffer: &mut Vec<u8>,
) -> io::Result<BlobScan> {
    let mut result = BlobScan::default();
    let mut lines_before = 0u64;
    let mut columns_before = 0u64;
    let mut first_chunk = true;
    buffer.clear();
    loop {
        let at_end = fill(&mut reader, buffer, CHUNK_SIZE + OVERLAP_AFTER)?;
        if first_chunk {
            first_chunk = false;
            if at_end {
                if let Some(text) = decode_utf16(buffer) {
                    result.bytes = buffer.len() as u64;
                    place(
                        &text,
                        scanner,
                        scanner.scan(&text),
                        path,
                        false,
                        LineIndex::new(&text),
                        &mut result.findings,
                    );
                    return Ok(result);
                }
            }
            result.binary = memchr::memchr(0, &buffer[..buffer.len().min(BINARY_SNIFF)]).is_some();
        }
        let owned_start = if result.bytes == 0 { 0 } else { CONTEXT_BEFORE };
        let owned_end = if at_end {
            buffer.len()
        } else {
            buffer.len() - OVERLAP_AFTER
        };
        let matches: Vec<Match> = scanner
            .scan(buffer)
            .into_iter()
            .filter(|m| (owned_start..owned_end).contains(&m.start))
            .collect();
        if !matches.is_empty() {
            let index = LineIndex::for_chunk(buffer, lines_before, columns_before);
            place(
                buffer,
                scanner,
                matches,
                path,
                result.binary,
                index,
                &mut result.findings,
            );
        }
        result.bytes += (owned_end - owned_start) as u64;
        if at_end {
            return Ok(result);
        }
        let keep_from = owned_end - CONTEXT_BEFORE;
        let dropped = &buffer[..keep_from];
        match memchr::memrchr(b'\n', dropped) {
            Some(last_newline) => {
                lines_before += memchr::memchr_iter(b'\n', dropped).count() as u64;
                columns_before = count_chars(&dropped[last_newline + 1..]);
            }
            None => columns_before += count_chars(dropped),
        }
        buffer.drain(..keep_from);
    }
}

/// Reads until `buffer` holds `target` bytes or the reader ends; returns whether it ended.
fn fill(reader: &mut impl Read, buffer: &mut Vec<u8>, target: usize) -> io::Result<bool> {
    while buffer.len() < target {
        let wanted = (target - buffer.len()) as u64;
        let read = reader.by_ref().take(wanted).read_to_end(buffer)?;
        if read == 0 {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Decodes a UTF-16 text with a byte-order mark into UTF-8, or `None` for anything else.
fn decode_utf16(bytes: &[u8]) -> Option<Vec<u8>> {
    let little_endian = match bytes {
        [0xFF, 0xFE, ..] => true,
        [0xFE, 0xFF, ..] => false,
        _ => return None,
    };
    let units = bytes[2..].chunks_exact(2).map(|pair| {
        let pair = [pair[0], pair[1]];
        if little_endian {
            u16::from_le_bytes(pair)
        } else {
            u16::from_be_bytes(pair)
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some(text.into_bytes())
}

/// Turns matches in `buffer` into findings with positions and redacted snippets.
fn place(
    buffer: &[u8],
    scanner: &Scanner<'_>,
    matches: Vec<Match>,
    path: &str,
    binary: bool,
    index: LineIndex,
    out: &mut Vec<Finding>,
) {
    for found in matches {
        let rule = scanner.rules().rule(found.rule);
        let bytes = &buffer[found.start..found.end];
        let secret = Secret::new(bytes.to_vec(), rule.prefix_len(bytes));
        let start = index.position(buffer, found.start);
        let end = index.position(buffer, found.end);
        let snippet = (!binary).then(|| snippet(buffer, &index, found.start, found.end, &secret));
        let inline_allow = [found.start, found.end.saturating_sub(1).max(found.start)]
            .iter()
            .find_map(|&at| {
                let (line_start, line_end) = index.line_bounds(buffer, at);
                InlineAllow::find(&buffer[line_start..line_end])
            });
        out.push(Finding {
            fingerprint: Fingerprint::of(&rule.id, bytes),
            rule: RuleSummary::from(rule),
            path: path.to_string(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            secret,
            entropy: found.entropy,
            snippet,
            provenance: None,
            path_in_repository: false,
            inline_allow,
        });
    }
}

/// The secret's line, cut to a few characters around it, with the secret redacted.
fn snippet(buffer: &[u8], index: &LineIndex, start: usize, end: usize, secret: &Secret) -> String {
    let (line_start, line_end) = index.line_bounds(buffer, start);
    let before = tail_chars(&buffer[line_start..start], SNIPPET_CONTEXT);
    let after = if end <= line_end {
        head_chars(&buffer[end..line_end], SNIPPET_CONTEXT)
    } else {
        &[][..]
    };
    let ellipsis_before = if before.len() < start - line_start {
        "…"
    } else {
        ""
    };
    let ellipsis_after = if end <= line_end && after.len() < line_end - end {
        "…"
    } else {
        ""
    };
    format!(
        "{ellipsis_before}{}{}{}{ellipsis_after}",
        sanitize(before).trim_start(),
        secret.redacted(),
        sanitize(after).trim_end()
    )
}

/// The last `chars` characters of `bytes`, cut on a character boundary.
fn tail_chars(bytes: &[u8], chars: usize) -> &[u8] {
    let mut seen = 0;
    for (i, &b) in bytes.iter().enumerate().rev() {
        if (b & 0xC0) != 0x80 {
            seen += 1;
            if seen == chars {
                return &bytes[i..];
            }
        }
    }
    bytes
}

/// The first `chars` characters of `bytes`, cut on a character boundary.
fn head_chars(bytes: &[u8], chars: usize) -> &[u8] {
    let mut seen = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if (b & 0xC0) != 0x80 {
            if seen == chars {
                return &bytes[..i];
            }
            seen += 1;
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn character_cuts() {
        assert_eq!(tail_chars("abcé".as_bytes(), 2), "cé".as_bytes());
        assert_eq!(head_chars("éab".as_bytes(), 2), "éa".as_bytes());
        assert_eq!(head_chars(b"ab", 5), b"ab");
    }

    #[test]
    fn read_errors_are_returned_not_swallowed() {
        struct Failing;
        impl Read for Failing {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::PermissionDenied, "denied"))
            }
        }
        let rules = crate::rules::RuleSet::compile(Vec::new()).unwrap();
        let error = scan_reader(Failing, "x", &Scanner::new(&rules), &mut Vec::new()).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xFF, 0xFE];
        for unit in "key=abc".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(decode_utf16(&bytes).unwrap(), b"key=abc");
        assert!(decode_utf16(b"plain").is_none());
    }
}

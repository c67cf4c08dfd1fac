//! Scanning one blob: read it in bounded chunks, scan each chunk (decoding what is encoded
//! in it), place the matches, and open what it contains.
//!
//! Every source hands its bytes to [`scan_reader`] (work tree, stdin) or, when they are in
//! memory already, to [`scan_bytes`] (git blobs), so chunking, binary and UTF-16 handling,
//! decoding, containers, line numbers and snippets work the same everywhere.
//!
//! A blob that is a container ([`crate::container`]: an archive, a gzip file, a PNG with
//! text chunks) is scanned as bytes, then each of its members is scanned as a blob of its
//! own, to the nesting depth the limits allow; a finding in a member names it
//! (`dist/app.jar!config/app.properties`), and a key seen both in the container's bytes and
//! in its member (a stored zip member, a tar) is reported once, in the member.

use crate::container::{self, Budget, Kind, Skip, Skipped, LIMITS};
use crate::finding::{
    Finding, FindingPart, Fingerprint, InlineAllow, RuleSummary, Secret, Snippet,
};
use crate::lines::{count_chars, LineIndex, Positions};
use crate::printable::sanitize;
use crate::rules::{Partner, MAX_WINDOW};
use crate::scan::decode::{self, Found};
use crate::scan::{Scanner, Stopped};
use std::collections::HashMap;
use std::io::{self, Read};
use std::sync::Arc;

/// Bytes scanned per chunk of a large blob; memory per thread stays near this.
pub const CHUNK_SIZE: usize = 8 * 1024 * 1024;
/// Bytes after a chunk's end that are read with it, so a secret starting before the cut is whole.
const OVERLAP_AFTER: usize = 64 * 1024;
/// Bytes before a chunk's start kept from the previous chunk, so keywords before a secret are seen.
const CONTEXT_BEFORE: usize = 32 * 1024;
// A window reaches at most MAX_WINDOW bytes before or after its keyword: for a keyword in a
// chunk's own bytes, the whole window is inside the bytes read with the chunk.
const _: () = assert!(MAX_WINDOW <= CONTEXT_BEFORE && MAX_WINDOW <= OVERLAP_AFTER);
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
    /// Members of containers in the blob that were scanned (archive members, a gzip file's
    /// content, PNG text chunks), nested ones too.
    pub members: u64,
    /// Members not read, with their path inside the blob (`lib/a.jar!config.yml`; empty for
    /// the blob itself) and why.
    pub skipped_members: Vec<Skipped>,
}

/// Scans a blob that is already in memory, such as a git blob: without copying it when it
/// fits in one chunk (nearly always), else in chunks as [`scan_reader`] does; then the
/// members of the containers in it.
///
/// `buffer` is used only for a blob of more than one chunk, and reused between calls.
/// The findings are exactly those of [`scan_reader`] over the same bytes.
pub fn scan_bytes(
    bytes: &[u8],
    path: &str,
    scanner: &Scanner<'_>,
    buffer: &mut Vec<u8>,
) -> BlobScan {
    scan_in_memory(bytes, path, scanner, buffer, 0, &mut Budget::new())
}

/// [`scan_bytes`] for a blob `depth` containers deep, within the decompression `budget` of
/// the file it is in.
fn scan_in_memory(
    bytes: &[u8],
    path: &str,
    scanner: &Scanner<'_>,
    buffer: &mut Vec<u8>,
    depth: usize,
    budget: &mut Budget,
) -> BlobScan {
    // `scan_reader` takes a blob shorter than a chunk and its overlap in one read.
    let mut result = if bytes.len() < CHUNK_SIZE + OVERLAP_AFTER {
        scan_whole(bytes, path, scanner)
    } else {
        buffer.clear();
        scan_chunks(bytes, path, scanner, buffer).expect("reading from a byte slice never fails")
    };
    open_containers(bytes, path, scanner, depth, budget, &mut result);
    result
}

/// Reads `reader` to its end in bounded chunks and scans every byte once; a container is
/// read whole (up to [`container::Limits::container_size`]) to open it.
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
    buffer.clear();
    if fill(&mut reader, buffer, CHUNK_SIZE + OVERLAP_AFTER)? {
        let mut result = scan_whole(buffer, path, scanner);
        open_containers(buffer, path, scanner, 0, &mut Budget::new(), &mut result);
        return Ok(result);
    }
    if container::kind_of(buffer).is_none() {
        return scan_chunks(reader, path, scanner, buffer);
    }
    let held = usize::try_from(LIMITS.container_size).unwrap_or(usize::MAX);
    if fill(&mut reader, buffer, held.saturating_add(1))? {
        let whole = std::mem::take(buffer);
        return Ok(scan_bytes(&whole, path, scanner, buffer));
    }
    // Too large to open: scanned as bytes, and counted.
    let read = std::mem::take(buffer);
    let mut result = scan_chunks(io::Cursor::new(read).chain(reader), path, scanner, buffer)?;
    result.skipped_members.push(Skipped {
        member: String::new(),
        why: Skip::ContainerSize(result.bytes),
    });
    Ok(result)
}

/// Scans `reader` in chunks; `buffer` holds the bytes already read from it, if any.
fn scan_chunks(
    mut reader: impl Read,
    path: &str,
    scanner: &Scanner<'_>,
    buffer: &mut Vec<u8>,
) -> io::Result<BlobScan> {
    let mut at_end = fill(&mut reader, buffer, CHUNK_SIZE + OVERLAP_AFTER)?;
    let mut result = BlobScan {
        binary: memchr::memchr(0, &buffer[..buffer.len().min(BINARY_SNIFF)]).is_some(),
        ..BlobScan::default()
    };
    let mut lines_before = 0u64;
    let mut columns_before = 0u64;
    let mut stops = Vec::new();
    loop {
        let owned_start = if result.bytes == 0 { 0 } else { CONTEXT_BEFORE };
        let owned_end = if at_end {
            buffer.len()
        } else {
            buffer.len() - OVERLAP_AFTER
        };
        let mut stopped = Vec::new();
        let found: Vec<Found> = decode::scan(scanner, buffer, &mut stopped)
            .into_iter()
            .filter(|f| (owned_start..owned_end).contains(&f.matched.start))
            .collect();
        // A rule stopped in the bytes after the chunk's own scans them afresh with the next.
        stopped.retain(|stop| stop.from < owned_end);
        note_stops(buffer, &stopped, lines_before, &mut stops);
        if !found.is_empty() {
            let index = LineIndex::for_chunk(buffer, lines_before, columns_before);
            place(
                buffer,
                scanner,
                found,
                path,
                result.binary,
                index,
                &mut result.findings,
            );
        }
        result.bytes += (owned_end - owned_start) as u64;
        if at_end {
            report_stops(&stops, scanner, &mut result);
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
        at_end = fill(&mut reader, buffer, CHUNK_SIZE + OVERLAP_AFTER)?;
    }
}

/// A catch-all rule that stopped at its limit in a blob: the lines of the first and the
/// last place it left, in all the blob's chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RuleStop {
    rule: usize,
    first_line: u64,
    last_line: u64,
}

/// Adds the rules that stopped in `text` to `stops`, one entry per rule for the whole blob
/// (`text` is the blob, or a chunk of it after `lines_before` lines).
fn note_stops(text: &[u8], stopped: &[Stopped], lines_before: u64, stops: &mut Vec<RuleStop>) {
    let line_of = |at: usize| {
        let before = &text[..at.min(text.len())];
        lines_before + 1 + memchr::memchr_iter(b'\n', before).count() as u64
    };
    for stop in stopped {
        let last_line = line_of(stop.to.saturating_sub(1).max(stop.from));
        match stops.iter_mut().find(|noted| noted.rule == stop.rule) {
            Some(noted) => noted.last_line = noted.last_line.max(last_line),
            None => stops.push(RuleStop {
                rule: stop.rule,
                first_line: line_of(stop.from),
                last_line,
            }),
        }
    }
}

/// Tells in `result` which catch-all rules reached the scanner's limit, and the lines they
/// did not examine.
fn report_stops(stops: &[RuleStop], scanner: &Scanner<'_>, result: &mut BlobScan) {
    let Some(limit) = scanner.generic_limit() else {
        return;
    };
    for stop in stops {
        let rule = &scanner.rules().rule(stop.rule).id;
        let lines = if stop.first_line == stop.last_line {
            format!("on line {}", stop.first_line)
        } else {
            format!("from line {} to line {}", stop.first_line, stop.last_line)
        };
        result.skipped_members.push(Skipped {
            member: String::new(),
            why: Skip::RuleLimit(format!(
                "rule {rule} reached its limit of {limit} secrets; its other candidates {lines} \
                 were not examined (--generic-limit 0 examines them all)"
            )),
        });
    }
}

/// Scans the members of `bytes` if it is a container (at nesting `depth`), adds their
/// findings and skips to `result`, and drops the container's own findings of a key that
/// a member holds.
fn open_containers(
    bytes: &[u8],
    path: &str,
    scanner: &Scanner<'_>,
    depth: usize,
    budget: &mut Budget,
    result: &mut BlobScan,
) {
    let Some(kind) = container::kind_of(bytes) else {
        return;
    };
    if depth >= LIMITS.depth {
        result.skipped_members.push(Skipped {
            member: String::new(),
            why: Skip::Depth,
        });
        return;
    }
    let mut buffer = Vec::new();
    let skipped = container::for_each_member(bytes, kind, path, budget, &mut |member, budget| {
        let member_path = format!("{path}!{}", member.name);
        let tarball = kind == Kind::Gzip && container::kind_of(&member.bytes) == Some(Kind::Tar);
        let (prefix, scanned) = if tarball {
            // A .tar.gz: the tar's files are the members, the tar stream itself is not one.
            let mut inner = BlobScan::default();
            open_containers(&member.bytes, path, scanner, depth, budget, &mut inner);
            (None, inner)
        } else {
            let scanned = scan_in_memory(
                &member.bytes,
                &member_path,
                scanner,
                &mut buffer,
                depth + 1,
                budget,
            );
            result.members += 1;
            (Some(member.name), scanned)
        };
        let nest = |inner: Option<String>| match (&prefix, inner) {
            (Some(outer), Some(inner)) if !inner.is_empty() => Some(format!("{outer}!{inner}")),
            (Some(outer), _) => Some(outer.clone()),
            (None, inner) => inner,
        };
        result.members += scanned.members;
        for mut finding in scanned.findings {
            finding.member = nest(finding.member.take());
            result.findings.push(finding);
        }
        for skip in scanned.skipped_members {
            result.skipped_members.push(Skipped {
                member: nest(Some(skip.member)).unwrap_or_default(),
                why: skip.why,
            });
        }
    });
    result.skipped_members.extend(skipped);
    drop_container_copies(&mut result.findings);
}

/// Drops a finding when another of the same key is in a member inside the first one's file
/// or member (a stored zip member's key is in the zip's bytes too): the member's is kept.
fn drop_container_copies(findings: &mut Vec<Finding>) {
    let inside = |outer: &Finding, inner: &Finding| -> bool {
        outer.fingerprint == inner.fingerprint
            && match (&outer.member, &inner.member) {
                (None, Some(_)) => true,
                (Some(outer), Some(inner)) => inner
                    .strip_prefix(outer.as_str())
                    .is_some_and(|rest| rest.starts_with('!')),
                _ => false,
            }
    };
    let copies: Vec<bool> = findings
        .iter()
        .map(|outer| findings.iter().any(|inner| inside(outer, inner)))
        .collect();
    let mut copy = copies.into_iter();
    findings.retain(|_| !copy.next().unwrap_or(false));
}

/// Scans a whole blob that fits in one chunk: a UTF-16 text is decoded first, anything else
/// is scanned as it is.
fn scan_whole(bytes: &[u8], path: &str, scanner: &Scanner<'_>) -> BlobScan {
    let mut result = BlobScan {
        bytes: bytes.len() as u64,
        ..BlobScan::default()
    };
    let mut stopped = Vec::new();
    if let Some(text) = decode_utf16(bytes) {
        let found = decode::scan(scanner, &text, &mut stopped);
        let mut stops = Vec::new();
        note_stops(&text, &stopped, 0, &mut stops);
        report_stops(&stops, scanner, &mut result);
        let index = LineIndex::new(&text);
        place(
            &text,
            scanner,
            found,
            path,
            false,
            index,
            &mut result.findings,
        );
        return result;
    }
    result.binary = memchr::memchr(0, &bytes[..bytes.len().min(BINARY_SNIFF)]).is_some();
    let found = decode::scan(scanner, bytes, &mut stopped);
    let mut stops = Vec::new();
    note_stops(bytes, &stopped, 0, &mut stops);
    report_stops(&stops, scanner, &mut result);
    if !found.is_empty() {
        let index = LineIndex::new(bytes);
        place(
            bytes,
            scanner,
            found,
            path,
            result.binary,
            index,
            &mut result.findings,
        );
    }
    result
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
    found: Vec<Found>,
    path: &str,
    binary: bool,
    index: LineIndex,
    out: &mut Vec<Finding>,
) {
    // Matches mostly come in order of position: columns are counted on from the previous
    // match, and each line is searched for an allow comment once, however many it holds.
    let mut positions = Positions::new(&index, buffer);
    let mut allows: HashMap<usize, Option<InlineAllow>> = HashMap::new();
    let mut summaries: HashMap<usize, Arc<RuleSummary>> = HashMap::new();
    out.reserve(found.len());
    for one in found {
        let (start_at, end_at) = (one.matched.start, one.matched.end);
        let rule = scanner.rules().rule(one.matched.rule);
        let bytes = one.secret(buffer);
        let secret = Secret::new(bytes.to_vec(), rule.prefix_len(bytes));
        let start = positions.at(start_at);
        let end = positions.at(end_at);
        let snippet = (!binary).then(|| Snippet {
            encoded: one
                .decoded
                .as_ref()
                .map(|_| redacted_encoded(&buffer[start_at..end_at], &secret)),
            ..snippet(buffer, &index, start_at, end_at)
        });
        let inline_allow = [start_at, end_at.saturating_sub(1).max(start_at)]
            .iter()
            .find_map(|&at| {
                let (line_start, line_end) = index.line_bounds(buffer, at);
                allows
                    .entry(line_start)
                    .or_insert_with(|| InlineAllow::find(&buffer[line_start..line_end]))
                    .clone()
            });
        // A decoded secret's parts were found in the decoded text, not at places in the file.
        let parts = one
            .matched
            .parts
            .iter()
            .filter(|_| one.decoded.is_none())
            .map(|part| {
                let pair = scanner.rules().pair(part.pair);
                let bytes = &buffer[part.start..part.end];
                let prefix_len = match pair.partner {
                    Partner::Rule(partner) => scanner.rules().rule(partner).prefix_len(bytes),
                    Partner::Pattern(_) => 0,
                };
                let position = index.position(buffer, part.start);
                FindingPart {
                    name: pair.part.clone(),
                    rule: match pair.partner {
                        Partner::Rule(partner) => Some(scanner.rules().rule(partner).id.clone()),
                        Partner::Pattern(_) => None,
                    },
                    secret: Secret::new(bytes.to_vec(), prefix_len),
                    line: position.line,
                    column: position.column,
                }
            })
            .collect();
        out.push(Finding {
            fingerprint: Fingerprint::of(&rule.id, bytes),
            rule: Arc::clone(
                summaries
                    .entry(one.matched.rule)
                    .or_insert_with(|| Arc::new(RuleSummary::from(rule))),
            ),
            path: path.to_string(),
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
            secret,
            entropy: one.matched.entropy,
            snippet,
            provenance: None,
            path_in_repository: false,
            inline_allow,
            verification: None,
            exposure: None,
            parts,
            decoded: one
                .decoded
                .map(|d| d.encodings.iter().map(|e| e.as_str()).collect())
                .unwrap_or_default(),
            member: None,
        });
    }
}

/// The secret's line, cut to a few characters each side of it.
fn snippet(buffer: &[u8], index: &LineIndex, start: usize, end: usize) -> Snippet {
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
    Snippet {
        before: format!("{ellipsis_before}{}", sanitize(before).trim_start()),
        after: format!("{}{ellipsis_after}", sanitize(after).trim_end()),
        encoded: None,
    }
}

/// The encoded text of a decoded secret, redacted: no more of its first characters than
/// the redacted secret shows (an encoded character never carries more than one decoded
/// byte), then `…`.
fn redacted_encoded(encoded: &[u8], secret: &Secret) -> String {
    let visible = secret.redacted().chars().count().saturating_sub(1);
    let first_line = encoded.split(|&b| b == b'\n').next().unwrap_or_default();
    format!("{}…", sanitize(head_chars(first_line, visible)))
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

    /// A reader that hands out at most 1000 bytes per call, like a pipe.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = out.len().min(self.0.len()).min(1000);
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    #[test]
    fn bytes_in_memory_give_what_a_reader_gives_on_either_side_of_one_chunk() {
        let rules = crate::rules::RuleSet::builtin().unwrap();
        let scanner = Scanner::new(&rules);
        let secret_line = rules
            .rules()
            .iter()
            .find(|rule| rule.id == "anthropic-api-key")
            .unwrap()
            .examples[0]
            .clone();
        let one_chunk = CHUNK_SIZE + OVERLAP_AFTER;
        for len in [1000, one_chunk - 1, one_chunk, one_chunk + 1] {
            // A key at the start and one that ends at the last byte.
            let mut bytes = format!("{secret_line}\n").into_bytes();
            bytes.resize(len - secret_line.len() - 1, b'x');
            bytes.push(b'\n');
            bytes.extend_from_slice(secret_line.as_bytes());
            assert_eq!(bytes.len(), len);
            let mut buffer = Vec::new();
            let from_memory = scan_bytes(&bytes, "a", &scanner, &mut buffer);
            let from_reader = scan_reader(Trickle(&bytes), "a", &scanner, &mut buffer).unwrap();
            assert_eq!(from_memory.findings.len(), 2, "{len} bytes");
            assert_eq!(from_memory.findings, from_reader.findings, "{len} bytes");
            assert_eq!(from_memory.bytes, from_reader.bytes);
            assert_eq!(from_memory.binary, from_reader.binary);
        }
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

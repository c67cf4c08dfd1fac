//! Base64, standard (`+/`) and URL-safe (`-_`), padded or not.
//!
//! Only a run that stands alone (a delimiter before it) and decodes to text (valid UTF-8
//! without control characters other than line breaks and tabs) is decoded: an image, a
//! certificate, a hash or a long identifier decodes to bytes that are not text, and is left.

use super::view::View;

/// Shortest run decoded: 20 characters are 15 bytes, shorter than any key with its context.
pub(crate) const MIN_RUN: usize = 20;
/// Longest run decoded (a service-account JSON or a PEM key, base64-encoded, is 2-4 KiB).
pub(crate) const MAX_RUN: usize = 64 * 1024;

/// Whether `byte` can be part of a base64 run (either alphabet; padding aside).
pub(crate) fn is_run_byte(byte: u8) -> bool {
    RUN_BYTES[usize::from(byte)]
}

/// [`is_run_byte`] of every byte: one load per byte on the long runs of a minified file.
static RUN_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_');
        byte += 1;
    }
    table
};

/// The run that starts at `at`, if one worth decoding does: at least [`MIN_RUN`] (at most
/// [`MAX_RUN`]) run bytes with no run byte just before, `(start, end)` with its `=` padding.
/// Reads no further than the run.
pub(crate) fn run_at(source: &[u8], at: usize) -> Option<(usize, usize)> {
    if at >= source.len() || (at > 0 && is_run_byte(source[at - 1])) {
        return None;
    }
    let limit = source.len().min(at + MAX_RUN + 1);
    let len = source[at..limit]
        .iter()
        .take_while(|&&b| is_run_byte(b))
        .count();
    if !(MIN_RUN..=MAX_RUN).contains(&len) {
        return None;
    }
    let mut end = at + len;
    while end < source.len() && end - (at + len) < 2 && source[end] == b'=' {
        end += 1;
    }
    Some((at, end))
}

/// The text `run` decodes to, or `None` when it is not base64 or not text.
pub(crate) fn decode_text(run: &[u8]) -> Option<Vec<u8>> {
    let decoded = decode(run)?;
    is_text(&decoded).then_some(decoded)
}

/// A run that decoded to text: its span in the source and its text's span in the view.
/// Whether the run at `run` may decode to text: its first 24 characters decode to bytes with
/// no control character and no byte that cannot start or continue UTF-8 there. A necessary
/// condition of [`decode_text`], without its allocation: a run of random letters and digits
/// (a hash, a session token) fails it within a few bytes.
pub(crate) fn may_be_text(run: &[u8]) -> bool {
    let mut bits = 0u32;
    let mut held = 0;
    // Continuation bytes the UTF-8 sequence being read still needs.
    let mut continuations = 0;
    for &b in run.iter().take(24).take_while(|&&b| b != b'=') {
        let Some(sextet) = sextet(b) else {
            return false;
        };
        bits = bits << 6 | u32::from(sextet);
        held += 6;
        if held < 8 {
            continue;
        }
        held -= 8;
        let byte = (bits >> held) as u8;
        let fits = match byte {
            b'\n' | b'\r' | b'\t' | 0x20..=0x7e => continuations == 0,
            0x80..=0xbf => continuations > 0,
            0xc2..=0xdf => continuations == 0 && set(&mut continuations, 1),
            0xe0..=0xef => continuations == 0 && set(&mut continuations, 2),
            0xf0..=0xf4 => continuations == 0 && set(&mut continuations, 3),
            // Control characters, DEL, and bytes never in UTF-8.
            _ => false,
        };
        if !fits {
            return false;
        }
        if (0x80..=0xbf).contains(&byte) {
            continuations -= 1;
        }
    }
    true
}

/// Sets `slot` to `value`; true, so that it reads as one more condition.
fn set(slot: &mut u8, value: u8) -> bool {
    *slot = value;
    true
}

pub(crate) type DecodedRun = ((usize, usize), (usize, usize));

/// `source[from..to]` with the `runs` in it that decode to text replaced by that text, and
/// those runs; `None` when none does. Each quad of four characters maps back to itself.
pub(crate) fn decode_runs(
    source: &[u8],
    from: usize,
    to: usize,
    runs: &[(usize, usize)],
) -> Option<(View, Vec<DecodedRun>)> {
    let mut view = View::with_capacity(to - from);
    let mut copied = from;
    let mut decoded = Vec::new();
    for &(start, end) in runs {
        if start < copied || end > to {
            continue;
        }
        let Some(text) = decode_text(&source[start..end]) else {
            continue;
        };
        view.copy(source, copied, start);
        let text_start = view.len();
        let chars = source[start..end]
            .iter()
            .position(|&b| b == b'=')
            .unwrap_or(end - start);
        for (quad, bytes) in text.chunks(3).enumerate() {
            let quad_start = start + quad * 4;
            let quad_end = (quad_start + 4).min(start + chars);
            view.push_decoded(bytes, quad_start, quad_end);
        }
        decoded.push(((start, end), (text_start, view.len())));
        copied = end;
    }
    view.copy(source, copied, to);
    (!decoded.is_empty()).then_some((view, decoded))
}

/// Decodes a run in either alphabet, or `None` if it mixes them or has a bad length.
fn decode(run: &[u8]) -> Option<Vec<u8>> {
    let body = match run.iter().position(|&b| b == b'=') {
        Some(padding) => &run[..padding],
        None => run,
    };
    let standard = body.iter().any(|&b| b == b'+' || b == b'/');
    let url_safe = body.iter().any(|&b| b == b'-' || b == b'_');
    if (standard && url_safe) || body.len() % 4 == 1 {
        return None;
    }
    let mut out = Vec::with_capacity(body.len() / 4 * 3 + 2);
    let mut bits = 0u32;
    let mut held = 0;
    for &b in body {
        bits = bits << 6 | u32::from(sextet(b)?);
        held += 6;
        if held >= 8 {
            held -= 8;
            out.push((bits >> held) as u8);
        }
    }
    Some(out)
}

/// The six bits a base64 character stands for, in either alphabet.
fn sextet(b: u8) -> Option<u8> {
    match b {
        b'A'..=b'Z' => Some(b - b'A'),
        b'a'..=b'z' => Some(b - b'a' + 26),
        b'0'..=b'9' => Some(b - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Whether `bytes` read as text: valid UTF-8 and no control character but line breaks and tabs.
fn is_text(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && std::str::from_utf8(bytes).is_ok()
        && !bytes
            .iter()
            .any(|&b| (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t')) || b == 0x7f)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Encodes `bytes` in the standard alphabet with padding (for the tests only).
    fn encode(bytes: &[u8]) -> String {
        const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for chunk in bytes.chunks(3) {
            let n =
                chunk.iter().fold(0u32, |v, &b| v << 8 | u32::from(b)) << (8 * (3 - chunk.len()));
            for i in 0..=chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            }
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
        out
    }

    #[test]
    fn decodes_both_alphabets_with_or_without_padding() {
        for text in [&b"user:pass-word_1"[..], b"a", b"ab", b"abc", b"~~~???>>>"] {
            let encoded = encode(text);
            assert_eq!(decode(encoded.as_bytes()).unwrap(), text);
            let unpadded = encoded.trim_end_matches('=');
            assert_eq!(decode(unpadded.as_bytes()).unwrap(), text);
            let url_safe = unpadded.replace('+', "-").replace('/', "_");
            assert_eq!(decode(url_safe.as_bytes()).unwrap(), text);
        }
        assert!(decode(b"ab+c-d").is_none());
        assert!(decode(b"abcde").is_none());
    }

    #[test]
    fn a_run_that_decodes_to_text_may_be_text() {
        let mut state = 0x2545_F491_4F6C_DD1D_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut rejected = 0;
        for round in 0..4000 {
            // Text of every kind, and random bytes.
            let bytes: Vec<u8> = (0..(next() % 40 + 1))
                .map(|_| match round % 3 {
                    0 => b"abc XYZ 019 :/-_\n{}\"="[(next() % 21) as usize],
                    1 => "é€ñ".as_bytes()[(next() % 7) as usize],
                    _ => next() as u8,
                })
                .collect();
            let run = encode(&bytes);
            let may = may_be_text(run.as_bytes());
            if decode_text(run.as_bytes()).is_some() {
                assert!(may, "{bytes:?} is text, {run} was turned away");
            }
            rejected += usize::from(!may);
        }
        // Most random runs are turned away without an allocation.
        assert!(rejected > 1000, "{rejected}");
    }

    #[test]
    fn only_text_is_decoded_and_quads_map_back() {
        let secret_line = "token: c2VjcmV0LXZhbHVlLTEyMzQ1Ng==\n";
        let source = secret_line.as_bytes();
        let found = vec![run_at(source, 7).unwrap()];
        assert_eq!(found, [(7, 35)]);
        let (view, decoded) = decode_runs(source, 0, source.len(), &found).unwrap();
        assert_eq!(decoded, [((7, 35), (7, 26))]);
        assert_eq!(view.bytes(), b"token: secret-value-123456\n");
        // "value" is bytes 14..19 of the view, 7..12 of the decoded text: quads 2..4.
        assert_eq!(view.source_span(14, 19), (7 + 8, 7 + 16));
        // Random bytes (a PNG, a hash) are not text.
        let binary = encode(&[
            0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82,
        ]);
        assert!(decode_text(binary.as_bytes()).is_none());
        // A run glued to a longer word is not a run of its own; a short one is too short.
        let line = b"x=abcdefghijklmnopqrstuvwxyz0123== y";
        assert_eq!(run_at(line, 2), Some((2, 34)));
        assert_eq!(run_at(line, 3), None);
        assert_eq!(run_at(b"x=abc", 2), None);
    }
}

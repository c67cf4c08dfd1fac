//! Making scanned bytes safe to print: every report, snippet and redacted secret passes
//! through [`sanitize`], so a scanned file can never drive the reader's terminal.

/// Makes scanned bytes safe to print: invalid UTF-8 becomes `�`; control characters
/// (which could carry terminal escape sequences) and bidirectional overrides are escaped.
///
/// ```
/// use leakward::printable::sanitize;
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

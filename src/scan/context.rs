//! What the text around a random-looking value says about it: a CSRF token, an ICE password
//! of a WebRTC offer, a checksum in a lockfile or a subresource-integrity hash is random and
//! public. Looked at only for values a generic rule captured, never per byte.

/// Parts of a name that mark a public or non-secret random value. Matched case-insensitively
/// inside the name that is assigned the value, with `_`, `-` and `.` ignored.
const PUBLIC_NAME_PARTS: &[&[u8]] = &[
    b"csrf",
    b"xsrf",
    b"authenticitytoken",
    b"icepwd",
    b"iceufrag",
    b"nonce",
    b"idempotency",
    b"checksum",
    b"integrity",
    b"sha1",
    b"sha256",
    b"sha384",
    b"sha512",
    b"md5",
    b"digest",
    b"hash",
    b"etag",
    b"pagetoken",
    b"nexttoken",
    b"continuationtoken",
    b"cursor",
    b"tokentype",
    b"tokenizer",
    b"publickey",
    b"publishable",
    b"keyid",
    b"secretname",
    b"secretref",
    b"secretkeyref",
    b"tokenurl",
    b"tokenuri",
    b"tokenendpoint",
    b"authurl",
    b"authuri",
    b"authority",
    b"author",
];

/// Prefixes of values that are hashes by construction (subresource integrity, `sha256:` ids).
const HASH_PREFIXES: &[&[u8]] = &[b"sha1-", b"sha256-", b"sha384-", b"sha512-", b"md5-"];

/// How far back from a value its name is looked for.
const NAME_REACH: usize = 96;

/// Whether the value at `blob[start..end]` is, by its context, a public random value rather
/// than a secret: its name says so (`csrf_token`, `a=ice-pwd:`, `integrity`, `checksum`) or it
/// is a prefixed hash (`sha512-…`).
pub fn is_public_value(blob: &[u8], start: usize, end: usize) -> bool {
    let value = &blob[start..end];
    if HASH_PREFIXES
        .iter()
        .any(|p| value.len() > p.len() && value[..p.len()].eq_ignore_ascii_case(p))
    {
        return true;
    }
    let name = assigned_name(blob, start);
    let mut folded = [0u8; NAME_REACH];
    let mut len = 0;
    for &b in name {
        if b.is_ascii_alphanumeric() {
            folded[len] = b.to_ascii_lowercase();
            len += 1;
        }
    }
    let folded = &folded[..len];
    PUBLIC_NAME_PARTS
        .iter()
        .any(|part| folded.windows(part.len()).any(|w| w == *part))
}

/// The name a value at `start` is assigned to: back over quotes, spaces and one assignment
/// operator (`=`, `:`, `=>`, `>`, `,`), then over the name's characters, on the same line.
fn assigned_name(blob: &[u8], start: usize) -> &[u8] {
    let floor = start.saturating_sub(NAME_REACH);
    let mut i = start;
    let skippable = |b: u8| matches!(b, b'"' | b'\'' | b'`' | b' ' | b'\t' | b']' | b'\\');
    while i > floor && skippable(blob[i - 1]) {
        i -= 1;
    }
    let mut operators = 0;
    while i > floor && matches!(blob[i - 1], b'=' | b':' | b'>' | b',') && operators < 2 {
        i -= 1;
        operators += 1;
    }
    while i > floor && skippable(blob[i - 1]) {
        i -= 1;
    }
    let name_end = i;
    let name_char = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    while i > floor && name_char(blob[i - 1]) {
        i -= 1;
    }
    let name = &blob[i..name_end];
    if name.eq_ignore_ascii_case(b"value") || name.eq_ignore_ascii_case(b"content") {
        // `<input name="csrf_token" value="…">`, `<add key="…" value="…"/>`: the name is the
        // attribute before.
        while i > floor && skippable(blob[i - 1]) {
            i -= 1;
        }
        while i > floor && name_char(blob[i - 1]) {
            i -= 1;
        }
        return &blob[i..name_end];
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn public(line: &str, value: &str) -> bool {
        let start = line.find(value).expect("value in line");
        is_public_value(line.as_bytes(), start, start + value.len())
    }

    #[test]
    fn names_that_mark_public_random_values() {
        assert!(public(
            "a=ice-pwd:asd88fgpdd777uzjYhagZg",
            "asd88fgpdd777uzjYhagZg"
        ));
        assert!(public(
            "<meta name=\"csrf-token\" content=\"x\"> csrf_token = 'Mj2qykJO5rELyHgezQ69'",
            "Mj2qykJO5rELyHgezQ69"
        ));
        assert!(public(
            "  \"nextPageToken\": \"CAUQAAzz9Kq2\",",
            "CAUQAAzz9Kq2"
        ));
        assert!(public(
            "checksum = \"5cd51afac7debdfc\"",
            "5cd51afac7debdfc"
        ));
        assert!(public(
            "integrity sha512-Qh0G9VSph759rHsH9xFJ",
            "sha512-Qh0G9VSph759rHsH9xFJ"
        ));
    }

    #[test]
    fn secret_names_are_not_public() {
        // Built at run time: the repository's own scan would report the assignments.
        let value = ["Wq7rZp2L", "fN9kXv4T", "bYc8Hd"].concat();
        for line in [
            format!("API_TOKEN={value}"),
            format!("  \"apiKey\": \"{value}\""),
            format!("db_password => '{value}'"),
        ] {
            assert!(!public(&line, &value), "{line}");
        }
    }
}

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
    b"publictoken",
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
/// than a secret: its name says so (`csrf_token`, `a=ice-pwd:`, `integrity`, `checksum`), its
/// name ends in `id` (`AUTH0_CLIENT_ID`, `credentialId`: an identifier, though its name holds
/// a secret's word) or it is a prefixed hash (`sha512-…`).
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
    names_an_identifier(name)
        || PUBLIC_NAME_PARTS
            .iter()
            .any(|part| folded.windows(part.len()).any(|w| w == *part))
}

/// Whether a name's last word is `id` or `ids` (`client_id`, `credentialId`, `clientID`), and
/// not a Vault AppRole `secret_id`, which is a credential.
fn names_an_identifier(name: &[u8]) -> bool {
    let words = name_words(name);
    match words.as_slice() {
        [.., before, last] if is_id_word(last) => !before.eq_ignore_ascii_case(b"secret"),
        [last] => is_id_word(last),
        _ => false,
    }
}

fn is_id_word(word: &[u8]) -> bool {
    word.eq_ignore_ascii_case(b"id") || word.eq_ignore_ascii_case(b"ids")
}

/// A name's words: split at `_`, `-`, `.` and where a lower-case letter or digit meets an
/// upper-case one (`credentialId`, `clientID`: `client`, `ID`).
pub(super) fn name_words(name: &[u8]) -> Vec<&[u8]> {
    let mut words = Vec::new();
    let mut start = 0;
    for i in 0..=name.len() {
        let boundary = i == name.len()
            || matches!(name[i], b'_' | b'-' | b'.')
            || (i > start
                && name[i].is_ascii_uppercase()
                && (name[i - 1].is_ascii_lowercase() || name[i - 1].is_ascii_digit()));
        if boundary {
            if i > start {
                words.push(&name[start..i]);
            }
            start = if i < name.len() && !name[i].is_ascii_alphanumeric() {
                i + 1
            } else {
                i
            };
        }
    }
    words
}

/// Whether the value at `blob[start..end]` opened with a quote but ends before that quote
/// closes (`"DyV64pq66z&cd00l"` cut at `&`, `"correct horse"` cut at the space): a piece of a
/// longer string, whose randomness says nothing about the string's.
pub fn is_quoted_fragment(blob: &[u8], start: usize, end: usize) -> bool {
    let Some(&quote) = start.checked_sub(1).and_then(|i| blob.get(i)) else {
        return false;
    };
    if !matches!(quote, b'"' | b'\'' | b'`') {
        return false;
    }
    match blob.get(end) {
        None => false,
        Some(&b) if b == quote => false,
        // An escaped closing quote (`\"value\"` inside a JSON string).
        Some(b'\\') => blob.get(end + 1) != Some(&quote),
        Some(_) => true,
    }
}

/// Whether the value at `blob[start..end]` is assigned to a key's or a token's name (`API_KEY`,
/// `auth_token`, `credentials`; not a password's or a secret's) but holds what keys and
/// tokens never do: a sign among `!@#^*`, a `%` that is not a URL escape (`%2F`), or `=`
/// before the end (base64 pads only at the end). Generated keys and tokens are drawn from
/// letters, digits and `-_.~+/`; passwords and secrets (Django's `SECRET_KEY`) may hold any
/// sign, so those names keep them, and so do values with no such name (a URL's password).
pub fn is_signed_token_value(blob: &[u8], start: usize, end: usize) -> bool {
    let value = &blob[start..end];
    let signed = value.iter().enumerate().any(|(i, &b)| match b {
        b'!' | b'@' | b'#' | b'^' | b'*' => true,
        b'%' => {
            !(value.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && value.get(i + 2).is_some_and(u8::is_ascii_hexdigit))
        }
        b'=' => value[i..].iter().any(|&b| b != b'='),
        _ => false,
    });
    if !signed {
        return false;
    }
    let has = |word: &[u8], parts: &[&[u8]]| {
        let word = word.to_ascii_lowercase();
        parts
            .iter()
            .any(|part| word.windows(part.len()).any(|w| w == *part))
    };
    let words = name_words(assigned_name(blob, start));
    words
        .iter()
        .any(|w| has(w, &[b"key", b"token", b"auth", b"credential"]))
        && !words
            .iter()
            .any(|w| has(w, &[b"pass", b"pwd", b"secret", b"phrase"]))
}

/// Whether a value holds a printf conversion (`%s`, `%d`, `%v`, `%c` … followed by a character
/// that is not a letter or digit, so not a URL escape like `%2F` or `%cF`): a format string
/// with a hole, not a secret.
pub fn is_format_template(value: &[u8]) -> bool {
    value.windows(2).enumerate().any(|(i, pair)| {
        pair[0] == b'%'
            && matches!(
                pair[1],
                b's' | b'd' | b'v' | b'c' | b'q' | b'x' | b'f' | b'i'
            )
            && value
                .get(i + 2)
                .map_or(true, |next| !next.is_ascii_alphanumeric())
    })
}

/// The name a value at `start` is assigned to: back over quotes, spaces and one assignment
/// operator (`=`, `:`, `=>`, `>`, `,`), then over the name's characters, on the same line.
pub(super) fn assigned_name(blob: &[u8], start: usize) -> &[u8] {
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

    fn signed_token(line: &str, value: &str) -> bool {
        let start = line.find(value).expect("value in line");
        is_signed_token_value(line.as_bytes(), start, start + value.len())
    }

    #[test]
    fn signs_in_a_key_or_token_are_not_a_key_or_token() {
        assert!(signed_token(
            "API_KEY=Qh6DP6Zf7vHtm@DDsbS219qcz4d883Y9",
            "Qh6DP6Zf7vHtm@DDsbS219qcz4d883Y9"
        ));
        assert!(signed_token(
            "credentials: yUeIqnFwILOIlEPyBt+=JOAdwfQ7",
            "yUeIqnFwILOIlEPyBt+=JOAdwfQ7"
        ));
        assert!(!signed_token(
            "api_key: yUeIqnFwILOIlEPyBtJOAdwfQ7==", // leakward:allow
            "yUeIqnFwILOIlEPyBtJOAdwfQ7=="
        ));
        assert!(!signed_token(
            "DB_PASSWORD=%uD!Am3zwr8FwGv*%=jE", // leakward:allow
            "%uD!Am3zwr8FwGv*%=jE"
        ));
        assert!(!signed_token(
            "SECRET_KEY = 'x9!k@2#zq^8*mw'", // leakward:allow
            "x9!k@2#zq^8*mw"
        ));
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
    fn names_that_end_in_id_are_identifiers_but_a_secret_id_is_not() {
        assert!(public(
            "export AUTH0_CLIENT_ID=\"nUBJjeJElAPmpwBjhWgW\"",
            "nUBJjeJElAPmpwBjhWgW"
        ));
        assert!(public(
            "  \"credentialId\": \"B9mTcFSck2LzJO2S3ols\",",
            "B9mTcFSck2LzJO2S3ols"
        ));
        assert!(public("auth0_clientID: e4T9Cw1CtwE8ufo", "e4T9Cw1CtwE8ufo"));
        assert!(!public(
            "VAULT_SECRET_ID=9f1c4d2e8a7b6c5d",
            "9f1c4d2e8a7b6c5d"
        ));
        assert!(!public("apiKeyValid = Zx8Kq2Lm9Vb4", "Zx8Kq2Lm9Vb4")); // leakward:allow
        assert!(!public("GITHUB_TOKEN=Zx8Kq2Lm9Vb4", "Zx8Kq2Lm9Vb4")); // leakward:allow
        assert!(public(
            "publicToken = \"9Cnzj4p4WGeKLs1Pt8Qu\"",
            "9Cnzj4p4WGeKLs1Pt8Qu"
        ));
    }

    #[test]
    fn a_piece_of_a_quoted_string_is_a_fragment() {
        let fragment = |line: &str, value: &str| {
            let start = line.find(value).expect("value in line");
            is_quoted_fragment(line.as_bytes(), start, start + value.len())
        };
        assert!(fragment("secret = \"DyV64pq66z&cd00l\"", "DyV64pq66z"));
        assert!(fragment("password: 'correct horse'", "correct"));
        assert!(!fragment("secret = \"DyV64pq66zcd00l\"", "DyV64pq66zcd00l")); // leakward:allow
        assert!(!fragment("{\\\"token\\\": \\\"Kq2Lm9Vb4\\\"}", "Kq2Lm9Vb4")); // leakward:allow
        assert!(!fragment("TOKEN=Kq2Lm9Vb4&x=1", "Kq2Lm9Vb4")); // leakward:allow
        assert!(!fragment("\"Kq2Lm9Vb4", "Kq2Lm9Vb4"));
    }

    #[test]
    fn printf_conversions_make_a_template() {
        assert!(is_format_template(b"DyVdf7%c^AXw4MH9gT1CP"));
        assert!(is_format_template(b"Bearer%s"));
        assert!(is_format_template(b"key-%d-x"));
        assert!(!is_format_template(b"spring%2Fpass%3Dq8Zt"));
        assert!(!is_format_template(b"%uD!Am3zwr8FwGv*%=jE"));
        assert!(!is_format_template(b"Zx8Kq2%cFLm9Vb4"));
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

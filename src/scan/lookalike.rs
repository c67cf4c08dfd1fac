//! Checks that tell a real-looking secret from a placeholder or a slice of other data.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder};
use std::sync::OnceLock;

/// Words and template markers that never occur in a real key but do in placeholders. They are
/// long enough (or made of punctuation) that random key characters contain them by chance only
/// with negligible probability.
const PLACEHOLDER_MARKERS: &[&str] = &[
    "****",
    "...",
    "…",
    "<",
    ">",
    "${",
    "{{",
    "}}",
    "$(",
    "%(",
    "example",
    "placeholder",
    "redacted",
    "dummy",
    "changeme",
    // Oracle's demo account scott/tiger, which SQLAlchemy's, JDBC's and Oracle's own docs and
    // tests use everywhere (`scott:tiger@localhost`, `PASSWORD = 'tiger^5HHH'`).
    "tiger",
    "sample",
    "insert",
    "replace",
];

/// Short placeholder words that random characters do contain by chance (about once in a
/// million characters each), so they count only at a word edge: `your-key`, `YOUR_KEY`,
/// `sk-proj-XXXX…`, `myFakeKey`, but not inside `…Xyour3…` in a long random body.
const SHORT_PLACEHOLDER_WORDS: &[&str] = &["your", "fake", "xxxx"];

fn placeholder_markers() -> &'static AhoCorasick {
    static MARKERS: OnceLock<AhoCorasick> = OnceLock::new();
    MARKERS.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(PLACEHOLDER_MARKERS)
            .expect("the placeholder markers are valid literals")
    })
}

fn short_placeholder_words() -> &'static AhoCorasick {
    static WORDS: OnceLock<AhoCorasick> = OnceLock::new();
    WORDS.get_or_init(|| {
        AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(SHORT_PLACEHOLDER_WORDS)
            .expect("the placeholder words are valid literals")
    })
}

/// Whether `text[start..end]` starts or ends at a word edge: the text's edge, a neighbour that
/// is not alphanumeric, or a change from lower to upper case.
fn at_word_edge(text: &[u8], start: usize, end: usize) -> bool {
    let left = start == 0
        || !text[start - 1].is_ascii_alphanumeric()
        || (text[start - 1].is_ascii_lowercase() && text[start].is_ascii_uppercase());
    let right = end == text.len()
        || !text[end].is_ascii_alphanumeric()
        || (text[end - 1].is_ascii_lowercase() && text[end].is_ascii_uppercase());
    left || right
}

/// Whether `secret` looks like a placeholder rather than a key.
///
/// `prefix_len` bytes at the start are the provider prefix and are not judged for variety.
///
/// ```
/// use leakward::scan::is_placeholder;
/// assert!(is_placeholder(b"sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX", 8));
/// assert!(is_placeholder(b"your-api-key-goes-here-0000000", 0));
/// assert!(!is_placeholder(b"q8Zt3LmW0pXv7RkB2sYc9NdH4jFa6GeU", 0));
/// ```
pub fn is_placeholder(secret: &[u8], prefix_len: usize) -> bool {
    let body = &secret[prefix_len.min(secret.len())..];
    if distinct_bytes(body) < 4 {
        return true;
    }
    if longest_ascending_run(body) >= 8 || is_counted(body) {
        return true;
    }
    placeholder_markers().is_match(secret)
        || short_placeholder_words()
            .find_overlapping_iter(secret)
            .any(|m| at_word_edge(secret, m.start(), m.end()))
}

fn distinct_bytes(bytes: &[u8]) -> usize {
    let mut seen = [false; 256];
    bytes.iter().for_each(|&b| seen[b as usize] = true);
    seen.iter().filter(|&&s| s).count()
}

/// Whether `body` was counted out by hand: every second or third character ascends for eight
/// steps (`a1b2c3d4e5f6a7b8…`, `aA1bB2cC3dD4…`), or at least half of all neighbours ascend
/// (`xbc123def456ghi789…`). In random characters a neighbour ascends about once in thirty.
fn is_counted(body: &[u8]) -> bool {
    let ascends = |a: u8, b: u8| a.is_ascii_alphanumeric() && b == a.wrapping_add(1);
    let strided = (2..=3).any(|stride| {
        let mut runs = [1usize; 3];
        body.windows(stride + 1).enumerate().any(|(i, w)| {
            let run = &mut runs[i % stride];
            *run = if ascends(w[0], w[stride]) {
                *run + 1
            } else {
                1
            };
            *run >= 8
        })
    });
    let ascending = body
        .windows(2)
        .filter(|pair| ascends(pair[0], pair[1]))
        .count();
    strided || (body.len() >= 16 && ascending * 2 >= body.len() - 1)
}

fn longest_ascending_run(bytes: &[u8]) -> usize {
    let mut longest = usize::from(!bytes.is_empty());
    let mut run = longest;
    for pair in bytes.windows(2) {
        if pair[0].is_ascii_alphanumeric() && pair[1] == pair[0].wrapping_add(1) {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 1;
        }
    }
    longest
}

/// Whether `value` is a name from code rather than a generated secret: an upper-case constant
/// (`D3DKMT_HANDLE_TYPE`) or a value mostly made of words (`X509RequestInheritOptions`,
/// `userSessionTokenProvider`), which `name: Type` annotations put where a value would be.
///
/// ```
/// use leakward::scan::is_code_name;
/// assert!(is_code_name(b"D3DKMT_HANDLE_TYPE_A1"));
/// assert!(is_code_name(b"X509RequestInheritOptions"));
/// assert!(!is_code_name(b"Wq7rZp2LfN9kXv4TbYc8Hd"));
/// ```
pub fn is_code_name(value: &[u8]) -> bool {
    let constant = value.contains(&b'_')
        && value
            .iter()
            .all(|&b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    constant || word_coverage(value) * 10 >= value.len() * 7
}

/// Bytes of `value` inside word-like runs: an optional capital and at least three lower-case letters.
fn word_coverage(value: &[u8]) -> usize {
    let mut covered = 0;
    let mut i = 0;
    while i < value.len() {
        let start = i;
        if value[i].is_ascii_uppercase() {
            i += 1;
        }
        let lower_start = i;
        while i < value.len() && value[i].is_ascii_lowercase() {
            i += 1;
        }
        if i - lower_start >= 3 {
            covered += i - start;
        } else if i == start {
            i += 1;
        } else {
            i = lower_start.max(start + 1);
        }
    }
    covered
}

/// Whether the secret at `start..end` is a slice of a longer base64 run (an image, a
/// certificate, an integrity hash) rather than a token standing on its own.
///
/// Only secrets made of base64 characters can be such a slice. The run must reach at least
/// 16 base64 bytes beyond the secret and have a `+` or `/` next to it, which a token
/// delimited by quotes, spaces or `=` never has.
pub fn is_inside_base64_blob(blob: &[u8], start: usize, end: usize) -> bool {
    const REACH: usize = 64;
    let is_b64 = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'/';
    if !blob[start..end].iter().all(|&b| is_b64(b) || b == b'=') {
        // A secret with `-`, `_`, `:` or `.` in it cannot be a slice of base64 data.
        return false;
    }
    let before = blob[start.saturating_sub(REACH)..start]
        .iter()
        .rev()
        .take_while(|&&b| is_b64(b))
        .count();
    let after = blob[end..(end + REACH).min(blob.len())]
        .iter()
        .take_while(|&&b| is_b64(b) || b == b'=')
        .count();
    if before + after < 16 {
        return false;
    }
    let touches_slash_or_plus = |b: Option<&u8>| matches!(b, Some(b'+') | Some(b'/'));
    touches_slash_or_plus(start.checked_sub(1).and_then(|i| blob.get(i)))
        || touches_slash_or_plus(blob.get(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders() {
        for p in [
            &b"sk-proj-XXXXXXXXXXXXXXXXXXXXXXXX"[..],
            b"sk-ant-api03-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            b"ghp_0123456789abcdefghijklmnopqrstuvwxyz",
            b"AKIAIOSFODNN7EXAMPLE",
            b"${OPENAI_API_KEY}",
            b"{{ secrets.OPENAI_KEY }}",
            b"<your-api-key>",
            b"sk-...",
            b"REDACTED_REDACTED_1",
            b"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",
            b"configcat-sdk-1/short/aA1bB2cC3dD4eE5fF6gG7h",
            b"xbc123def456ghi789jkl012mno345",
            b"tiger^5HHH",
        ] {
            let prefix = [&b"sk-proj-"[..], b"sk-ant-api03-"]
                .iter()
                .find(|k| p.starts_with(k))
                .map_or(0, |k| k.len());
            assert!(is_placeholder(p, prefix), "{}", String::from_utf8_lossy(p));
        }
    }

    #[test]
    fn random_tokens_are_not_placeholders() {
        for t in [
            &b"gsk_q8Zt3LmW0pXWGdyb3FYv7RkB2sYc9NdH4jFa6GeUw1Tn5Ko8Pb"[..],
            b"4c3ca51a-1b4f-4d26-b7d9-3cf4c3f1c654",
        ] {
            assert!(!is_placeholder(t, 0), "{}", String::from_utf8_lossy(t));
        }
    }

    #[test]
    fn short_words_count_only_at_a_word_edge() {
        for p in [
            &b"your-api-key-here-0123"[..],
            b"MY_FAKE_TOKEN_VALUE_1",
            b"myFakeKeyQ8zT3lMw0PxV",
            b"ghp_xxxxxxxxxxxxxxxx",
        ] {
            assert!(is_placeholder(p, 0), "{}", String::from_utf8_lossy(p));
        }
        // Inside a long random body the same letters are chance, not a placeholder.
        for t in [
            &b"MIIEwAIBADANBgkqhkiG9w0Byour3BKowggSmAgEAAoIB"[..],
            b"q8Zt3LmW0pXfake2sYc9NdH4jFa6GeU",
        ] {
            assert!(!is_placeholder(t, 0), "{}", String::from_utf8_lossy(t));
        }
    }

    #[test]
    fn code_names_and_random_values() {
        for name in [
            &b"userSessionTokenProvider"[..],
            b"HttpRequestOptions2",
            b"MAX_RETRY_COUNT_V2",
        ] {
            assert!(is_code_name(name), "{}", String::from_utf8_lossy(name));
        }
        for secret in [
            &b"q8Zt3LmW0pXv7RkB2sYc9NdH4jFa6GeU"[..],
            b"rt1f_d-Mty9fGWbFgB23G4DxtKjJl-n",
            b"9f86d081884c7d659a2feaa0c55ad015",
        ] {
            assert!(!is_code_name(secret), "{}", String::from_utf8_lossy(secret));
        }
    }

    #[test]
    fn ascending_run() {
        assert_eq!(longest_ascending_run(b"x01234567y"), 8);
        assert_eq!(longest_ascending_run(b"a1b2c3"), 1);
        assert_eq!(longest_ascending_run(b""), 0);
    }

    #[test]
    fn base64_blob_slices() {
        // Built at run time so this file holds no key-shaped literal.
        let key = format!("{}{}", "AIza", "SyD3xV9qk2LmN8pQrS7tUvWx0yZaB1cD2eF");
        let blob =
            format!("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAAB/{key}+Gh0IjKlMnOp");
        let start = blob.find("AIza").unwrap();
        assert!(is_inside_base64_blob(blob.as_bytes(), start, start + 39));
        let line = format!("GOOGLE_API_KEY=\"{key}\"");
        let start = line.find("AIza").unwrap();
        assert!(!is_inside_base64_blob(line.as_bytes(), start, start + 39));
    }
}

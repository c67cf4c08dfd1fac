//! Provider prefixes: the keywords that begin a provider's keys (`sk-`, `apify_api_`,
//! `HRKU-AA`), which a generic rule leaves to the provider's own rule.

use super::Rule;
use std::collections::HashSet;

/// The provider prefixes of a rule set, lower-cased, with their lengths.
///
/// A keyword of a specific (not fallback) rule is a prefix when it ends in `_`, `-` or `.`
/// and is otherwise alphanumeric (`sk-`, `xoxp-`). For a rule whose every match starts at one
/// of its keywords (`starts_at_keyword`), a keyword is also a prefix when it is at least four
/// bytes of letters, digits, `_`, `-` and `.` and is not a plain lower-case word: it carries a
/// separator, a digit or a capital (`apify_api_`, `HRKU-AA`, `cmVmdGtu`, `AKIA`). Plain words
/// (`deepgram`, `secret`) name a provider next to a key; they do not begin one. Nor does
/// `eyJ…`, base64 of `{"`: the start of any JSON Web Token, which the JWT rule judges.
#[derive(Debug, Default)]
pub(crate) struct ProviderPrefixes {
    prefixes: HashSet<Vec<u8>>,
    lengths: Vec<usize>,
}

impl ProviderPrefixes {
    /// The prefixes of `rules`.
    pub(crate) fn of(rules: &[Rule]) -> ProviderPrefixes {
        let prefixes: HashSet<Vec<u8>> = rules
            .iter()
            .filter(|rule| !rule.fallback)
            .flat_map(|rule| {
                rule.keywords
                    .iter()
                    .filter(|keyword| is_prefix(keyword.as_bytes(), rule.starts_at_keyword))
            })
            .map(|keyword| keyword.as_bytes().to_ascii_lowercase())
            .collect();
        let mut lengths: Vec<usize> = prefixes.iter().map(Vec::len).collect();
        lengths.sort_unstable();
        lengths.dedup();
        ProviderPrefixes { prefixes, lengths }
    }

    /// Whether `value` starts with one of the prefixes and goes on past it.
    pub(crate) fn starts(&self, value: &[u8]) -> bool {
        self.lengths.iter().any(|&length| {
            value.len() > length
                && self
                    .prefixes
                    .contains(&value[..length].to_ascii_lowercase())
        })
    }
}

/// Whether `keyword`, of a rule that does or does not start at its keywords, begins keys.
fn is_prefix(keyword: &[u8], starts_at_keyword: bool) -> bool {
    let Some((&last, body)) = keyword.split_last() else {
        return false;
    };
    let separator = |b: &u8| matches!(b, b'_' | b'-' | b'.');
    if keyword.len() >= 3 && separator(&last) && body.iter().all(u8::is_ascii_alphanumeric) {
        return true;
    }
    starts_at_keyword
        && keyword.len() >= 4
        && keyword
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || separator(b))
        && !keyword.iter().all(u8::is_ascii_lowercase)
        && !keyword.starts_with(b"eyJ")
}

#[cfg(test)]
mod tests {
    use super::is_prefix;

    #[test]
    fn separators_digits_and_capitals_make_a_prefix_plain_words_do_not() {
        assert!(is_prefix(b"sk-", false));
        assert!(is_prefix(b"xoxp-", false));
        assert!(!is_prefix(b"apify_api_", false));
        assert!(is_prefix(b"apify_api_", true));
        assert!(is_prefix(b"HRKU-AA", true));
        assert!(is_prefix(b"cmVmdGtu", true));
        assert!(is_prefix(b"AKIA", true));
        assert!(!is_prefix(b"deepgram", true));
        assert!(!is_prefix(b"secret", true));
        assert!(!is_prefix(b"ghp", true));
        assert!(!is_prefix(b"mysql -", true));
        assert!(!is_prefix(b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9", true));
    }
}

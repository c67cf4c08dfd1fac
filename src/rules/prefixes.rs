//! Provider prefixes: the keywords that begin a provider's keys (`sk-`, `apify_api_`,
//! `HRKU-AA`), which a generic rule leaves to the provider's own rule.

use super::Rule;
use aho_corasick::{
    AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, Anchored, Input, MatchKind, StartKind,
};
use std::collections::HashSet;

/// The provider prefixes of a rule set, searched at the start of a value only (ASCII case
/// insensitive).
///
/// A keyword of a specific (not fallback) rule is a prefix when it ends in `_`, `-` or `.`
/// and is otherwise alphanumeric (`sk-`, `xoxp-`). For a rule whose every match starts at one
/// of its keywords (`starts_at_keyword`), a keyword is also a prefix when it is at least four
/// bytes of letters, digits, `_`, `-` and `.` and is not a plain lower-case word: it carries a
/// separator, a digit or a capital (`apify_api_`, `HRKU-AA`, `cmVmdGtu`, `AKIA`). Plain words
/// (`deepgram`, `secret`) name a provider next to a key; they do not begin one. Nor does
/// `eyJ…`, base64 of `{"`: the start of any JSON Web Token, which the JWT rule judges.
#[derive(Debug)]
pub(crate) struct ProviderPrefixes {
    automaton: AhoCorasick,
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
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .start_kind(StartKind::Anchored)
            .match_kind(MatchKind::LeftmostLongest)
            // Built on every run, searched a few bytes at a time: a cheap build wins.
            .kind(Some(AhoCorasickKind::ContiguousNFA))
            .build(prefixes)
            .expect("provider prefixes are short literals");
        ProviderPrefixes { automaton }
    }

    /// Whether `value` starts with one of the prefixes and goes on past the longest one it
    /// starts with.
    pub(crate) fn starts(&self, value: &[u8]) -> bool {
        self.automaton
            .find(Input::new(value).anchored(Anchored::Yes))
            .is_some_and(|m| m.end() < value.len())
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
    use crate::rules::RuleSet;

    #[test]
    fn values_that_start_with_a_builtin_prefix_and_go_on() {
        let rules = RuleSet::builtin().expect("built-in rules load");
        for value in [
            &b"apify_api_NcjXcxEz2XL1irjppyWSHvjghalQOd1LXOHv_extra"[..],
            b"APIFY_API_NcjXcxEz2XL1irjppyWSHvjghalQOd1LXOHv",
            b"HRKU-AAlQ1aVoHDujJ9QsDHdHlHO0hbzoERRSO45ZQusSYHg_____w4_hLrA",
            b"sk-q8Zt3LmW0pXv7RkB2sYc9NdH4jFa6GeU",
        ] {
            assert!(rules.starts_with_provider_prefix(value), "{value:?}");
        }
        for value in [
            &b"q8Zt3LmW0pXv7RkB2sYc9NdH4jFa6GeU"[..],
            b"apify_api_",
            b"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4In0.c2ln",
        ] {
            assert!(!rules.starts_with_provider_prefix(value), "{value:?}");
        }
    }

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

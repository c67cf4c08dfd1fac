//! The shared keyword automaton: one Aho-Corasick pass tells which rules to try and where.

use super::Rule;
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use std::collections::BTreeMap;

/// One automaton over the distinct keywords of all rules, with the rules each keyword feeds.
#[derive(Debug)]
pub struct KeywordIndex {
    automaton: AhoCorasick,
    /// For each automaton pattern, the indexes of the rules that list that keyword.
    owners: Vec<Vec<usize>>,
}

/// One keyword occurrence in a blob, for one rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeywordHit {
    /// Index of the rule in its [`crate::rules::RuleSet`].
    pub rule: usize,
    /// Byte offset where the keyword starts.
    pub start: usize,
    /// Byte offset just past the keyword.
    pub end: usize,
}

impl KeywordIndex {
    /// Builds the automaton for `rules`; keywords are lowercased and shared between rules.
    pub fn new(rules: &[Rule]) -> KeywordIndex {
        let mut by_keyword: BTreeMap<Vec<u8>, Vec<usize>> = BTreeMap::new();
        for (index, rule) in rules.iter().enumerate() {
            for keyword in &rule.keywords {
                let owners = by_keyword
                    .entry(keyword.to_ascii_lowercase().into_bytes())
                    .or_default();
                if !owners.contains(&index) {
                    owners.push(index);
                }
            }
        }
        let (patterns, owners): (Vec<Vec<u8>>, Vec<Vec<usize>>) = by_keyword.into_iter().unzip();
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .kind(Some(AhoCorasickKind::DFA))
            .build(&patterns)
            .or_else(|_| {
                AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .build(&patterns)
            })
            .expect("an automaton over short literal keywords always builds");
        KeywordIndex { automaton, owners }
    }

    /// Calls `on_hit` for every keyword occurrence (overlapping ones too) and every rule it feeds.
    pub fn for_each_hit(&self, haystack: &[u8], mut on_hit: impl FnMut(KeywordHit)) {
        for found in self.automaton.find_overlapping_iter(haystack) {
            for &rule in &self.owners[found.pattern().as_usize()] {
                on_hit(KeywordHit {
                    rule,
                    start: found.start(),
                    end: found.end(),
                });
            }
        }
    }
}

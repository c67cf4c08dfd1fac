//! The shared keyword automaton: one Aho-Corasick pass tells which rules to try and where,
//! and where the decoders should look (their trigger literals ride along in the same pass).

use super::interleaved::for_each_match_state;
use super::Rule;
use aho_corasick::automaton::Automaton;
use aho_corasick::nfa::noncontiguous;
use aho_corasick::{dfa, MatchKind};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// Bytes searched with the NFA before the DFA is built. Building the DFA over every keyword
/// costs about 74M instructions (two thirds of a `leakward staged` run); it searches faster
/// than the NFA, which pays off only over megabytes.
const DFA_AFTER: usize = 1 << 20;

/// One automaton over the distinct keywords of all rules, with the rules each keyword feeds,
/// and over the decoders' trigger literals: an NFA built with the index (the first stage of
/// any Aho-Corasick automaton, so the cheapest), and a DFA built from it (the fastest to
/// search) once the run has searched [`DFA_AFTER`] bytes. Both find the same occurrences.
#[derive(Debug)]
pub struct KeywordIndex {
    nfa: noncontiguous::NFA,
    /// The DFA, once built; `None` when it cannot be (very many keywords).
    dfa: OnceLock<Option<dfa::DFA>>,
    /// Bytes searched so far, by every thread.
    searched: AtomicUsize,
    /// For each automaton pattern, the indexes of the rules that list that keyword.
    owners: Vec<Vec<usize>>,
    /// For each automaton pattern, the trigger it is, if it is one (an index into the
    /// trigger literals the index was built with).
    triggers: Vec<Option<u8>>,
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

/// One occurrence of a trigger literal in a blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TriggerHit {
    /// Index of the literal in the list the index was built with.
    pub trigger: u8,
    /// Byte offset where the literal starts.
    pub start: usize,
    /// Byte offset just past the literal.
    pub end: usize,
}

impl KeywordIndex {
    /// Builds the automaton for `rules`; keywords are lowercased and shared between rules.
    /// `triggers` are more literals (at most 256, none empty, matched ASCII
    /// case-insensitively) whose occurrences [`KeywordIndex::for_each_hit_and_trigger`]
    /// reports; they feed no rule.
    ///
    /// Rule validation guarantees every keyword is at least 3 bytes long.
    pub fn new(rules: &[Rule], triggers: &[&[u8]]) -> KeywordIndex {
        let Literals {
            patterns,
            owners,
            triggers,
        } = distinct_literals(rules, triggers);
        // No prefilter: the interleaved search steps the automaton itself and has no use for it.
        let nfa = noncontiguous::Builder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .prefilter(false)
            .build(&patterns)
            .expect("an automaton over short literal keywords always builds");
        KeywordIndex {
            nfa,
            dfa: OnceLock::new(),
            searched: AtomicUsize::new(0),
            owners,
            triggers,
        }
    }

    /// The DFA over the same keywords, built from the NFA on the first call.
    fn dfa(&self) -> Option<&dfa::DFA> {
        self.dfa
            .get_or_init(|| dfa::Builder::new().build_from_noncontiguous(&self.nfa).ok())
            .as_ref()
    }

    /// Calls `on_hit` for every keyword occurrence (overlapping ones too) and every rule it
    /// feeds, in order of the keyword's end.
    pub fn for_each_hit(&self, haystack: &[u8], on_hit: impl FnMut(KeywordHit)) {
        self.for_each_hit_and_trigger(haystack, on_hit, |_| {});
    }

    /// [`KeywordIndex::for_each_hit`], and `on_trigger` for every occurrence of a trigger
    /// literal, in the same single pass.
    pub fn for_each_hit_and_trigger(
        &self,
        haystack: &[u8],
        on_hit: impl FnMut(KeywordHit),
        on_trigger: impl FnMut(TriggerHit),
    ) {
        let searched = self.searched.fetch_add(haystack.len(), Ordering::Relaxed);
        match (searched + haystack.len() >= DFA_AFTER)
            .then(|| self.dfa())
            .flatten()
        {
            Some(dfa) => self.hits_of(dfa, haystack, on_hit, on_trigger),
            None => self.hits_of(&self.nfa, haystack, on_hit, on_trigger),
        }
    }

    /// [`KeywordIndex::for_each_hit_and_trigger`] with one of the two automata.
    fn hits_of<A: Automaton>(
        &self,
        automaton: &A,
        haystack: &[u8],
        mut on_hit: impl FnMut(KeywordHit),
        mut on_trigger: impl FnMut(TriggerHit),
    ) {
        for_each_match_state(automaton, haystack, |state, end| {
            for index in 0..automaton.match_len(state) {
                let pattern = automaton.match_pattern(state, index);
                let start = end - automaton.pattern_len(pattern);
                for &rule in &self.owners[pattern.as_usize()] {
                    on_hit(KeywordHit { rule, start, end });
                }
                if let Some(trigger) = self.triggers[pattern.as_usize()] {
                    on_trigger(TriggerHit {
                        trigger,
                        start,
                        end,
                    });
                }
            }
        });
    }
}

/// The automaton's patterns, and for each the rules that list it and the trigger it is.
struct Literals {
    patterns: Vec<Vec<u8>>,
    owners: Vec<Vec<usize>>,
    triggers: Vec<Option<u8>>,
}

/// The distinct lowercased keywords of `rules` and `triggers`, sorted, each with the rules
/// that list it and the trigger it is.
fn distinct_literals(rules: &[Rule], triggers: &[&[u8]]) -> Literals {
    let mut by_literal: BTreeMap<Vec<u8>, (Vec<usize>, Option<u8>)> = BTreeMap::new();
    for (index, rule) in rules.iter().enumerate() {
        for keyword in &rule.keywords {
            let (owners, _) = by_literal
                .entry(keyword.to_ascii_lowercase().into_bytes())
                .or_default();
            if !owners.contains(&index) {
                owners.push(index);
            }
        }
    }
    for (index, literal) in triggers.iter().enumerate().take(256) {
        if !literal.is_empty() {
            by_literal
                .entry(literal.to_ascii_lowercase())
                .or_default()
                .1
                .get_or_insert(index as u8);
        }
    }
    let mut patterns = Vec::with_capacity(by_literal.len());
    let mut owners = Vec::with_capacity(by_literal.len());
    let mut trigger_of = Vec::with_capacity(by_literal.len());
    for (literal, (rules, trigger)) in by_literal {
        patterns.push(literal);
        owners.push(rules);
        trigger_of.push(trigger);
    }
    Literals {
        patterns,
        owners,
        triggers: trigger_of,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::interleaved::{MIN_SEGMENT, STREAMS};
    use crate::rules::RuleSet;
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder};

    /// The built-in rules' index, its keywords, and the crate's plain overlapping search over
    /// the same keywords: the reference the interleaved search must agree with.
    struct Fixture {
        rules: RuleSet,
        patterns: Vec<Vec<u8>>,
        owners: Vec<Vec<usize>>,
        triggers: Vec<Option<u8>>,
        reference: AhoCorasick,
    }

    impl Fixture {
        fn new() -> Fixture {
            let rules = RuleSet::builtin().unwrap();
            let Literals {
                patterns,
                owners,
                triggers,
            } = distinct_literals(rules.rules(), &crate::rules::triggers::trigger_literals());
            let reference = AhoCorasickBuilder::new()
                .ascii_case_insensitive(true)
                .match_kind(MatchKind::Standard)
                .build(&patterns)
                .unwrap();
            Fixture {
                rules,
                patterns,
                owners,
                triggers,
                reference,
            }
        }

        fn expected(&self, haystack: &[u8]) -> (Vec<KeywordHit>, Vec<TriggerHit>) {
            let mut hits = Vec::new();
            let mut triggers = Vec::new();
            for found in self.reference.find_overlapping_iter(haystack) {
                for &rule in &self.owners[found.pattern().as_usize()] {
                    hits.push(KeywordHit {
                        rule,
                        start: found.start(),
                        end: found.end(),
                    });
                }
                if let Some(trigger) = self.triggers[found.pattern().as_usize()] {
                    triggers.push(TriggerHit {
                        trigger,
                        start: found.start(),
                        end: found.end(),
                    });
                }
            }
            (hits, triggers)
        }

        /// Checks the index's search, its DFA and its NFA against the reference.
        fn check(&self, haystack: &[u8]) {
            let expected = self.expected(haystack);
            let index = self.rules.keywords();
            let (mut hits, mut triggers) = (Vec::new(), Vec::new());
            index.for_each_hit_and_trigger(haystack, |hit| hits.push(hit), |t| triggers.push(t));
            assert_eq!(
                (hits, triggers),
                expected,
                "search, haystack of {} bytes",
                haystack.len()
            );
            let dfa = index.dfa().expect("the built-in keywords make a DFA");
            let (mut hits, mut triggers) = (Vec::new(), Vec::new());
            index.hits_of(dfa, haystack, |hit| hits.push(hit), |t| triggers.push(t));
            assert_eq!(
                (hits, triggers),
                expected,
                "DFA, haystack of {} bytes",
                haystack.len()
            );
            let (mut hits, mut triggers) = (Vec::new(), Vec::new());
            index.hits_of(
                &index.nfa,
                haystack,
                |hit| hits.push(hit),
                |t| triggers.push(t),
            );
            assert_eq!(
                (hits, triggers),
                expected,
                "NFA, haystack of {} bytes",
                haystack.len()
            );
        }
    }

    /// A small deterministic generator (xorshift64*), so failures reproduce.
    struct Random(u64);

    impl Random {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n
        }

        /// `keyword` with each ASCII letter's case flipped at random.
        fn mixed_case(&mut self, keyword: &[u8]) -> Vec<u8> {
            keyword
                .iter()
                .map(|&b| {
                    if self.below(2) == 0 {
                        b.to_ascii_uppercase()
                    } else {
                        b
                    }
                })
                .collect()
        }
    }

    /// Text made of keywords in mixed case, keyword prefixes and code-like filler.
    fn realistic(random: &mut Random, patterns: &[Vec<u8>], len: usize) -> Vec<u8> {
        const FILLER: &[u8] = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \n\t_-.:/=\"'(){}[]$+~";
        let mut text = Vec::with_capacity(len + 64);
        while text.len() < len {
            let keyword = &patterns[random.below(patterns.len())];
            match random.below(4) {
                0 => text.extend(random.mixed_case(keyword)),
                1 => {
                    let cut = 1 + random.below(keyword.len());
                    text.extend(random.mixed_case(&keyword[..cut]));
                }
                _ => {
                    for _ in 0..random.below(40) {
                        text.push(FILLER[random.below(FILLER.len())]);
                    }
                }
            }
        }
        text.truncate(len);
        text
    }

    #[test]
    fn interleaved_search_finds_what_the_plain_search_finds() {
        let fixture = Fixture::new();
        let mut random = Random(0x5EED_1EAC_3A2D);
        // Short haystacks take one stream; from 4 KiB on, several.
        for len in [
            0, 1, 2, 3, 100, 4095, 4096, 4103, 16_384, 16_387, 20_000, 70_001, 300_000,
        ] {
            fixture.check(&realistic(&mut random, &fixture.patterns, len));
        }
        for _ in 0..40 {
            let len = random.below(100_000);
            fixture.check(&realistic(&mut random, &fixture.patterns, len));
        }
        // Random bytes, with and without keywords sprinkled in.
        let noise: Vec<u8> = (0..50_000).map(|_| random.below(256) as u8).collect();
        fixture.check(&noise);
        let mut sprinkled = noise.clone();
        for at in (0..sprinkled.len() - 80).step_by(997) {
            let pick = random.below(fixture.patterns.len());
            let keyword = random.mixed_case(&fixture.patterns[pick]);
            sprinkled[at..at + keyword.len()].copy_from_slice(&keyword);
        }
        fixture.check(&sprinkled);
    }

    #[test]
    fn keywords_across_stream_boundaries_are_found_once() {
        let fixture = Fixture::new();
        let mut random = Random(0xB0A7_DA11);
        let longest = fixture.patterns.iter().map(Vec::len).max().unwrap();
        let shortest = STREAMS * MIN_SEGMENT;
        for len in [shortest, 4 * shortest + 3, 40_003] {
            let segment = len / STREAMS;
            for keyword in &fixture.patterns {
                // The keyword across each inner boundary, at a different offset each time, in
                // filler no keyword contains; the longest keyword at every offset.
                let offsets: Vec<usize> = if keyword.len() == longest {
                    (0..=keyword.len() + 1).collect()
                } else {
                    vec![
                        0,
                        1,
                        keyword.len() - 1,
                        keyword.len(),
                        random.below(keyword.len() + 1),
                    ]
                };
                for chunk in offsets.chunks(STREAMS - 1) {
                    let mut haystack = vec![b'\n'; len];
                    for (boundary, &offset) in (1..STREAMS).zip(chunk) {
                        let at = boundary * segment - offset.min(boundary * segment);
                        let mixed = random.mixed_case(keyword);
                        haystack[at..at + mixed.len()].copy_from_slice(&mixed);
                    }
                    fixture.check(&haystack);
                }
            }
        }
    }

    #[test]
    fn a_repeated_keyword_is_found_at_every_position() {
        let fixture = Fixture::new();
        // Dense, overlapping and self-overlapping occurrences over every stream.
        fixture.check(&b"sk-sk-sk-".repeat(3000));
        fixture.check(&b"-----BEGIN RSA PRIVATE KEY-----".repeat(800));
        fixture.check(&b"xoxe.xoxe.xoxb-tokentokenTOKEN://".repeat(700));
    }

    /// The interleaved search against the plain one on random text (proptest): keywords,
    /// their prefixes and filler at random, of random lengths across the stream sizes.
    fn interleaved_equals_plain(cases: u32) {
        use proptest::prelude::*;
        let fixture = Fixture::new();
        let config = proptest::test_runner::Config {
            cases,
            failure_persistence: None,
            ..proptest::test_runner::Config::default()
        };
        proptest::test_runner::TestRunner::new(config)
            .run(&(any::<u64>(), 0usize..70_000), |(seed, len)| {
                let mut random = Random(seed | 1);
                fixture.check(&realistic(&mut random, &fixture.patterns, len));
                Ok(())
            })
            .unwrap();
    }

    #[test]
    fn interleaved_search_equals_the_plain_search_on_random_text() {
        interleaved_equals_plain(24);
    }

    #[test]
    #[ignore = "the long run: cargo test -- --ignored"]
    fn interleaved_search_equals_the_plain_search_on_much_random_text() {
        interleaved_equals_plain(2_000);
    }
}

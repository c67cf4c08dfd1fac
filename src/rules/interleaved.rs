//! Overlapping Aho-Corasick search run as several interleaved streams over one haystack.
//!
//! Each step of an automaton loads the next state from an address that depends on the state
//! before, so a single search runs at the latency of that chain of loads: about 600 MB/s for
//! the built-in keywords, whatever the match kind. Splitting the haystack into segments and
//! stepping one automaton per segment in lockstep lets the CPU overlap the chains: eight
//! streams ran the built-in keywords at 1.8 GB/s over the blobs of two real git histories
//! (four: 1.6, five or six: 1.75-1.8). The aho-corasick crate has no such search, but it
//! exposes its automata through [`Automaton`] for searches of one's own, which is what this is.
//!
//! Every stream after the first starts `max_pattern_len - 1` bytes before its segment, so an
//! occurrence that crosses into the segment is read whole; a stream reports only the
//! occurrences that end inside its own segment, and every occurrence ends in exactly one.
//! An overlapping search reports every occurrence of every pattern that starts at or after
//! the place it started from, so the result is exactly that of one search over the whole
//! haystack, in the same order: by end, then in the automaton's order for one end.

use aho_corasick::automaton::{Automaton, StateID};
use aho_corasick::Anchored;

/// Segments searched side by side.
pub(super) const STREAMS: usize = 8;
/// Shortest segment worth a stream of its own; shorter haystacks are searched in one.
pub(super) const MIN_SEGMENT: usize = 512;

/// Calls `report(state, end)` for every position `end` (just past the byte read) at which the
/// unanchored search of `automaton` over `haystack` is in a match state, in order of `end`.
///
/// The matches of a state are [`Automaton::match_pattern`]`(state, 0..match_len(state))`,
/// each ending at `end`.
///
/// # Panics
/// If `automaton` has no unanchored start state, or if a pattern is empty (its matches at
/// the start of a stream would not be reported): the caller builds it with neither.
// The streams are stepped by index on purpose: one offset, every stream, then the next offset.
#[allow(clippy::needless_range_loop)]
pub(super) fn for_each_match_state<A: Automaton>(
    automaton: &A,
    haystack: &[u8],
    mut report: impl FnMut(StateID, usize),
) {
    let start = automaton
        .start_state(Anchored::No)
        .expect("the keyword automaton is built with an unanchored start state");
    assert!(
        !automaton.is_match(start),
        "the keyword automaton has no empty pattern"
    );
    let segment = haystack.len() / STREAMS;
    if segment < MIN_SEGMENT {
        search(automaton, start, haystack, 0, 0, &mut report);
        return;
    }
    let warmup = automaton.max_pattern_len().saturating_sub(1);
    let owned_from: [usize; STREAMS] = std::array::from_fn(|i| i * segment);
    let from: [usize; STREAMS] = std::array::from_fn(|i| owned_from[i].saturating_sub(warmup));
    let to: [usize; STREAMS] = std::array::from_fn(|i| {
        if i + 1 == STREAMS {
            haystack.len()
        } else {
            owned_from[i + 1]
        }
    });
    let lockstep = (0..STREAMS).map(|i| to[i] - from[i]).min().unwrap_or(0);
    let parts: [&[u8]; STREAMS] = std::array::from_fn(|i| &haystack[from[i]..from[i] + lockstep]);
    // Stream 0 reports at once; the others' matches wait until every earlier one is done.
    let mut later: [Vec<(StateID, usize)>; STREAMS] = std::array::from_fn(|_| Vec::new());
    let mut states = [start; STREAMS];
    for at in 0..lockstep {
        for i in 0..STREAMS {
            states[i] = automaton.next_state(Anchored::No, states[i], parts[i][at]);
        }
        // One rarely taken branch for all streams keeps the loop short.
        if states.iter().any(|&state| automaton.is_special(state)) {
            for i in 0..STREAMS {
                if automaton.is_special(states[i]) && automaton.is_match(states[i]) {
                    let end = from[i] + at + 1;
                    if i == 0 {
                        report(states[i], end);
                    } else if end > owned_from[i] {
                        later[i].push((states[i], end));
                    }
                }
            }
        }
    }
    for i in 0..STREAMS {
        let tail_from = from[i] + lockstep;
        if i == 0 {
            search(
                automaton,
                states[0],
                &haystack[..to[0]],
                tail_from,
                0,
                &mut report,
            );
            continue;
        }
        search(
            automaton,
            states[i],
            &haystack[..to[i]],
            tail_from,
            owned_from[i],
            &mut |state, end| later[i].push((state, end)),
        );
        for &(state, end) in &later[i] {
            report(state, end);
        }
    }
}

/// One stream: steps `automaton` from `state` over `haystack[at..]` and reports the match
/// states whose end is after `owned_after`.
fn search<A: Automaton>(
    automaton: &A,
    mut state: StateID,
    haystack: &[u8],
    at: usize,
    owned_after: usize,
    report: &mut impl FnMut(StateID, usize),
) {
    for (offset, &byte) in haystack[at..].iter().enumerate() {
        state = automaton.next_state(Anchored::No, state, byte);
        if automaton.is_special(state) && automaton.is_match(state) {
            let end = at + offset + 1;
            if end > owned_after {
                report(state, end);
            }
        }
    }
}

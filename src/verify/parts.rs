//! Credentials in several parts (an AWS key id and its secret, a Twilio key SID and its
//! secret): the other part of a finding is a finding of the partner rule in the same file
//! (and, in history, the same commit), on the nearest line within [`PART_WINDOW_LINES`].

use crate::finding::Finding;

/// How many lines apart two parts of one credential may be.
pub const PART_WINDOW_LINES: u64 = 10;

/// The index of the finding of one of `rules` nearest to `findings[of]` in the same file.
pub fn partner(findings: &[Finding], of: usize, rules: &[String]) -> Option<usize> {
    let me = &findings[of];
    let commit = |f: &Finding| f.provenance.as_ref().map(|p| p.commit.clone());
    findings
        .iter()
        .enumerate()
        .filter(|(i, f)| {
            *i != of
                && f.path == me.path
                && commit(f) == commit(me)
                && rules.contains(&f.rule.id)
                && f.line.abs_diff(me.line) <= PART_WINDOW_LINES
        })
        .min_by_key(|(_, f)| (f.line.abs_diff(me.line), f.line, f.column))
        .map(|(i, _)| i)
}

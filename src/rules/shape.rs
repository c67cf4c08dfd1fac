//! A rule's secret shape: its pattern's group 1 alone, matched against a whole value.

use super::{compile_pattern, parse_pattern, CompiledPattern};
use regex_automata::{Anchored, Input};
use regex_syntax::hir::{Hir, HirKind};

/// The secret part (group 1) of a rule's pattern, compiled to match a whole value: the shape
/// of the provider's key without the context around it (`[a-f0-9]{40}` of
/// `deepgram…\b([a-f0-9]{40})\b`).
#[derive(Debug)]
pub(crate) struct SecretShape(CompiledPattern);

impl SecretShape {
    /// The shape of `pattern`'s group 1, or `None` for a pattern without one (or one that does
    /// not compile, which loading the rule has already reported).
    pub(crate) fn of(pattern: &str) -> Option<SecretShape> {
        compile_pattern(&whole_group_one(pattern)?)
            .ok()
            .map(SecretShape)
    }

    /// Whether the whole of `value` has this shape.
    pub(crate) fn fits(&self, value: &[u8]) -> bool {
        self.0
            .search(&Input::new(value).anchored(Anchored::Yes))
            .is_some_and(|m| m.end() == value.len())
    }
}

/// `pattern`'s group 1 as a pattern of its own, anchored at both ends.
fn whole_group_one(pattern: &str) -> Option<String> {
    let hir = parse_pattern(pattern).ok()?;
    group_one(&hir).map(|group| format!("^(?:{group})$"))
}

/// The expression inside capture group 1.
fn group_one(hir: &Hir) -> Option<&Hir> {
    match hir.kind() {
        HirKind::Capture(capture) if capture.index == 1 => Some(&capture.sub),
        HirKind::Capture(capture) => group_one(&capture.sub),
        HirKind::Repetition(repetition) => group_one(&repetition.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().find_map(group_one),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{whole_group_one, SecretShape};
    use crate::rules::{builtin_definitions, parse_pattern};

    #[test]
    fn every_builtin_rule_has_a_secret_shape_that_parses() {
        for (_, definition) in builtin_definitions().expect("built-in rules load") {
            let shape = whole_group_one(&definition.pattern)
                .unwrap_or_else(|| panic!("{}: no group 1", definition.id));
            parse_pattern(&shape).unwrap_or_else(|e| panic!("{}: {e}: {shape}", definition.id));
        }
    }

    #[test]
    fn the_shape_is_group_one_matched_whole() {
        let shape = SecretShape::of(r"(?i)deepgram[\w.-]{0,20}\s*=\s*\b([a-f0-9]{40})\b").unwrap();
        assert!(shape.fits(b"e1f5e298856f28fa119644c6e2a87a5913b8e171"));
        assert!(!shape.fits(b"948c19ecde2818a1a357fffb14d2fc2a"));
        assert!(!shape.fits(b"e1f5e298856f28fa119644c6e2a87a5913b8e171ff"));
        assert!(!shape.fits(b"deepgram = e1f5e298856f28fa119644c6e2a87a5913b8e171"));
    }

    #[test]
    fn case_insensitive_flags_outside_the_group_carry_in() {
        let shape = SecretShape::of(r"(?i)key:\s*(ab[0-9]{4})").unwrap();
        assert!(shape.fits(b"AB1234"));
        assert!(SecretShape::of(r"no group here").is_none());
    }
}

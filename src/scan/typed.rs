//! Traces of a person's hand in a value that is meant to look generated: a hexadecimal string
//! with a letter or two out of place, a counted run (`12345`, `aBcDe`) or a keyboard row
//! (`qwer`, `zxcv`). Generators produce none of these except by a chance small enough to
//! ignore (worked out on each function); test fixtures and made-up examples are full of them.

/// Hex values shorter than this are not judged for edits.
const MIN_EDITED_HEX_LEN: usize = 16;
/// At most this many characters out of place make an edited hex value.
const MAX_EDITS: usize = 2;
/// A counted run this long is typed.
const TYPED_RUN: usize = 5;
/// Keyboard rows people type as filler (four keys each).
const KEYBOARD_WALKS: &[&[u8]] = &[b"qwer", b"asdf", b"zxcv", b"yxcv", b"1qaz"];

/// Whether `value` is hexadecimal with one or two characters out of place: a letter beyond
/// `f` (`5488620aa9073q09…`) or a letter of the other case (`acdeFf05b1a6…`).
///
/// A generated key is hexadecimal throughout or not at all. A random 32-character lower-case
/// alphanumeric value has at most two letters beyond `f` with probability about 4e-9; a
/// lower-case hex key never has a capital. Such a value is a hex key someone edited by hand:
/// a test's near-miss or an example.
///
/// ```
/// use leakward::scan::is_edited_hex;
/// assert!(is_edited_hex(b"5488620aa9073q09f1a16e2b1dc357b6"));
/// assert!(is_edited_hex(b"acdeFf05b1a6d4c890237bf08c5e6e8d2b4d0f2e"));
/// assert!(!is_edited_hex(b"5488620aa90735a9f1a16e2b1dc357b6"));
/// assert!(!is_edited_hex(b"q8Zt3LmW0pXv7RkB2sYc9NdH4jFa6GeU"));
/// ```
pub fn is_edited_hex(value: &[u8]) -> bool {
    if value.len() < MIN_EDITED_HEX_LEN || !value.iter().all(u8::is_ascii_alphanumeric) {
        return false;
    }
    let (mut beyond_f, mut hex_lower, mut hex_upper) = (0, 0, 0);
    for b in value {
        match b {
            b'a'..=b'f' => hex_lower += 1,
            b'A'..=b'F' => hex_upper += 1,
            b'0'..=b'9' => {}
            _ => beyond_f += 1,
        }
    }
    let (major, minor) = (hex_lower.max(hex_upper), hex_lower.min(hex_upper));
    // Out of place: the letters beyond `f`, and the hex letters of the minority case.
    let edits = beyond_f + minor;
    major >= 4 && (1..=MAX_EDITS).contains(&edits)
}

/// Whether `value` holds a counted run of five (`12345`, `abcde`, `aBcDe`, case folded) or
/// a keyboard row (`qwer`, `asdf`, `zxcv`).
///
/// In a random alphanumeric string, a given character is followed by the next one with
/// probability below 1/30, so a run of five starts at a given place with probability below
/// 1e-6; a given four-key row, about 1e-6 over 36 symbols.
///
/// ```
/// use leakward::scan::has_typed_run;
/// assert!(has_typed_run(b"zxcvbr12345iugt67s7a7sa0akhsXz820"));
/// assert!(has_typed_run(b"aBcDeFgHOjAxOjAwMDAwMDAwMDA6awJQ"));
/// assert!(!has_typed_run(b"q8Zt3LmW0pXv7RkB2sYc9NdH4jFa6GeU"));
/// ```
pub fn has_typed_run(value: &[u8]) -> bool {
    let mut run = 1;
    for (i, &byte) in value.iter().enumerate() {
        let a = byte.to_ascii_lowercase();
        if let Some(&next) = value.get(i + 1) {
            run = if a.is_ascii_alphanumeric() && next.to_ascii_lowercase() == a + 1 {
                run + 1
            } else {
                1
            };
            if run >= TYPED_RUN {
                return true;
            }
        }
        let walk_here = |walk: &&[u8]| {
            walk[0] == a
                && value
                    .get(i..i + walk.len())
                    .is_some_and(|w| w.eq_ignore_ascii_case(walk))
        };
        if KEYBOARD_WALKS.iter().any(walk_here) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_or_two_letters_beyond_f_make_an_edited_hex_value() {
        assert!(is_edited_hex(b"c09761h99f39f79ae28eaaf8df20d7c9"));
        assert!(is_edited_hex(b"dga06b506389c94f2bfc010fa83690cf7171dd40"));
        assert!(is_edited_hex(b"2c69j2dc3f7c4929b74d3a832a042"));
        assert!(!is_edited_hex(b"2c69j2dc3f7c49x9b74d3a8y2a042"));
    }

    #[test]
    fn clean_hex_short_values_and_random_alphanumerics_are_not_edited() {
        assert!(!is_edited_hex(b"e1f5e298856f28fa119644c6e2a87a5913b8e171"));
        assert!(!is_edited_hex(b"E1F5E298856F28FA119644C6E2A87A5913B8E171"));
        assert!(!is_edited_hex(b"5488620aa9073q0"));
        assert!(!is_edited_hex(b"TlxsiSNl3ZI0sVP6gIfR8pjk2qH9Zq7M"));
        assert!(!is_edited_hex(b"lhjtavmbtrvvaymefojrypztvx3z4xlp"));
    }

    #[test]
    fn a_capital_among_lower_case_hex_is_an_edit() {
        assert!(is_edited_hex(b"acdeFf05b1a6d4c890237bf08c5e6e8d2b4d0f2e"));
        assert!(is_edited_hex(b"ACDEfF05B1A6D4C890237BF08C5E6E8D2B4D0F2E"));
    }

    #[test]
    fn counted_runs_and_keyboard_rows_are_typed() {
        assert!(has_typed_run(b"ab12345cd"));
        assert!(has_typed_run(b"xxVWXYZxx"));
        assert!(has_typed_run(b"xxQwErTy"));
        assert!(!has_typed_run(b"ab1234cd"));
        assert!(!has_typed_run(b"TlxsiSNl3ZI0sVP6gIfR8pjk2qH9Zq7M"));
    }
}

//! The literals that send leakward's decoders ([`crate::scan::decode`]) to a place, and what
//! each one sends them to. They are data the keyword automaton needs (it finds them in the
//! same pass as the rules' keywords), so they live with the rules; the decoders read them
//! from here.

/// Kinds of [`Trigger`] (the last one, `Notebook`, is 8).
pub const TRIGGER_KINDS: usize = 9;
const _: () = assert!(Trigger::Notebook as usize + 1 == TRIGGER_KINDS);

/// What sends the decoders to a place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trigger {
    /// Percent-decode the line.
    Percent,
    /// Decode the line's string escapes.
    Escape,
    /// Decode the line's character references.
    Html,
    /// A base64 value may be assigned to the name this word is part of.
    Base64After,
    /// A base64 run may start right after (a quote aside).
    Base64Right,
    /// A base64 run may start here.
    Base64At,
    /// A block of base64 values may follow (`data:` of a Kubernetes Secret).
    Base64Block,
    /// A value may be split here.
    Split,
    /// A notebook's array of lines starts here (keep it last: see [`TRIGGER_KINDS`]).
    Notebook,
}

/// The trigger literals (matched ASCII case-insensitively) and what each sends the decoders to.
pub const TRIGGERS: &[(&[u8], Trigger)] = &[
    (b"%2", Trigger::Percent),
    (b"%3", Trigger::Percent),
    (b"\\u00", Trigger::Escape),
    (b"\\x2", Trigger::Escape),
    (b"\\/", Trigger::Escape),
    (b"\\\"", Trigger::Escape),
    (b"&#", Trigger::Html),
    (b"&quot;", Trigger::Html),
    (b"&amp;", Trigger::Html),
    (b"&apos;", Trigger::Html),
    (b"&sol;", Trigger::Html),
    (b"&plus;", Trigger::Html),
    (b"&equals;", Trigger::Html),
    (b"&colon;", Trigger::Html),
    (b"&lowbar;", Trigger::Html),
    (b"basic ", Trigger::Base64Right),
    (b"auth", Trigger::Base64After),
    (b"key", Trigger::Base64After),
    (b"token", Trigger::Base64After),
    (b"secret", Trigger::Base64After),
    (b"password", Trigger::Base64After),
    (b"passwd", Trigger::Base64After),
    (b"credential", Trigger::Base64After),
    (b"b64", Trigger::Base64After),
    (b"base64", Trigger::Base64After),
    (b"atob(", Trigger::Base64Right),
    (b"eyj", Trigger::Base64At),
    (b"ewog", Trigger::Base64At),
    (b"ewoi", Trigger::Base64At),
    (b"data:", Trigger::Base64Block),
    (b"data\":", Trigger::Base64Block),
    (b"\"\n", Trigger::Split),
    (b"\"\r\n", Trigger::Split),
    (b"'\n", Trigger::Split),
    (b"'\r\n", Trigger::Split),
    (b"\" \"", Trigger::Split),
    (b"' '", Trigger::Split),
    (b"\" +", Trigger::Split),
    (b"\"+", Trigger::Split),
    (b"' +", Trigger::Split),
    (b"'+", Trigger::Split),
    (b"\\\n", Trigger::Split),
    (b"\\\r\n", Trigger::Split),
    (b": >", Trigger::Split),
    (b": |", Trigger::Split),
    (b"\"source\": [", Trigger::Notebook),
    (b"\"text\": [", Trigger::Notebook),
    (b"\"text/plain\": [", Trigger::Notebook),
];

/// The trigger literals, for the keyword automaton (see [`super::KeywordIndex`]).
pub fn trigger_literals() -> Vec<&'static [u8]> {
    TRIGGERS.iter().map(|(literal, _)| *literal).collect()
}

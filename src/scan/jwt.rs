//! What makes a JSON Web Token worth reporting: it decodes, it is signed, and it is not the
//! sample every JWT tutorial shows.

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};
use serde_json::{Map, Value};

/// base64url as JWTs use it: padding optional, trailing bits tolerated.
const BASE64URL: GeneralPurpose = GeneralPurpose::new(
    &alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Whether `token` (`header.claims.signature`) is a signed JWT that is not a published sample:
/// the header and the claims decode to JSON objects, the header's `alg` is a string other
/// than `none`, and the claims are not those of the sample that jwt.io and most tutorials show
/// (`"sub": "1234567890", "name": "John Doe"`, signed with whatever key and times).
///
/// Random characters behind an `eyJ…` header (a test's made-up token, a truncated copy) fail
/// to decode and are not reported: a token that does not decode grants nothing.
///
/// ```
/// use leakward::scan::is_plausible_jwt;
/// let signed = b"eyJhbGciOiJIUzI1NiJ9.eyJ1c2VyIjoiazd4cTIifQ.c2lnbmF0dXJlLWJ5dGVzLWhlcmU"; // leakward:allow
/// assert!(is_plausible_jwt(signed));
/// let garbled = b"eyJhbGciOiJIUzI1NiJ9.eyJ5nzGXjcjJ2CaJVf8LF1cN.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
/// assert!(!is_plausible_jwt(garbled));
/// ```
pub fn is_plausible_jwt(token: &[u8]) -> bool {
    let mut parts = token.split(|&b| b == b'.');
    let (Some(header), Some(claims)) = (parts.next(), parts.next()) else {
        return false;
    };
    let (Some(header), Some(claims)) = (json_object(header), json_object(claims)) else {
        return false;
    };
    let signed = header
        .get("alg")
        .and_then(Value::as_str)
        .is_some_and(|alg| !alg.eq_ignore_ascii_case("none"));
    signed && !is_tutorial_sample(&claims)
}

/// The JSON object a base64url part decodes to, if it does.
fn json_object(part: &[u8]) -> Option<Map<String, Value>> {
    let bytes = BASE64URL.decode(part).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}

/// Claims naming jwt.io's sample subject: `"sub": "1234567890", "name": "John Doe"`.
fn is_tutorial_sample(claims: &Map<String, Value>) -> bool {
    claims.get("sub").and_then(Value::as_str) == Some("1234567890")
        && claims.get("name").and_then(Value::as_str) == Some("John Doe")
}

#[cfg(test)]
mod tests {
    use super::is_plausible_jwt;

    /// The base64url of `text`, unpadded.
    fn b64(text: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(text)
    }

    fn token(header: &str, claims: &str) -> Vec<u8> {
        format!(
            "{}.{}.Zm9vYmFyYmF6cXV4cXV1eHdpYmJsZQ",
            b64(header),
            b64(claims)
        )
        .into_bytes()
    }

    #[test]
    fn a_signed_token_with_json_claims_is_plausible() {
        assert!(is_plausible_jwt(&token(
            r#"{"alg":"RS256","typ":"JWT"}"#,
            r#"{"sub":"u-4821","iat":1760000000}"#
        )));
    }

    #[test]
    fn unsigned_and_alg_less_headers_are_not() {
        assert!(!is_plausible_jwt(&token(
            r#"{"alg":"none"}"#,
            r#"{"sub":"u-4821"}"#
        )));
        assert!(!is_plausible_jwt(&token(
            r#"{"typ":"JWT"}"#,
            r#"{"sub":"u-4821"}"#
        )));
    }

    #[test]
    fn parts_that_do_not_decode_to_json_objects_are_not() {
        assert!(!is_plausible_jwt(&token(
            r#"{"alg":"HS256""#,
            r#"{"sub":"u-4821"}"#
        )));
        assert!(!is_plausible_jwt(&token(
            r#"{"alg":"HS256"}"#,
            r#"["sub"]"#
        )));
        assert!(!is_plausible_jwt(
            b"eyJhbGciOiJIUzI1NiIsInR5cCVCJ9.eyJzdWIiOiJ1LTQ4MjEifQ.sig"
        ));
        assert!(!is_plausible_jwt(b"no-dots-at-all"));
    }

    #[test]
    fn the_tutorial_sample_is_not_whatever_its_times_and_key() {
        assert!(!is_plausible_jwt(&token(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"1234567890","name":"John Doe","admin":true,"iat":2416239022}"#
        )));
        assert!(is_plausible_jwt(&token(
            r#"{"alg":"HS256","typ":"JWT"}"#,
            r#"{"sub":"1234567890","name":"Jane Roe"}"#
        )));
    }
}

//! Revoking a key through its provider's API, where the provider documents one (GitHub's
//! credential revocation, Slack's `auth.revoke`, GitLab's `personal_access_tokens/self`, …).
//! The command asks before each key; this module only sends the request and reads the answer.

use super::catalog::{Means, Revoke};
use super::judge;
use super::request;
use super::transport::{Transport, TransportError};
use std::collections::BTreeMap;

/// What a revocation request achieved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RevokeOutcome {
    /// The provider revoked the key.
    Revoked,
    /// The provider says the key was no longer valid.
    AlreadyInvalid,
    /// The request failed or the answer was not a success; why, in words (never the key).
    Failed(String),
}

/// Sends the revocation request for `secret`.
pub fn revoke(revoke: &Revoke, secret: &[u8], transport: &Transport) -> RevokeOutcome {
    let values = BTreeMap::from([("secret".to_string(), secret.to_vec())]);
    let prepared = match request::prepare(&revoke.request, &values, super::now()) {
        Ok(prepared) => prepared,
        Err(why) => return RevokeOutcome::Failed(why),
    };
    match transport.send(&prepared) {
        Ok(answered) => match judge::judge(&revoke.answers, &answered) {
            Some(Means::Revoked) => RevokeOutcome::Revoked,
            Some(Means::Invalid) => RevokeOutcome::AlreadyInvalid,
            _ => RevokeOutcome::Failed(format!(
                "the provider did not confirm (HTTP {})",
                answered.status
            )),
        },
        Err(TransportError::Timeout(_)) => RevokeOutcome::Failed(format!(
            "no answer within {} ms",
            transport.timeout().as_millis()
        )),
        Err(error) => RevokeOutcome::Failed(error.to_string()),
    }
}

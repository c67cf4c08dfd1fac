//! How long a key found in history has been in the repository: from its introducing
//! commit's date to now, against its provider's rotation period. Needs no network.

use super::catalog::Catalog;
use crate::finding::{Exposure, Finding};

/// Sets `exposure` on every finding that has an introducing commit, as of `now` (seconds).
pub fn annotate(findings: &mut [Finding], catalog: &Catalog, now: i64) {
    for finding in findings {
        finding.exposure = finding.provenance.as_ref().and_then(|p| {
            let since = crate::dates::parse_since(&p.date)?;
            Some(Exposure {
                since: p.date.clone(),
                days: u64::try_from((now - since).max(0) / 86_400).unwrap_or(0),
                rotation_days: catalog.rotation_days(&finding.rule.id),
            })
        });
    }
}

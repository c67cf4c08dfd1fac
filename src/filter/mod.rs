//! Filters: drop what the user has accepted. For now, the configuration's path allowlist.

mod allowlist;
mod inline;

pub use allowlist::PathAllowlist;
pub use inline::InlineAllow;

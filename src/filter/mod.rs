//! Filters: drop what the user has accepted. For now, the configuration's path allowlist.

mod allowlist;

pub use allowlist::PathAllowlist;

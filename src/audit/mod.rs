//! Auditing many repositories: the list of repositories, its shards, a mirror of each in a
//! work directory (cloned or fetched with git), and the report file each one gets.
//!
//! `leakward audit` (in `app`) wires these with a history scan per repository.

pub mod list;
pub mod mirror;
pub mod naming;
pub mod shard;

pub use list::parse_list;
pub use mirror::{mirror, MirrorError};
pub use naming::{display_name, file_stem};
pub use shard::Shard;

//! Options of `leakward audit`.

use super::{CacheArgs, SetupArgs};
use crate::audit::Shard;
use clap::Args;
use std::path::PathBuf;

/// Options of `leakward audit`.
#[derive(Debug, Args)]
pub struct AuditArgs {
    /// A file listing the repositories: one URL or path per line, `#` comments.
    #[arg(long, value_name = "LIST")]
    pub repos: PathBuf,
    /// Scan only shard K of N (0-based): the repositories at positions K, K+N, K+2N… of the
    /// list, so N runs (a CI matrix, a Kubernetes Indexed Job) scan each repository once.
    #[arg(long, value_name = "K/N", value_parser = Shard::parse, default_value = "0/1")]
    pub shard: Shard,
    /// Where the mirrors are cloned (and fetched on the next run); default: a temporary
    /// directory removed at the end.
    #[arg(long, value_name = "DIR")]
    pub workdir: Option<PathBuf>,
    /// Where the reports go: one JSON report per repository, named from the repository.
    #[arg(long, value_name = "DIR", default_value = "leakward-reports")]
    pub out: PathBuf,
    /// Print the repositories this shard would scan, one per line, and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// Report unreadable objects as warnings and go on with the repository.
    #[arg(long)]
    pub keep_going: bool,
    /// The blob cache, shared by every repository (forks share most blobs).
    #[command(flatten)]
    pub cache: CacheArgs,
    /// Threads, configuration (`--config` only: a mirror has no work tree) and rules.
    #[command(flatten)]
    pub setup: SetupArgs,
}

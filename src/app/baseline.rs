//! `leakward baseline`: record today's findings.

use super::history::scan_history;
use super::scan::scan_paths;
use super::EXIT_CLEAN;
use crate::cli::{BaselineArgs, BaselineSource};
use crate::filter::{self, Baseline};
use anyhow::{Context, Result};

/// Runs `leakward baseline`.
pub(super) fn baseline(args: BaselineArgs) -> Result<i32> {
    let ((output, config), path) = match args.source {
        Some(BaselineSource::Scan(scan)) => (scan_paths(&scan.paths, &scan.common)?, scan.output),
        Some(BaselineSource::Git(git)) => (scan_history(&git.history)?, git.output),
        None => (
            scan_paths(&args.scan.paths, &args.scan.common)?,
            args.scan.output,
        ),
    };
    let filtered = filter::apply(output.findings, &config.allowlist, None);
    let baseline = Baseline::from_findings(&filtered.kept);
    let text = serde_json::to_string_pretty(&baseline).context("encoding the baseline")? + "\n";
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    eprintln!(
        "leakward: wrote {} baseline {} to {}",
        baseline.findings.len(),
        if baseline.findings.len() == 1 {
            "entry"
        } else {
            "entries"
        },
        path.display()
    );
    Ok(EXIT_CLEAN)
}

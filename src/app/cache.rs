//! `--cache`: opening the blob cache for a history scan, and saving it after.

use crate::cache::{default_root, BlobCache, CacheKey};
use crate::cli::CacheArgs;
use crate::rules::RuleSet;
use crate::source::SourceOutput;
use std::path::PathBuf;
use std::sync::Arc;

/// The cache root `--cache` asks for: the directory given, or the default one.
fn root(args: &CacheArgs) -> Option<Result<PathBuf, String>> {
    let asked = args.cache.as_ref()?;
    Some(match asked {
        Some(dir) => Ok(dir.clone()),
        None => {
            let xdg = std::env::var_os("XDG_CACHE_HOME").map(PathBuf::from);
            let home = std::env::var_os("HOME").map(PathBuf::from);
            default_root(xdg.as_deref(), home.as_deref()).ok_or_else(|| {
                "--cache: neither XDG_CACHE_HOME nor HOME is set; give a directory with \
                 --cache=DIR (scanning without the cache)"
                    .to_string()
            })
        }
    })
}

/// The blob cache for a scan with `rules`, when `--cache` asks for one, and the warnings
/// about what in it could not be used (the scan then reads those blobs).
pub(super) fn open(args: &CacheArgs, rules: &RuleSet) -> (Option<Arc<BlobCache>>, Vec<String>) {
    match root(args) {
        None => (None, Vec::new()),
        Some(Err(warning)) => (None, vec![warning]),
        Some(Ok(root)) => {
            let (cache, warnings) =
                BlobCache::open(&root, &CacheKey::for_this_build(rules.digest()));
            (Some(Arc::new(cache)), warnings)
        }
    }
}

/// Saves what the scan added to the cache, and puts its counters in the stats; a cache that
/// cannot be written is a warning.
pub(super) fn save(cache: &BlobCache, output: &mut SourceOutput) {
    if let Err(error) = cache.save() {
        output.stats.warnings.push(format!(
            "cannot write the blob cache ({error}): the next scan reads these blobs again"
        ));
    }
    output.stats.cache = Some(cache.counts());
}

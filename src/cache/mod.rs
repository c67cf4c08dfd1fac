//! The blob cache of history scans: what scanning each git blob found, so that a rescan
//! reads only the blobs it has not seen.
//!
//! A blob's content never changes under its id, so what a scan finds in it depends only on
//! the rules and on leakward itself. The cache remembers, per blob id, the bytes scanned,
//! whether the blob looked binary and whether anything was found, under a key made of
//! leakward's version and a digest of the rule set ([`crate::rules::RuleSet::digest`]):
//! another version or another rule set uses another directory, so it scans afresh.
//!
//! **No secret is stored.** A blob in which something was found is read and scanned again on
//! every run (those are few): its findings are then exactly what a scan without the cache
//! gives, fingerprints, snippets and `--show-secrets` included, and the cache holds nothing
//! worth stealing. Clean blobs, nearly all of them, are not read at all.
//!
//! **Layout.** `ROOT/blobs-v1/<key digest>/` holds files `*.lwc` ([`segment`]), one per run
//! that scanned new blobs, merged into one when there are more than [`MAX_FILES`]. Each file
//! is written under a temporary name and renamed into place, so runs sharing a cache never
//! see half a file; a run never changes a file in place, so no lock is needed (two runs
//! merging at once only repeat work). Directories are made `0700` and files `0600`.
//!
//! **Damage.** A file that cannot be read or fails its checksum is a warning; its blobs are
//! scanned again (and the file removed). A cache directory that cannot be made or written is
//! a warning and a scan without cache. Never a wrong answer.

mod segment;

use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// A git blob id (SHA-1).
pub type BlobId = [u8; 20];

/// Cache files kept in a key's directory before they are merged into one.
pub const MAX_FILES: usize = 8;

/// The environment variable that replaces leakward's version in the cache key. **For
/// testing only**: it lets a test show that another version does not reuse the cache.
pub const VERSION_OVERRIDE_VARIABLE: &str = "LEAKWARD_TEST_CACHE_VERSION";

/// The directory of this format under the cache root.
const FORMAT_DIR: &str = "blobs-v1";

/// What makes two scans of the same blob give the same findings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheKey {
    /// leakward's version (with the commit it was built from, when known).
    pub version: String,
    /// [`crate::rules::RuleSet::digest`] of the rules that run.
    pub rules: String,
}

impl CacheKey {
    /// The key for this build of leakward (or the version in [`VERSION_OVERRIDE_VARIABLE`])
    /// and the rule set whose digest is `rules`.
    pub fn for_this_build(rules: &str) -> CacheKey {
        CacheKey {
            version: std::env::var(VERSION_OVERRIDE_VARIABLE)
                .unwrap_or_else(|_| env!("LEAKWARD_VERSION").to_string()),
            rules: rules.to_string(),
        }
    }

    /// SHA-256 of the key's parts.
    fn digest(&self) -> [u8; 32] {
        let mut hasher = Sha256::new();
        for part in ["leakward-blob-cache-v1", &self.version, &self.rules] {
            hasher.update(part.as_bytes());
            hasher.update([0]);
        }
        hasher.finalize().into()
    }
}

/// What the cache knows about one blob.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Known {
    /// Bytes scanned.
    pub bytes: u64,
    /// Whether it looked binary.
    pub binary: bool,
    /// Whether scanning it found anything (then it is scanned again to rebuild the findings).
    pub had_findings: bool,
}

/// How a run used the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheCounts {
    /// Blobs known to be clean: not read at all.
    pub hits: u64,
    /// Blobs not in the cache: read and scanned, then remembered.
    pub misses: u64,
    /// Blobs known to hold findings: read and scanned again to rebuild them.
    pub rescanned: u64,
}

/// The cache of one run: what earlier runs remembered, and what this run adds.
///
/// Shared by the scanning threads: lookups read a map that no one changes, and new results
/// go to a list behind a mutex (one short push per scanned blob).
#[derive(Debug)]
pub struct BlobCache {
    /// The key's directory, or `None` when it cannot be used (read nothing, write nothing).
    dir: Option<PathBuf>,
    key: [u8; 32],
    known: HashMap<BlobId, Known>,
    /// Cache files read at open (merged with the new results when there are too many).
    files: Vec<PathBuf>,
    added: Mutex<Vec<(BlobId, Known)>>,
    hits: AtomicU64,
    misses: AtomicU64,
    rescanned: AtomicU64,
}

impl BlobCache {
    /// Opens (creating it if need be) the cache under `root` for `key`, and reads what it
    /// holds. Never fails: what cannot be used is a warning (returned), and the blobs it
    /// would have told about are scanned.
    pub fn open(root: &Path, key: &CacheKey) -> (BlobCache, Vec<String>) {
        let key = key.digest();
        let dir = root.join(FORMAT_DIR).join(hex(&key[..16]));
        let mut cache = BlobCache {
            dir: None,
            key,
            known: HashMap::new(),
            files: Vec::new(),
            added: Mutex::new(Vec::new()),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            rescanned: AtomicU64::new(0),
        };
        let mut warnings = Vec::new();
        if let Err(error) = make_private_dir(&dir) {
            warnings.push(format!(
                "cannot use the blob cache directory {} ({error}): scanning without the cache",
                dir.display()
            ));
            return (cache, warnings);
        }
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(error) => {
                warnings.push(format!(
                    "cannot read the blob cache directory {} ({error}): scanning without the cache",
                    dir.display()
                ));
                return (cache, warnings);
            }
        };
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|entry| entry.path())
            .filter(|path| path.extension().is_some_and(|e| e == "lwc"))
            .collect();
        files.sort();
        for path in files {
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                // Merged into another file by a concurrent run since it was listed.
                Err(error) if error.kind() == std::io::ErrorKind::NotFound => continue,
                Err(error) => {
                    warnings.push(format!(
                        "cannot read the blob cache file {} ({error}): its blobs are scanned again",
                        path.display()
                    ));
                    continue;
                }
            };
            match segment::decode(&key, &bytes) {
                Ok(records) => {
                    cache.known.extend(records);
                    cache.files.push(path);
                }
                Err(problem) => {
                    let _ = std::fs::remove_file(&path);
                    warnings.push(format!(
                        "the blob cache file {} is damaged ({problem}): it was removed and its \
                         blobs are scanned again",
                        path.display()
                    ));
                }
            }
        }
        cache.dir = Some(dir);
        (cache, warnings)
    }

    /// What the cache knows about blob `id`, if anything.
    pub fn get(&self, id: &[u8]) -> Option<Known> {
        let id: &BlobId = id.try_into().ok()?;
        self.known.get(id).copied()
    }

    /// Blob `id`'s size and whether it looked binary, if the cache knows it holds nothing:
    /// then it need not be read (counted as a hit).
    pub fn clean(&self, id: &[u8]) -> Option<Known> {
        let known = self.get(id).filter(|known| !known.had_findings)?;
        self.hits.fetch_add(1, Ordering::Relaxed);
        Some(known)
    }

    /// Notes what scanning blob `id` gave (after [`BlobCache::clean`] said nothing): a new
    /// blob is remembered when the cache is saved.
    pub fn scanned(&self, id: &[u8], known: Known) {
        if self.get(id).is_some() {
            self.rescanned.fetch_add(1, Ordering::Relaxed);
            return;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        if let Ok(id) = BlobId::try_from(id) {
            self.added
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .push((id, known));
        }
    }

    /// How this run used the cache so far.
    pub fn counts(&self) -> CacheCounts {
        CacheCounts {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            rescanned: self.rescanned.load(Ordering::Relaxed),
        }
    }

    /// Writes what this run added as a new cache file (nothing if it added nothing), and
    /// merges the key's files into one when there are more than [`MAX_FILES`].
    ///
    /// # Errors
    /// A file that cannot be written; the cache is then as it was before this run.
    pub fn save(&self) -> std::io::Result<()> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let mut added = std::mem::take(
            &mut *self
                .added
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
        if added.is_empty() {
            return Ok(());
        }
        remove_stale_temporary_files(dir);
        if self.files.len() < MAX_FILES {
            added.sort_unstable_by_key(|a| a.0);
            added.dedup_by(|a, b| a.0 == b.0);
            write_file(dir, &segment::encode(&self.key, &added))?;
            return Ok(());
        }
        // Merge: everything known (what the listed files held) and the new results, in one
        // file; then the listed files go. A concurrent run may be doing the same: the worst
        // case is two merged files with the same records, merged again later.
        let mut all: Vec<(BlobId, Known)> = self.known.iter().map(|(id, k)| (*id, *k)).collect();
        all.extend(added);
        all.sort_unstable_by_key(|a| a.0);
        all.dedup_by(|a, b| a.0 == b.0);
        write_file(dir, &segment::encode(&self.key, &all))?;
        for file in &self.files {
            let _ = std::fs::remove_file(file);
        }
        Ok(())
    }
}

/// The cache root: `$XDG_CACHE_HOME/leakward` (an absolute path, as the XDG specification
/// asks), else `$HOME/.cache/leakward`; `None` when neither is set.
pub fn default_root(xdg_cache_home: Option<&Path>, home: Option<&Path>) -> Option<PathBuf> {
    xdg_cache_home
        .filter(|path| path.is_absolute())
        .map(Path::to_path_buf)
        .or_else(|| {
            home.filter(|h| !h.as_os_str().is_empty())
                .map(|h| h.join(".cache"))
        })
        .map(|base| base.join("leakward"))
}

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Makes `dir` and its missing parents, readable by the user only.
fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir)
}

/// Prefix of the temporary name a cache file is written under.
const TEMPORARY_PREFIX: &str = ".partial-";

/// Writes `bytes` as a new cache file in `dir`: under a temporary name, readable by the user
/// only, then renamed into place.
fn write_file(dir: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = format!("{nanos:032}-{}-{}", std::process::id(), unique());
    let temporary = dir.join(format!("{TEMPORARY_PREFIX}{name}"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options
        .open(&temporary)
        .and_then(|mut file| file.write_all(bytes))
        .and_then(|()| std::fs::rename(&temporary, dir.join(format!("{name}.lwc"))));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// A number no other call in this process returns.
fn unique() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Removes temporary files that a run which stopped half-way left, a day or more ago.
fn remove_stale_temporary_files(dir: &Path) {
    let day = std::time::Duration::from_secs(24 * 3600);
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let stale = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|age| age > day);
        if stale
            && entry
                .file_name()
                .to_string_lossy()
                .starts_with(TEMPORARY_PREFIX)
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(version: &str) -> CacheKey {
        CacheKey {
            version: version.to_string(),
            rules: "r".to_string(),
        }
    }

    const CLEAN: Known = Known {
        bytes: 10,
        binary: false,
        had_findings: false,
    };

    #[test]
    fn what_one_run_adds_the_next_knows() {
        let root = tempfile::tempdir().expect("temp dir");
        let (first, warnings) = BlobCache::open(root.path(), &key("1"));
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(first.clean(&[1; 20]), None);
        first.scanned(&[1; 20], CLEAN);
        first.scanned(
            &[2; 20],
            Known {
                had_findings: true,
                ..CLEAN
            },
        );
        first.save().expect("save");
        assert_eq!(
            first.counts(),
            CacheCounts {
                hits: 0,
                misses: 2,
                rescanned: 0
            }
        );

        let (second, _) = BlobCache::open(root.path(), &key("1"));
        assert_eq!(second.clean(&[1; 20]), Some(CLEAN));
        assert_eq!(
            second.clean(&[2; 20]),
            None,
            "a blob with findings is read again"
        );
        second.scanned(
            &[2; 20],
            Known {
                had_findings: true,
                ..CLEAN
            },
        );
        assert_eq!(
            second.counts(),
            CacheCounts {
                hits: 1,
                misses: 0,
                rescanned: 1
            }
        );
        let (other_version, _) = BlobCache::open(root.path(), &key("2"));
        assert_eq!(other_version.clean(&[1; 20]), None);
    }

    #[test]
    fn files_are_merged_and_nothing_is_lost() {
        let root = tempfile::tempdir().expect("temp dir");
        for run in 0..(MAX_FILES as u8 * 2) {
            let (cache, warnings) = BlobCache::open(root.path(), &key("1"));
            assert!(warnings.is_empty(), "{warnings:?}");
            for earlier in 0..run {
                assert!(
                    cache.clean(&[earlier; 20]).is_some(),
                    "run {run}: {earlier}"
                );
            }
            cache.scanned(&[run; 20], CLEAN);
            cache.save().expect("save");
            assert!(cache.files.len() <= MAX_FILES);
        }
    }

    #[cfg(unix)]
    #[test]
    fn only_the_user_can_read_it() {
        use std::os::unix::fs::PermissionsExt;
        let root = tempfile::tempdir().expect("temp dir");
        let cache_root = root.path().join("cache");
        let (cache, _) = BlobCache::open(&cache_root, &key("1"));
        cache.scanned(&[1; 20], CLEAN);
        cache.save().expect("save");
        let dir = cache.dir.clone().expect("usable");
        for path in [cache_root.clone(), dir.clone()] {
            let mode = std::fs::metadata(&path).expect("dir").permissions().mode();
            assert_eq!(mode & 0o777, 0o700, "{}", path.display());
        }
        for entry in std::fs::read_dir(&dir).expect("list") {
            let mode = entry
                .expect("entry")
                .metadata()
                .expect("file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn a_root_that_is_a_file_is_a_warning_and_no_cache() {
        let root = tempfile::tempdir().expect("temp dir");
        let file = root.path().join("file");
        std::fs::write(&file, "x").expect("write");
        let (cache, warnings) = BlobCache::open(&file, &key("1"));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        cache.scanned(&[1; 20], CLEAN);
        cache.save().expect("nothing to write");
    }

    #[test]
    fn the_default_root_follows_xdg() {
        let home = Path::new("/home/ada");
        assert_eq!(
            default_root(Some(Path::new("/xdg")), Some(home)),
            Some(PathBuf::from("/xdg/leakward"))
        );
        assert_eq!(
            default_root(Some(Path::new("relative")), Some(home)),
            Some(PathBuf::from("/home/ada/.cache/leakward"))
        );
        assert_eq!(default_root(None, None), None);
    }
}

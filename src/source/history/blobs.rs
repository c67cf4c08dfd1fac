//! Phase 3: each distinct blob read once and scanned, in pack order, in parallel; ahead of
//! the walk for a whole-history scan.

use super::packs::{self, PackedBlobs};
use super::parallel::in_parallel;
use super::stream;
use super::{index_u32, History, HistoryOptions, ProgressSink, BLOB_BATCH};
use crate::blob::{scan_bytes, scan_reader};
use crate::cache::{BlobCache, Known};
use crate::container::Skipped;
use crate::finding::Finding;
use crate::scan::Scanner;
use crate::source::SourceOutput;
use crate::stats::ScanStats;
use git2::{Oid, Repository};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// A scanned blob that had findings.
pub(super) type BlobFindings = (u32, Vec<Finding>);

/// A scanned blob that had container members: its index, the members scanned, those not read.
pub(super) type BlobMembers = (usize, u64, Vec<Skipped>);

/// What [`settle_packed`] gives: the blobs with findings, with container members, and to scan.
pub(super) type Settled = (Vec<BlobFindings>, Vec<BlobMembers>, Vec<usize>);

/// What scanning one blob gave.
#[derive(Debug, Default)]
pub(super) struct Scanned {
    /// Bytes read.
    bytes: u64,
    /// Whether it looked binary.
    binary: bool,
    /// Its findings.
    findings: Vec<Finding>,
    /// Members of containers in it scanned, and those not read.
    members: (u64, Vec<Skipped>),
}

/// What scanning one blob gave, or why it could not be read.
pub(super) type BlobWork = std::result::Result<Scanned, String>;

/// Reads blob `id` and scans it: a large one as a stream ([`stream::open_large`], asked
/// only when `may_be_large`), any other where libgit2 inflated it (a blob is one buffer
/// already); a blob the cache knows to be clean is not read at all.
pub(super) fn scan_blob(
    repo: &Repository,
    id: Oid,
    scanner: &Scanner<'_>,
    buffer: &mut Vec<u8>,
    cache: Option<&BlobCache>,
    may_be_large: bool,
) -> std::result::Result<Scanned, git2::Error> {
    if let Some(clean) = cache.and_then(|cache| cache.clean(id.as_bytes())) {
        return Ok(Scanned {
            bytes: clean.bytes,
            binary: clean.binary,
            ..Scanned::default()
        });
    }
    let stream = may_be_large.then(|| stream::open_large(repo, id)).flatten();
    let scanned = match stream {
        Some(content) => scan_reader(content, "", scanner, buffer)
            .map_err(|error| git2::Error::from_str(&error.to_string()))?,
        None => scan_bytes(repo.find_blob(id)?.content(), "", scanner, buffer),
    };
    if buffer.capacity() > crate::blob::CHUNK_SIZE * 2 {
        *buffer = Vec::new();
    }
    if let Some(cache) = cache {
        let known = Known {
            bytes: scanned.bytes,
            binary: scanned.binary,
            had_findings: !scanned.findings.is_empty(),
        };
        cache.scanned(id.as_bytes(), known);
    }
    Ok(Scanned {
        bytes: scanned.bytes,
        binary: scanned.binary,
        findings: scanned.findings,
        members: (scanned.members, scanned.skipped_members),
    })
}

/// The packed blobs scanned while the history was walked, by place in [`PackedBlobs::ids`].
#[derive(Debug, Default)]
pub(super) struct PackedScan {
    /// Bytes read and whether the blob looked binary, for each place.
    summaries: Vec<(u64, bool)>,
    /// The findings of the blobs that had some.
    findings: HashMap<usize, Vec<Finding>>,
    /// The container members of the blobs that had some: scanned, and not read.
    members: HashMap<usize, (u64, Vec<Skipped>)>,
    /// Why a blob could not be read (it matters only if the history has that blob).
    failures: HashMap<usize, String>,
    /// Bytes read in all.
    pub(super) bytes: u64,
}

/// Phase 3, ahead of time: scans every blob of the packs in parallel, in pack order, until
/// `cancel` is set. Progress counts these blobs.
pub(super) fn scan_packed(
    git_dir: &Path,
    packed: &PackedBlobs,
    scanner: &Scanner<'_>,
    options: &HistoryOptions,
    cancel: &AtomicBool,
) -> Result<PackedScan, String> {
    let mut scan = PackedScan {
        summaries: vec![(0, false); packed.ids.len()],
        ..PackedScan::default()
    };
    let total = packed.ids.len() as u64;
    let mut done = 0u64;
    in_parallel(
        git_dir,
        packed.ids.len(),
        BLOB_BATCH,
        options.worker_threads(),
        |_| Vec::new(),
        |repo, buffer: &mut Vec<u8>, place| {
            if cancel.load(Ordering::Relaxed) {
                return None;
            }
            Some(scan_blob(
                repo,
                packed.ids[place],
                scanner,
                buffer,
                options.cache.as_deref(),
                packed.may_be_large(place),
            ))
        },
        |place, work| {
            match work {
                None => return Ok(()),
                Some(Ok(scanned)) => {
                    scan.summaries[place] = (scanned.bytes, scanned.binary);
                    scan.bytes += scanned.bytes;
                    if !scanned.findings.is_empty() {
                        scan.findings.insert(place, scanned.findings);
                    }
                    if scanned.members != (0, Vec::new()) {
                        scan.members.insert(place, scanned.members);
                    }
                }
                Some(Err(error)) => {
                    scan.failures.insert(place, error.message().to_string());
                }
            }
            done += 1;
            if let Some(ProgressSink(report)) = &options.progress {
                report(done, total, scan.bytes);
            }
            Ok(())
        },
    )?;
    Ok(scan)
}

/// Takes the results of the history's blobs from the scan made ahead of time; returns the
/// blobs with findings, the blobs with container members, and the indexes of the blobs
/// still to scan (loose, or in no pack index read). Blobs of the packs that the history does not reach are dropped.
pub(super) fn settle_packed(
    history: &History,
    packed: &PackedBlobs,
    mut ahead: PackedScan,
    keep_going: bool,
    output: &mut SourceOutput,
    warnings: &mut Vec<String>,
) -> Result<Settled, String> {
    let mut matched = Vec::new();
    let mut members = Vec::new();
    let mut rest = Vec::new();
    let mut reached = 0u64;
    for (index, id) in history.blobs.iter().enumerate() {
        let Some(place) = packed.place_of(id) else {
            rest.push(index);
            continue;
        };
        reached += 1;
        if let Some(error) = ahead.failures.remove(&place) {
            let message = format!(
                "cannot read blob {id}{}: {error}",
                first_seen(history, index)
            );
            if !keep_going {
                return Err(message);
            }
            warnings.push(format!("{message}; it was not scanned"));
            continue;
        }
        let (read, binary) = ahead.summaries[place];
        output.stats.files_scanned += 1;
        output.stats.bytes_scanned += read;
        output.stats.binary_files += u64::from(binary);
        if let Some((scanned, skipped)) = ahead.members.remove(&place) {
            members.push((index, scanned, skipped));
        }
        if let Some(findings) = ahead.findings.remove(&place) {
            matched.push((index_u32(index)?, findings));
        }
    }
    output.stats.unreachable_blobs_read = (packed.ids.len() as u64).saturating_sub(reached);
    Ok((matched, members, rest))
}

/// Phase 3: scans the history's blobs at `indexes` once each, in parallel; returns the
/// blobs with findings and the blobs with container members.
pub(super) fn scan_blobs(
    git_dir: &Path,
    history: &History,
    indexes: &[usize],
    scanner: &Scanner<'_>,
    options: &HistoryOptions,
    output: &mut SourceOutput,
    warnings: &mut Vec<String>,
) -> Result<(Vec<BlobFindings>, Vec<BlobMembers>), String> {
    let mut matched = Vec::new();
    let mut members = Vec::new();
    let total = indexes.len() as u64;
    let (mut done, mut read) = (0u64, 0u64);
    // Read in pack order: most delta bases are then still in libgit2's cache.
    let ids: Vec<Oid> = indexes.iter().map(|&index| history.blobs[index]).collect();
    // Each with whether it may be large enough to stream: unknown (loose) means it may.
    let order: Vec<(usize, bool)> = packs::read_order(git_dir, &ids)
        .into_iter()
        .map(|(position, stored)| {
            let may_be_large = stored.map_or(true, packs::may_be_large);
            (indexes[position], may_be_large)
        })
        .collect();
    in_parallel(
        git_dir,
        order.len(),
        BLOB_BATCH,
        options.worker_threads(),
        |_| Vec::new(),
        |repo, buffer: &mut Vec<u8>, position| -> BlobWork {
            let (index, may_be_large) = order[position];
            let id = history.blobs[index];
            let cache = options.cache.as_deref();
            scan_blob(repo, id, scanner, buffer, cache, may_be_large).map_err(|e| {
                format!(
                    "cannot read blob {id}{}: {}",
                    first_seen(history, index),
                    e.message()
                )
            })
        },
        |position, work| {
            let (index, _) = order[position];
            match work {
                Ok(scanned) => {
                    read += scanned.bytes;
                    output.stats.files_scanned += 1;
                    output.stats.bytes_scanned += scanned.bytes;
                    output.stats.binary_files += u64::from(scanned.binary);
                    let (scanned_members, skipped) = scanned.members;
                    if scanned_members > 0 || !skipped.is_empty() {
                        members.push((index, scanned_members, skipped));
                    }
                    if !scanned.findings.is_empty() {
                        matched.push((index_u32(index)?, scanned.findings));
                    }
                }
                Err(message) if options.keep_going => {
                    warnings.push(format!("{message}; it was not scanned"))
                }
                Err(message) => return Err(message),
            }
            done += 1;
            if let Some(ProgressSink(report)) = &options.progress {
                report(done, total, read);
            }
            Ok(())
        },
    )?;
    Ok((matched, members))
}

/// Counts the container members of `blobs` in `stats`, each skipped one under the path
/// that first introduced its blob (in walk order).
pub(super) fn count_members(history: &History, blobs: Vec<BlobMembers>, stats: &mut ScanStats) {
    if blobs.is_empty() {
        return;
    }
    let mut first: HashMap<usize, (u32, u32)> =
        blobs.iter().map(|b| (b.0, (u32::MAX, 0))).collect();
    for &(blob, commit, path) in &history.introductions {
        if let Some(earliest) = first.get_mut(&(blob as usize)) {
            if commit < earliest.0 {
                *earliest = (commit, path);
            }
        }
    }
    for (index, scanned, skipped) in blobs {
        let path = first
            .get(&index)
            .filter(|(commit, _)| *commit != u32::MAX)
            .map(|&(_, path)| String::from_utf8_lossy(&history.paths[path as usize]).into_owned())
            .unwrap_or_default();
        stats.count_members(&path, scanned, skipped);
    }
}

/// ` (path in commit …)` for the first introduction of blob `index`, for error messages.
pub(super) fn first_seen(history: &History, index: usize) -> String {
    history
        .introductions
        .iter()
        .filter(|(blob, _, _)| *blob as usize == index)
        .min_by_key(|(_, commit, _)| *commit)
        .map(|&(_, commit, path)| {
            format!(
                " ({} in commit {})",
                String::from_utf8_lossy(&history.paths[path as usize]),
                history.commits[commit as usize]
            )
        })
        .unwrap_or_default()
}

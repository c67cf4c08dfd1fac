//! Attribution: each blob's findings placed at every path that introduced the blob, with
//! the earliest commit that did so.

use super::blobs::BlobFindings;
use super::History;
use crate::dates::rfc3339_utc;
use crate::finding::{Finding, Provenance};
use git2::{Oid, Repository};
use std::collections::{BTreeMap, HashMap};

/// Places each blob's findings at every distinct path that introduced the blob, with the
/// earliest commit that did so. A key that stays in a file while other lines change is in
/// every later version (blob) of that file too: it is reported once per path, at its
/// earliest commit, and the later versions count in `other_occurrences`.
pub(super) fn attribute(
    repo: &Repository,
    history: &History,
    matched: Vec<BlobFindings>,
) -> Result<Vec<Finding>, String> {
    let mut places: HashMap<u32, Vec<(u32, u32)>> = matched
        .iter()
        .map(|(blob, _)| (*blob, Vec::new()))
        .collect();
    for &(blob, commit, path) in &history.introductions {
        if let Some(list) = places.get_mut(&blob) {
            list.push((commit, path));
        }
    }
    let mut metadata: HashMap<u32, CommitMetadata> = HashMap::new();
    // (path, rule, fingerprint) -> (earliest commit index, its finding, places seen, last blob)
    type Kept = (u32, Finding, u64, u32);
    let mut by_key: BTreeMap<(String, String, String), Kept> = BTreeMap::new();
    for (blob, blob_findings) in matched {
        let introductions = places.remove(&blob).unwrap_or_default();
        let total = introductions.len() as u64;
        // Earliest commit per path; a BTreeMap keyed by path bytes keeps the order fixed.
        let mut earliest: BTreeMap<&[u8], u32> = BTreeMap::new();
        for &(commit, path) in &introductions {
            let entry = earliest
                .entry(history.paths[path as usize].as_slice())
                .or_insert(commit);
            *entry = (*entry).min(commit);
        }
        for (path, commit) in earliest {
            let meta = match metadata.get(&commit) {
                Some(meta) => meta,
                None => {
                    let meta = CommitMetadata::read(repo, history.commits[commit as usize])?;
                    metadata.entry(commit).or_insert(meta)
                }
            };
            // Git paths are already `/`-separated; a backslash is part of a file name.
            let shown = String::from_utf8_lossy(path).into_owned();
            for finding in &blob_findings {
                let mut placed = finding.clone();
                placed.path = match &finding.member {
                    Some(member) => format!("{shown}!{member}"),
                    None => shown.clone(),
                };
                placed.path_in_repository = true;
                placed.provenance = Some(Provenance {
                    commit: meta.id.clone(),
                    author_name: meta.author_name.clone(),
                    author_email: meta.author_email.clone(),
                    date: meta.date.clone(),
                    summary: meta.summary.clone(),
                    other_occurrences: total.saturating_sub(1),
                });
                let key = (
                    placed.path.clone(),
                    placed.rule.id.clone(),
                    placed.fingerprint.as_str().to_string(),
                );
                match by_key.get_mut(&key) {
                    None => {
                        by_key.insert(key, (commit, placed, total, blob));
                    }
                    Some(kept) => {
                        if kept.3 != blob {
                            kept.2 += total;
                            kept.3 = blob;
                        }
                        // Earlier commit wins; on the same commit (a key twice in one file) the
                        // earlier line does.
                        if (commit, placed.line, placed.column)
                            < (kept.0, kept.1.line, kept.1.column)
                        {
                            kept.0 = commit;
                            kept.1 = placed;
                        }
                    }
                }
            }
        }
    }
    Ok(by_key
        .into_values()
        .map(|(_, mut finding, places, _)| {
            if let Some(provenance) = finding.provenance.as_mut() {
                provenance.other_occurrences = places.saturating_sub(1);
            }
            finding
        })
        .collect())
}

/// What a finding says about its introducing commit.
pub(super) struct CommitMetadata {
    id: String,
    author_name: String,
    author_email: String,
    date: String,
    summary: String,
}

impl CommitMetadata {
    fn read(repo: &Repository, id: Oid) -> Result<CommitMetadata, String> {
        let commit = repo
            .find_commit(id)
            .map_err(|e| format!("cannot read commit {id}: {}", e.message()))?;
        let author = commit.author();
        let message = commit.message_bytes();
        let first_line = message.split(|&b| b == b'\n').next().unwrap_or_default();
        Ok(CommitMetadata {
            id: id.to_string(),
            author_name: String::from_utf8_lossy(author.name_bytes()).into_owned(),
            author_email: String::from_utf8_lossy(author.email_bytes()).into_owned(),
            date: rfc3339_utc(author.when().seconds()),
            summary: String::from_utf8_lossy(first_line).trim_end().to_string(),
        })
    }
}

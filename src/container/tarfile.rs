//! tar archives (POSIX ustar, GNU and PAX long names): every regular file; links,
//! directories and devices are skipped.

use super::{Members, Skip};
use tar::{Archive, EntryType};

/// Hands each regular file of the tar `bytes` to `members`.
pub(super) fn members(bytes: &[u8], members: &mut Members<'_, '_>) {
    let mut archive = Archive::new(bytes);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(error) => return members.skip("", Skip::Damaged(error.to_string())),
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(error) => return members.skip("", Skip::Damaged(error.to_string())),
        };
        if !matches!(
            entry.header().entry_type(),
            EntryType::Regular | EntryType::Continuous
        ) {
            continue;
        }
        if !members.admit() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let size = entry.size();
        members.read(name, Some(size), None, &mut entry);
    }
}

//! Zip-family archives (zip, jar, war, whl, nupkg, apk, docx, xlsx, …): every file member,
//! stored or deflated; directories are skipped, encrypted members and other compression
//! methods are reported.

use super::{Members, Skip};
use std::io::Cursor;
use zip::result::ZipError;
use zip::ZipArchive;

/// Hands each file member of the zip `bytes` to `members`.
pub(super) fn members(bytes: &[u8], members: &mut Members<'_, '_>) {
    let mut archive = match ZipArchive::new(Cursor::new(bytes)) {
        Ok(archive) => archive,
        Err(error) => return members.skip("", Skip::Damaged(error.to_string())),
    };
    for index in 0..archive.len() {
        let name = archive
            .name_for_index(index)
            .unwrap_or_default()
            .to_string();
        let mut file = match archive.by_index(index) {
            Ok(file) => file,
            Err(error) => {
                let why = match error {
                    ZipError::UnsupportedArchive(what) if what == ZipError::PASSWORD_REQUIRED => {
                        Skip::Encrypted
                    }
                    ZipError::UnsupportedArchive(what) => Skip::Unsupported(what.to_string()),
                    other => Skip::Damaged(other.to_string()),
                };
                if members.admit() {
                    members.skip(&name, why);
                }
                continue;
            }
        };
        if file.is_dir() {
            continue;
        }
        if !members.admit() {
            continue;
        }
        let (size, compressed) = (file.size(), file.compressed_size());
        members.read(name, Some(size), Some(compressed), &mut file);
    }
}

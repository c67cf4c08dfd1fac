//! gzip: one member, the decompressed stream (every concatenated gzip member of it),
//! named by the original file name in the header or by the container's name less `.gz`.
//! A `.tar.gz` is opened by the caller as the tar it decompresses to.

use super::Members;
use flate2::read::MultiGzDecoder;

/// Hands the decompressed content of the gzip `bytes`, named `name`, to `members`.
pub(super) fn members(bytes: &[u8], name: &str, members: &mut Members<'_, '_>) {
    if !members.admit() {
        return;
    }
    let mut reader = MultiGzDecoder::new(bytes);
    let member = reader
        .header()
        .and_then(|header| header.filename())
        .map(|file| String::from_utf8_lossy(file).into_owned())
        .unwrap_or_else(|| stem(name));
    members.read(member, None, Some(bytes.len() as u64), &mut reader);
}

/// The file name in `name` (a path) without its `.gz`, `.tgz` (a `.tar`) or `.gzip`.
fn stem(name: &str) -> String {
    let file = name.rsplit(['/', '!']).next().unwrap_or(name);
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".tgz") {
        format!("{}.tar", &file[..file.len() - 4])
    } else if let Some(cut) = [".gzip", ".gz"].iter().find(|ext| lower.ends_with(**ext)) {
        file[..file.len() - cut.len()].to_string()
    } else {
        format!("{file}.ungzipped")
    }
}

#[cfg(test)]
mod tests {
    use super::stem;

    #[test]
    fn names() {
        assert_eq!(stem("logs/app.log.gz"), "app.log");
        assert_eq!(stem("dist/site.TGZ"), "site.tar");
        assert_eq!(stem("a.zip!inner/data.gz"), "data");
        assert_eq!(stem("blob"), "blob.ungzipped");
    }
}

//! Large blobs read as streams, so a history scan's memory does not grow with its largest
//! blob.
//!
//! libgit2 hands out an object only whole, inflated in memory: a 1 GB blob would cost
//! 1 GB. A blob above [`STREAM_ABOVE`] (its size comes from the object's header, asked
//! only of loose objects and of pack entries long enough to inflate that far, see
//! [`packs::may_be_large`]) is read here instead, as a stream of inflated bytes that
//! [`crate::blob::scan_reader`] scans in bounded chunks, as it does a work-tree file:
//!
//! - a loose object (`objects/ab/cdef…`) is one zlib stream of `blob <size>\0` and the
//!   content, inflated from the file as it is read;
//! - a packed object stored whole (git never deltifies a blob above `core.bigFileThreshold`,
//!   512 MiB by default) is found through the pack indexes ([`packs::locate`]): after its
//!   entry header (type and size) at that offset of the `.pack` file comes one zlib stream
//!   of the content.
//!
//! Anything else — a deltified object (`OFS_DELTA`, `REF_DELTA`: rebuilding it needs its
//! base whole in memory anyway), an object in an alternate store, an index that cannot be
//! read — is read whole by libgit2 as before. The bytes are the same either way, so are
//! the findings, their places and the statistics; a stream that ends before its header's
//! size, or runs past it, is an error, as libgit2's read would be.

use super::packs::{self, STREAM_ABOVE};
use flate2::bufread::ZlibDecoder;
use git2::{ObjectType, Oid, Repository};
use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Bytes buffered from the object file between inflations.
const READ_BUFFER: usize = 64 * 1024;

/// Blob `id` as a stream of its content, if it is larger than [`STREAM_ABOVE`] and stored
/// where it can be streamed (loose, or whole in a pack); `None` to read it whole.
pub(super) fn open_large(repo: &Repository, id: Oid) -> Option<Box<dyn Read>> {
    let odb = repo.odb().ok()?;
    let (size, kind) = odb.read_header(id).ok()?;
    let size = u64::try_from(size).ok()?;
    if kind != ObjectType::Blob || size <= STREAM_ABOVE {
        return None;
    }
    let objects = repo.path().join("objects");
    loose(&objects, id, size).or_else(|| packed(&objects, id, size))
}

/// The loose object `id` of `objects`, positioned after its header, if it is a blob of
/// `size` bytes.
fn loose(objects: &Path, id: Oid, size: u64) -> Option<Box<dyn Read>> {
    let hex = id.to_string();
    let file = File::open(objects.join(&hex[..2]).join(&hex[2..])).ok()?;
    let mut content = ZlibDecoder::new(BufReader::with_capacity(READ_BUFFER, file));
    // `blob <size>\0`: at most 4 + 1 + 20 + 1 bytes.
    let mut header = Vec::with_capacity(32);
    let mut byte = [0u8; 1];
    loop {
        content.read_exact(&mut byte).ok()?;
        if byte[0] == 0 {
            break;
        }
        if header.len() >= 32 {
            return None;
        }
        header.push(byte[0]);
    }
    let declared: u64 = std::str::from_utf8(header.strip_prefix(b"blob ")?)
        .ok()?
        .parse()
        .ok()?;
    (declared == size).then(|| Box::new(Exact::new(content, size)) as Box<dyn Read>)
}

/// The packed object `id` of `objects`, positioned at its content, if a pack holds it
/// whole (not as a delta) as a blob of `size` bytes.
fn packed(objects: &Path, id: Oid, size: u64) -> Option<Box<dyn Read>> {
    let (pack, offset) = packs::locate(&objects.join("pack"), id)?;
    let mut file = BufReader::with_capacity(READ_BUFFER, File::open(pack).ok()?);
    let mut magic = [0u8; 4];
    file.read_exact(&mut magic).ok()?;
    if &magic != b"PACK" {
        return None;
    }
    file.seek(SeekFrom::Start(offset)).ok()?;
    let (code, declared) = packs::entry_type_and_size(&mut file)?;
    // A delta (OFS_DELTA, REF_DELTA) is left to libgit2, which rebuilds it whole.
    if code != packs::BLOB || declared != size {
        return None;
    }
    Some(Box::new(Exact::new(ZlibDecoder::new(file), size)))
}

/// A reader that gives exactly `left` bytes of its inner one: an error if it ends sooner or
/// holds more (a damaged object, which libgit2 would refuse too).
struct Exact<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Exact<R> {
    fn new(inner: R, size: u64) -> Exact<R> {
        Exact { inner, left: size }
    }
}

impl<R: Read> Read for Exact<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            // The declared size is read: the stream must end here.
            let mut extra = [0u8; 1];
            return match self.inner.read(&mut extra)? {
                0 => Ok(0),
                _ => Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    "the object holds more bytes than its header says",
                )),
            };
        }
        let wanted = out
            .len()
            .min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let read = self.inner.read(&mut out[..wanted])?;
        if read == 0 && wanted > 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the object ends before the size its header says",
            ));
        }
        self.left -= read as u64;
        Ok(read)
    }
}

//! Containers: files that hold other files or text, opened so their contents are scanned.
//!
//! - PNG images: the text chunks (`tEXt`, compressed `zTXt`, international `iTXt`);
//! - zip-family archives (zip, jar, war, whl, nupkg, apk, docx, xlsx, …): stored and
//!   deflated members;
//! - gzip files (`.gz`, `.tgz`): the decompressed content;
//! - tar archives: regular files.
//!
//! A container is recognised by its first bytes, never by its name. Pure: bytes in, members
//! out; no I/O. Every read is bounded ([`Limits`]): a member larger than the limit, one that
//! inflates more than the ratio allows (a zip bomb), more members than the limit, more
//! decompressed bytes in all than the budget, or a container nested too deep is not read,
//! and each is reported as a [`Skip`], never dropped in silence.

mod gzip;
mod png;
mod tarfile;
mod zipfile;

use std::fmt;
use std::io::Read;

/// The bounds of opening containers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Most nested levels opened: 1 opens a file's members, 2 also their members, and so on.
    pub depth: usize,
    /// Largest member read, decompressed, in bytes.
    pub member_size: u64,
    /// Largest decompressed-to-compressed ratio of a member over [`Limits::ratio_floor`]
    /// bytes; a larger one is a decompression bomb.
    pub ratio: u64,
    /// Members smaller than this are never judged by their ratio (a small file of repeated
    /// bytes compresses a thousandfold and is harmless).
    pub ratio_floor: u64,
    /// Most members read from one container.
    pub members: usize,
    /// Most decompressed bytes read from all the containers in one file, nested ones too.
    pub total: u64,
    /// Largest container opened, in bytes as stored.
    pub container_size: u64,
}

/// The limits leakward uses.
pub const LIMITS: Limits = Limits {
    depth: 3,
    member_size: 64 << 20,
    ratio: 100,
    ratio_floor: 1 << 20,
    members: 10_000,
    total: 256 << 20,
    container_size: 64 << 20,
};

/// The kinds of container.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A PNG image.
    Png,
    /// A zip-family archive.
    Zip,
    /// A gzip stream.
    Gzip,
    /// A tar archive.
    Tar,
}

/// The kind of container `bytes` are, by their first bytes.
///
/// ```
/// use leakward::container::{kind_of, Kind};
/// assert_eq!(kind_of(b"\x1f\x8b\x08\0\0\0\0\0"), Some(Kind::Gzip));
/// assert_eq!(kind_of(b"plain text"), None);
/// ```
pub fn kind_of(bytes: &[u8]) -> Option<Kind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.starts_with(b"PK\x03\x04") {
        Some(Kind::Zip)
    } else if bytes.starts_with(b"\x1f\x8b\x08") {
        Some(Kind::Gzip)
    } else if bytes.get(257..262) == Some(b"ustar") {
        Some(Kind::Tar)
    } else {
        None
    }
}

/// A file (or text) inside a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its name in the container: a path in an archive, `zTXt:Comment` for a PNG text
    /// chunk, the original file name (or the container's name less `.gz`) for gzip.
    pub name: String,
    /// Its bytes, decompressed.
    pub bytes: Vec<u8>,
}

/// Why a member, or a container, was not read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// A container inside containers already [`Limits::depth`] deep.
    Depth,
    /// A member larger than [`Limits::member_size`] decompressed.
    MemberSize(u64),
    /// A member that inflates more than [`Limits::ratio`] times.
    Ratio,
    /// Members past the [`Limits::members`]th.
    Members(u64),
    /// The file's decompressed bytes would pass [`Limits::total`].
    Total,
    /// A container larger than [`Limits::container_size`].
    ContainerSize(u64),
    /// An encrypted member.
    Encrypted,
    /// A compression method other than stored or deflated.
    Unsupported(String),
    /// A damaged container or member.
    Damaged(String),
    /// Not a member but part of the blob itself: a catch-all rule reached its limit of
    /// secrets there (see [`crate::scan::Stopped`]); the text says which rule, from which
    /// line, and how many places it did not examine.
    RuleLimit(String),
}

impl Skip {
    /// Whether a limit was reached (rather than a member that could not be read).
    pub fn is_limit(&self) -> bool {
        matches!(
            self,
            Skip::Depth
                | Skip::MemberSize(_)
                | Skip::Ratio
                | Skip::Members(_)
                | Skip::Total
                | Skip::ContainerSize(_)
        )
    }

    /// A short machine-readable name: `depth`, `member-size`, `ratio`, `members`, `total`,
    /// `container-size`, `encrypted`, `unsupported`, `damaged`, `rule-limit`.
    pub fn kind(&self) -> &'static str {
        match self {
            Skip::Depth => "depth",
            Skip::MemberSize(_) => "member-size",
            Skip::Ratio => "ratio",
            Skip::Members(_) => "members",
            Skip::Total => "total",
            Skip::ContainerSize(_) => "container-size",
            Skip::Encrypted => "encrypted",
            Skip::Unsupported(_) => "unsupported",
            Skip::Damaged(_) => "damaged",
            Skip::RuleLimit(_) => "rule-limit",
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::Depth => write!(f, "nested more than {} containers deep", LIMITS.depth),
            Skip::MemberSize(size) => write!(
                f,
                "larger than {} MiB decompressed ({size} bytes)",
                LIMITS.member_size >> 20
            ),
            Skip::Ratio => write!(
                f,
                "inflates more than {}:1 (a decompression bomb?)",
                LIMITS.ratio
            ),
            Skip::Members(left) => write!(
                f,
                "{left} members past the first {} not read",
                LIMITS.members
            ),
            Skip::Total => write!(
                f,
                "past {} MiB decompressed from one file",
                LIMITS.total >> 20
            ),
            Skip::ContainerSize(size) => write!(
                f,
                "container larger than {} MiB ({size} bytes) not opened",
                LIMITS.container_size >> 20
            ),
            Skip::Encrypted => f.write_str("encrypted"),
            Skip::Unsupported(what) => write!(f, "unsupported: {what}"),
            Skip::Damaged(what) => write!(f, "damaged: {what}"),
            Skip::RuleLimit(what) => f.write_str(what),
        }
    }
}

/// A member not read: its name in the container (empty for the container itself) and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    /// The member's name, or empty when the whole container was not read.
    pub member: String,
    /// Why.
    pub why: Skip,
}

/// Decompressed bytes left for one file's containers, nested ones included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    left: u64,
}

impl Budget {
    /// The budget of one file: [`Limits::total`].
    pub fn new() -> Budget {
        Budget { left: LIMITS.total }
    }
}

impl Default for Budget {
    fn default() -> Budget {
        Budget::new()
    }
}

/// Calls `on_member` with each member of `bytes`, a container of `kind` named `name` (for
/// gzip's member name), in order; returns the members not read. `on_member` gets the budget
/// back, to open nested containers within it.
pub fn for_each_member(
    bytes: &[u8],
    kind: Kind,
    name: &str,
    budget: &mut Budget,
    on_member: &mut dyn FnMut(Member, &mut Budget),
) -> Vec<Skipped> {
    if bytes.len() as u64 > LIMITS.container_size {
        return vec![Skipped {
            member: String::new(),
            why: Skip::ContainerSize(bytes.len() as u64),
        }];
    }
    let mut members = Members {
        budget,
        skipped: Vec::new(),
        count: 0,
        on_member,
    };
    match kind {
        Kind::Png => png::members(bytes, &mut members),
        Kind::Zip => zipfile::members(bytes, &mut members),
        Kind::Gzip => gzip::members(bytes, name, &mut members),
        Kind::Tar => tarfile::members(bytes, &mut members),
    }
    members.skipped
}

/// What the readers hand their members to: counts them, applies the limits, keeps the skips.
struct Members<'a, 'b> {
    budget: &'a mut Budget,
    skipped: Vec<Skipped>,
    count: usize,
    on_member: &'b mut dyn FnMut(Member, &mut Budget),
}

impl Members<'_, '_> {
    /// Whether another member may be read; past the limit, counts it as skipped.
    fn admit(&mut self) -> bool {
        self.count += 1;
        if self.count <= LIMITS.members {
            return true;
        }
        match self.skipped.last_mut() {
            Some(Skipped {
                why: Skip::Members(left),
                ..
            }) => *left += 1,
            _ => self.skip("", Skip::Members(1)),
        }
        false
    }

    /// Records a member not read.
    fn skip(&mut self, member: &str, why: Skip) {
        self.skipped.push(Skipped {
            member: member.to_string(),
            why,
        });
    }

    /// Reads a member from `reader` (which inflates `compressed` bytes, or `None` when
    /// stored) within the limits, and hands it on; declared sizes are checked first and
    /// actual sizes as it is read.
    fn read(
        &mut self,
        name: String,
        declared: Option<u64>,
        compressed: Option<u64>,
        reader: &mut dyn Read,
    ) {
        if let Some(size) = declared {
            if size > LIMITS.member_size {
                return self.skip(&name, Skip::MemberSize(size));
            }
            if size > self.budget.left {
                return self.skip(&name, Skip::Total);
            }
            if let Some(compressed) = compressed {
                if size > LIMITS.ratio_floor && size > compressed.saturating_mul(LIMITS.ratio) {
                    return self.skip(&name, Skip::Ratio);
                }
            }
        }
        match read_bounded(reader, compressed, self.budget.left) {
            Ok(bytes) => {
                self.budget.left -= bytes.len() as u64;
                (self.on_member)(Member { name, bytes }, self.budget);
            }
            Err(why) => self.skip(&name, why),
        }
    }
}

/// Reads `reader` to its end within the limits: at most [`Limits::member_size`] and `left`
/// bytes, and at most [`Limits::ratio`] times `compressed` once past the ratio floor.
fn read_bounded(
    reader: &mut dyn Read,
    compressed: Option<u64>,
    left: u64,
) -> Result<Vec<u8>, Skip> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    loop {
        let read = match reader.read(&mut chunk) {
            Ok(0) => return Ok(bytes),
            Ok(read) => read,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(Skip::Damaged(error.to_string())),
        };
        bytes.extend_from_slice(&chunk[..read]);
        let size = bytes.len() as u64;
        if size > LIMITS.member_size {
            return Err(Skip::MemberSize(size));
        }
        if size > left {
            return Err(Skip::Total);
        }
        if let Some(compressed) = compressed {
            if size > LIMITS.ratio_floor && size > compressed.saturating_mul(LIMITS.ratio) {
                return Err(Skip::Ratio);
            }
        }
    }
}

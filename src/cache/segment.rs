//! One file of the blob cache: the blobs one run scanned, with a checksum.
//!
//! ```text
//! magic      8 bytes   "LWBLOBC1" (the format's version is its last byte)
//! key       32 bytes   SHA-256 of the cache key (leakward's version and the rule set)
//! count      8 bytes   records that follow, little-endian
//! records   29 bytes   each: blob id (20), bytes scanned (u64 LE), flags (1)
//! checksum  32 bytes   SHA-256 of everything before it
//! ```
//!
//! A file is written under a temporary name and renamed into place when complete, so a
//! reader sees a whole file or none; the checksum catches anything else (a truncated copy,
//! a flipped bit, a file from another format).

use super::{BlobId, Known};
use sha2::{Digest, Sha256};

/// The first bytes of every cache file.
const MAGIC: &[u8; 8] = b"LWBLOBC1";
/// Bytes of one record.
const RECORD: usize = 20 + 8 + 1;
/// Bytes before the first record.
const HEADER: usize = 8 + 32 + 8;
/// Flag bit: the blob looked binary.
const BINARY: u8 = 1;
/// Flag bit: scanning the blob found something.
const FINDINGS: u8 = 2;

/// Encodes `records` as a cache file for the key whose digest is `key`.
pub(super) fn encode(key: &[u8; 32], records: &[(BlobId, Known)]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(HEADER + records.len() * RECORD + 32);
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(key);
    bytes.extend_from_slice(&(records.len() as u64).to_le_bytes());
    for (id, known) in records {
        bytes.extend_from_slice(id);
        bytes.extend_from_slice(&known.bytes.to_le_bytes());
        bytes.push((u8::from(known.binary) * BINARY) | (u8::from(known.had_findings) * FINDINGS));
    }
    let checksum = Sha256::digest(&bytes);
    bytes.extend_from_slice(&checksum);
    bytes
}

/// Decodes a cache file written by [`encode`] for the key whose digest is `key`; says what
/// is wrong with it otherwise.
pub(super) fn decode(key: &[u8; 32], bytes: &[u8]) -> Result<Vec<(BlobId, Known)>, String> {
    if bytes.len() < HEADER + 32 || &bytes[..8] != MAGIC {
        return Err("not a leakward blob cache file".to_string());
    }
    let (body, checksum) = bytes.split_at(bytes.len() - 32);
    if Sha256::digest(body).as_slice() != checksum {
        return Err("its checksum does not match: it was cut short or changed".to_string());
    }
    if &body[8..40] != key {
        return Err("it belongs to another rule set or version".to_string());
    }
    let mut count = [0u8; 8];
    count.copy_from_slice(&body[40..HEADER]);
    let count = u64::from_le_bytes(count);
    let records = &body[HEADER..];
    if Some(records.len() as u64) != count.checked_mul(RECORD as u64) {
        return Err(format!(
            "it says {count} records but holds {} bytes of them",
            records.len()
        ));
    }
    records
        .chunks_exact(RECORD)
        .map(|record| {
            let mut id = [0u8; 20];
            id.copy_from_slice(&record[..20]);
            let mut scanned = [0u8; 8];
            scanned.copy_from_slice(&record[20..28]);
            let flags = record[28];
            if flags & !(BINARY | FINDINGS) != 0 {
                return Err(format!("a record has unknown flags {flags:#04x}"));
            }
            Ok((
                id,
                Known {
                    bytes: u64::from_le_bytes(scanned),
                    binary: flags & BINARY != 0,
                    had_findings: flags & FINDINGS != 0,
                },
            ))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records() -> Vec<(BlobId, Known)> {
        (0u8..5)
            .map(|i| {
                (
                    [i; 20],
                    Known {
                        bytes: u64::from(i) * 1000 + 7,
                        binary: i % 2 == 0,
                        had_findings: i == 3,
                    },
                )
            })
            .collect()
    }

    #[test]
    fn a_file_reads_back_as_written() {
        let key = [9u8; 32];
        let bytes = encode(&key, &records());
        assert_eq!(decode(&key, &bytes), Ok(records()));
        assert_eq!(decode(&key, &encode(&key, &[])), Ok(Vec::new()));
    }

    #[test]
    fn every_damage_is_an_error_never_other_records() {
        let key = [9u8; 32];
        let bytes = encode(&key, &records());
        for cut in 0..bytes.len() {
            assert!(decode(&key, &bytes[..cut]).is_err(), "cut at {cut}");
        }
        for at in 0..bytes.len() {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0x10;
            assert!(decode(&key, &flipped).is_err(), "bit flipped at {at}");
        }
        let other_key = [8u8; 32];
        assert!(decode(&other_key, &bytes)
            .unwrap_err()
            .contains("another rule set"));
    }
}

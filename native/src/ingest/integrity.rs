//! Checksums of exactly the bytes uploaded: CRC-64/NVME, which S3 verifies on arrival and
//! keeps as the object's full-object checksum, and SHA-256, for auditors who re-hash a
//! downloaded copy with common tools.
//!
//! CRC-64/NVME is the checksum both AWS S3 and SeaweedFS verify for single PUTs and, as a
//! `FULL_OBJECT` checksum, for multipart uploads (a full-object CRC does not depend on how
//! the object was cut into parts). S3 carries it base64-encoded, big-endian.

use std::io::{self, Read};

use crc_fast::{CrcAlgorithm, Digest};
use sha2::{Digest as _, Sha256};

/// The checksums of an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sums {
    pub bytes: u64,
    pub crc64nvme: u64,
    pub sha256: [u8; 32],
}

impl Sums {
    /// CRC-64/NVME as S3 headers carry it.
    pub fn crc64_base64(&self) -> String {
        crc64_base64(self.crc64nvme)
    }

    pub fn sha256_hex(&self) -> String {
        data_encoding::HEXLOWER.encode(&self.sha256)
    }
}

/// CRC-64/NVME as S3 headers carry it: the 8 bytes big-endian, base64.
pub fn crc64_base64(crc: u64) -> String {
    data_encoding::BASE64.encode(&crc.to_be_bytes())
}

/// Running checksums over bytes fed in any pieces.
#[derive(Clone)]
pub struct Hashing {
    bytes: u64,
    crc: Digest,
    sha: Sha256,
}

impl std::fmt::Debug for Hashing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hashing")
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Default for Hashing {
    fn default() -> Hashing {
        Hashing {
            bytes: 0,
            crc: Digest::new(CrcAlgorithm::Crc64Nvme),
            sha: Sha256::new(),
        }
    }
}

impl Hashing {
    pub fn update(&mut self, bytes: &[u8]) {
        self.bytes += bytes.len() as u64;
        self.crc.update(bytes);
        self.sha.update(bytes);
    }

    pub fn finish(self) -> Sums {
        Sums {
            bytes: self.bytes,
            crc64nvme: self.crc.finalize(),
            sha256: self.sha.finalize().into(),
        }
    }
}

/// CRC-64/NVME of one buffer (a part).
pub fn crc64nvme(bytes: &[u8]) -> u64 {
    crc_fast::checksum(CrcAlgorithm::Crc64Nvme, bytes)
}

/// Size and CRC-64/NVME of everything a reader yields.
pub fn crc64nvme_of(reader: &mut impl Read) -> io::Result<(u64, u64)> {
    let mut digest = Digest::new(CrcAlgorithm::Crc64Nvme);
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        match reader.read(&mut buf) {
            Ok(0) => return Ok((size, digest.finalize())),
            Ok(n) => {
                size += n as u64;
                digest.update(&buf[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc64_nvme_check_value_and_s3_encoding() {
        // The catalogue check value of CRC-64/NVME over "123456789".
        assert_eq!(crc64nvme(b"123456789"), 0xAE8B_1486_0A79_9888);
        assert_eq!(crc64_base64(0xAE8B_1486_0A79_9888), "rosUhgp5mIg=");
    }

    #[test]
    fn pieces_do_not_change_the_sums() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
        let mut whole = Hashing::default();
        whole.update(&data);
        let mut pieces = Hashing::default();
        for chunk in data.chunks(777) {
            pieces.update(chunk);
        }
        let (a, b) = (whole.finish(), pieces.finish());
        assert_eq!(a, b);
        assert_eq!(a.bytes, 100_000);
        assert_eq!(a.crc64nvme, crc64nvme(&data));
        assert_eq!(
            crc64nvme_of(&mut &data[..]).unwrap(),
            (100_000, crc64nvme(&data))
        );
    }

    #[test]
    fn sha256_of_nothing() {
        assert_eq!(
            Hashing::default().finish().sha256_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}

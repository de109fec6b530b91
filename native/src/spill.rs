//! Where the core's key sets and k-anonymity pairs go past their memory budget: an
//! anonymous temporary file (unlinked as soon as it is created, so nothing is left behind
//! whatever happens to the process), given to the core as its [`Spill`].
//!
//! It holds 64-bit hashes of key values with row numbers and byte offsets (and, under
//! `--show-values` only, the text of `unique` cells), in `$TMPDIR`. Without a writable
//! temporary folder the sets stay in memory, as in the browser.

use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::sync::{Arc, Mutex};

use watt_core::pairs::{Spill, SpillConfig};

/// Default memory of each key set before it is written out.
pub const DEFAULT_BUDGET_MIB: usize = 8;

/// An anonymous temporary file, appended to and read back at offsets.
#[derive(Debug)]
pub struct FileSpill {
    file: File,
    len: u64,
}

impl Spill for FileSpill {
    fn append(&mut self, bytes: &[u8]) -> Result<u64, String> {
        let at = self.len;
        self.file
            .seek(SeekFrom::Start(at))
            .and_then(|_| self.file.write_all(bytes))
            .map_err(|e| format!("temporary file: {e}"))?;
        self.len += bytes.len() as u64;
        Ok(at)
    }

    fn read_at(&mut self, offset: u64, buf: &mut [u8]) -> Result<(), String> {
        use std::io::Read;
        self.file
            .seek(SeekFrom::Start(offset))
            .and_then(|_| self.file.read_exact(buf))
            .map_err(|e| format!("temporary file: {e}"))
    }
}

/// The spill of one run, or `None` when no temporary file can be made.
pub fn config(budget_mib: u64) -> Option<SpillConfig> {
    let file = tempfile::tempfile().ok()?;
    Some(SpillConfig {
        spill: Arc::new(Mutex::new(FileSpill { file, len: 0 })),
        budget_bytes: usize::try_from(budget_mib.clamp(1, 65536) << 20).unwrap_or(usize::MAX),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_what_was_appended() {
        let config = config(1).expect("a temporary file");
        let mut spill = config.spill.lock().unwrap();
        assert_eq!(spill.append(b"hello").unwrap(), 0);
        assert_eq!(spill.append(b" world").unwrap(), 5);
        let mut buf = [0u8; 5];
        spill.read_at(6, &mut buf).unwrap();
        assert_eq!(&buf, b"world");
        let mut past = [0u8; 4];
        assert!(
            spill.read_at(9, &mut past).is_err(),
            "reading past the end fails"
        );
    }
}

//! Finding the reader's structural bytes (delimiter, quote, line feed) a block at a time.
//!
//! The fast path asks "where is the next one?" once per field, a dozen bytes apart.
//! `memchr::memchr3` answers with SIMD but sets itself up on every call (picking its
//! routine, broadcasting the needles), which cost more than the search. [`Structural`]
//! instead marks every needle of a 64-byte block in one bitmask, computed once for the
//! several fields in the block and walked with `trailing_zeros`, as simdjson and simd-csv
//! do. The comparison is written so that the compiler vectorises it (SSE2 on x86-64,
//! simd128 in the browser build), in safe code; the bitmask is gathered eight bytes at a
//! time with a multiplication whose partial products never overlap, so it is exact.

/// Bitmask of where three bytes are, over a text, one 64-byte block at a time.
#[derive(Debug)]
pub(crate) struct Structural<'a> {
    bytes: &'a [u8],
    needles: [u8; 3],
    /// The block whose mask is cached, `usize::MAX` before the first.
    block: usize,
    mask: u64,
}

impl<'a> Structural<'a> {
    pub(crate) fn new(bytes: &'a [u8], needles: [u8; 3]) -> Structural<'a> {
        Structural {
            bytes,
            needles,
            block: usize::MAX,
            mask: 0,
        }
    }

    /// The first position at or after `at` holding one of the needles.
    pub(crate) fn next(&mut self, at: usize) -> Option<usize> {
        let mut block = at / 64;
        let mut mask = self.block_mask(block) & (!0u64 << (at % 64));
        loop {
            if mask != 0 {
                return Some(block * 64 + mask.trailing_zeros() as usize);
            }
            block += 1;
            if block * 64 >= self.bytes.len() {
                return None;
            }
            mask = self.block_mask(block);
        }
    }

    fn block_mask(&mut self, block: usize) -> u64 {
        if block != self.block {
            let start = block * 64;
            let rest = self.bytes.get(start..).unwrap_or_default();
            self.mask = match rest.first_chunk::<64>() {
                Some(full) => mask64(full, self.needles),
                None => {
                    let mut padded = [0u8; 64];
                    padded[..rest.len()].copy_from_slice(rest);
                    // The padding must not match, even a needle that is NUL.
                    mask64(&padded, self.needles) & ((1u64 << rest.len()) - 1)
                }
            };
            self.block = block;
        }
        self.mask
    }
}

/// Bit `i` set when `block[i]` is one of the needles.
#[inline]
fn mask64(block: &[u8; 64], needles: [u8; 3]) -> u64 {
    // One top bit per matching byte: the compiler turns this loop into vector compares.
    let mut hits = [0u8; 64];
    for (hit, &b) in hits.iter_mut().zip(block) {
        *hit = u8::from((b == needles[0]) | (b == needles[1]) | (b == needles[2])) << 7;
    }
    // Gathers the eight top bits of a word into its top byte: bit 8k + 7, times the
    // term 2^(7(7 - k)) of the multiplier, lands on bit 56 + k, and no two partial
    // products share a bit, so nothing carries.
    let mut mask = 0u64;
    for (k, word) in hits.chunks_exact(8).enumerate() {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let top = u64::from_le_bytes(w).wrapping_mul(0x0002_0408_1020_4081) >> 56;
        mask |= top << (8 * k);
    }
    mask
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_needle_is_found_at_every_offset_and_length() {
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let hay: Vec<u8> = (0..700)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                b"abcdefgh,ij\"kl\n\x00"[(state % 16) as usize]
            })
            .collect();
        let needles = [b',', b'"', b'\n'];
        for end in [0, 1, 63, 64, 65, 127, 128, 300, 700] {
            let h = &hay[..end];
            let mut s = Structural::new(h, needles);
            for at in 0..=end {
                let want = memchr::memchr3(b',', b'"', b'\n', &h[at..]).map(|i| at + i);
                assert_eq!(s.next(at), want, "{at} in {end}");
            }
        }
    }

    #[test]
    fn the_padding_of_the_last_block_never_matches() {
        let text = b"a\x00b";
        let mut s = Structural::new(text, [0, b'"', b'\n']);
        assert_eq!(s.next(0), Some(1));
        assert_eq!(s.next(2), None);
    }

    #[test]
    fn masks_are_exact_for_every_bit() {
        for i in 0..64 {
            for j in 0..64 {
                let mut block = [b'x'; 64];
                block[i] = b',';
                block[j] = b'\n';
                assert_eq!(
                    mask64(&block, [b',', b'"', b'\n']),
                    (1u64 << i) | (1u64 << j)
                );
            }
        }
    }
}

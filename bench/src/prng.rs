//! A small seeded pseudo-random generator (SplitMix64) for the data generators.
//!
//! Generated files must be reproducible byte for byte from their seed, on any platform and
//! with any version of a random crate, because the committed samples are checked against
//! a fresh run. SplitMix64 is ten lines, fast and good enough for fake data; nothing here
//! is for cryptography.

/// SplitMix64 (Steele, Lea & Flood, 2014), as used to seed the xoshiro family.
#[derive(Debug, Clone)]
pub struct SplitMix64 {
    state: u64,
}

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl SplitMix64 {
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64 { state: seed }
    }

    /// An independent stream for item `index` of a seeded family (e.g. one per meter), so
    /// an item's draws do not depend on how many draws the items before it made.
    pub fn stream(seed: u64, index: u64) -> SplitMix64 {
        let mut mixer = SplitMix64::new(seed ^ index.wrapping_mul(0xD1B5_4A32_D192_ED03));
        SplitMix64::new(mixer.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n > 0`), by multiply-shift: the bias is below 2⁻³² for the
    /// small ranges used here.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        self.below(1000) < per_mille
    }

    /// One item of a non-empty slice.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// A reference to one item of a non-empty slice.
    pub fn pick_ref<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Index of an item chosen with the given weights (not all zero).
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if x < w {
                return i;
            }
            x -= w;
        }
        weights.len() - 1
    }

    /// Appends `n` random decimal digits to `out`.
    pub fn push_digits(&mut self, n: usize, out: &mut String) {
        for _ in 0..n {
            out.push(char::from(b'0' + self.below(10) as u8));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_reference_sequence() {
        // Reference values of SplitMix64 seeded with 0 (as in the xoshiro reference code).
        let mut r = SplitMix64::new(0);
        assert_eq!(r.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(r.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn ranges_stay_in_bounds_and_cover_them() {
        let mut r = SplitMix64::new(42);
        let mut seen = [0u32; 6];
        for _ in 0..6000 {
            let x = r.range(10, 15);
            assert!((10..=15).contains(&x));
            seen[(x - 10) as usize] += 1;
        }
        assert!(seen.iter().all(|n| (850..1150).contains(n)), "{seen:?}");
    }

    #[test]
    fn weighted_follows_weights() {
        let mut r = SplitMix64::new(7);
        let mut seen = [0u32; 3];
        for _ in 0..10_000 {
            seen[r.weighted(&[1, 0, 3])] += 1;
        }
        assert_eq!(seen[1], 0);
        assert!((2200..2800).contains(&seen[0]), "{seen:?}");
    }

    #[test]
    fn streams_are_independent_of_each_other() {
        let a: Vec<u64> = (0..3)
            .map(|_| SplitMix64::stream(1, 0).next_u64())
            .collect();
        assert_eq!(a[0], a[1]);
        assert_ne!(
            SplitMix64::stream(1, 0).next_u64(),
            SplitMix64::stream(1, 1).next_u64()
        );
        assert_ne!(
            SplitMix64::stream(1, 0).next_u64(),
            SplitMix64::stream(2, 0).next_u64()
        );
    }

    #[test]
    fn digits() {
        let mut s = String::from("x");
        SplitMix64::new(3).push_digits(14, &mut s);
        assert_eq!(s.len(), 15);
        assert!(s[1..].bytes().all(|b| b.is_ascii_digit()));
    }
}

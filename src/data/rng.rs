//! Seeded randomness for the session generator.
//!
//! The generated corpus is part of the artifact: a given seed must give the
//! same bytes on every machine and with every future patch release of the
//! dependencies. The ChaCha8 keystream of `rand_chacha` is fixed by its
//! specification, but the *algorithms* in `rand`'s distribution helpers
//! (`gen_range`, `shuffle`, `choose`, ...) have changed between releases.
//! So every choice below is derived from raw `next_u32`/`next_u64` output with
//! small algorithms written out here, which we control.

// `rand_core` is reached through `rand_chacha`'s re-export so that this module
// only needs `rand_chacha` as a direct dependency.
use rand_chacha::ChaCha8Rng;
use rand_chacha::rand_core::{RngCore, SeedableRng};

/// Deterministic random source used by the generator.
pub struct Rng {
    inner: ChaCha8Rng,
}

impl Rng {
    /// Seeds ChaCha8 with `seed_from_u64`, whose key expansion (PCG32) is
    /// documented and stable in `rand_core`.
    pub fn new(seed: u64) -> Self {
        Self {
            inner: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// Uniform index in `0..n` by rejection sampling on 32-bit draws:
    /// values at or above the largest multiple of `n` are redrawn, so every
    /// index is exactly equally likely (no modulo bias).
    pub fn below(&mut self, n: usize) -> usize {
        assert!(n > 0, "below(0) has no valid result");
        let n = u32::try_from(n).expect("bank sizes fit in u32");
        let zone = (u32::MAX / n) * n;
        loop {
            let x = self.inner.next_u32();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    /// Uniform integer in `lo..=hi`.
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        debug_assert!(lo <= hi);
        lo + self.below(hi - lo + 1)
    }

    /// Bernoulli trial that succeeds with probability `percent`/100, exactly.
    pub fn chance(&mut self, percent: u32) -> bool {
        (self.below(100) as u32) < percent
    }

    /// Index drawn with probability proportional to `weights[i]`.
    pub fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u32 = weights.iter().sum();
        assert!(total > 0, "weighted choice needs a positive weight");
        let mut x = self.below(total as usize) as u32;
        for (i, &w) in weights.iter().enumerate() {
            if x < w {
                return i;
            }
            x -= w;
        }
        unreachable!("x < total by construction")
    }

    /// In-place Fisher–Yates shuffle (Durstenfeld's variant, from the back).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// One element, uniformly.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

#[cfg(test)]
mod tests {
    use super::Rng;

    #[test]
    fn same_seed_same_stream() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        for _ in 0..100 {
            assert_eq!(a.below(13), b.below(13));
        }
    }

    #[test]
    fn below_covers_range_roughly_uniformly() {
        let mut r = Rng::new(1);
        let mut counts = [0u32; 6];
        for _ in 0..6000 {
            counts[r.below(6)] += 1;
        }
        assert!(
            counts.iter().all(|&c| (850..1150).contains(&c)),
            "{counts:?}"
        );
    }

    #[test]
    fn shuffle_is_a_permutation() {
        let mut r = Rng::new(3);
        let mut v: Vec<u32> = (0..50).collect();
        r.shuffle(&mut v);
        let mut s = v.clone();
        s.sort_unstable();
        assert_eq!(s, (0..50).collect::<Vec<_>>());
        assert_ne!(v, s);
    }
}

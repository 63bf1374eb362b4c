//! FxHash, the multiply-rotate hash of rustc: for maps keyed by small integers and for the
//! snapshot's lookup tables, where SipHash's protection against chosen keys buys nothing and
//! costs most of the lookup. Its values are stable across runs and versions (nothing persists
//! them today, but nothing would break if something did).

use std::hash::{BuildHasherDefault, Hasher};

#[derive(Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.add(u64::from(b));
        }
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(crate) type FxBuildHasher = BuildHasherDefault<FxHasher>;

/// The hash of `text` lower-cased (as `str::to_lowercase` does), without allocating for ASCII.
pub(crate) fn hash_lowercase(text: &str) -> u64 {
    let mut h = FxHasher::default();
    if text.is_ascii() {
        for b in text.bytes() {
            h.add(u64::from(b.to_ascii_lowercase()));
        }
    } else {
        for b in text.to_lowercase().bytes() {
            h.add(u64::from(b));
        }
    }
    h.finish()
}

/// The hash of `text` as it is.
pub(crate) fn hash_str(text: &str) -> u64 {
    let mut h = FxHasher::default();
    for b in text.bytes() {
        h.add(u64::from(b));
    }
    h.finish()
}

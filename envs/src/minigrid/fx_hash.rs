//! [`FxHasher`]: a multiply–rotate hasher (the "Fx" scheme) for the searches over worlds
//! ([`super::solve`], [`super::tabular`]). Their keys are many small integers; SipHash
//! spends most of a search's time on them, this one about 1 ns each. Collisions only cost a
//! comparison in the tables that use it.

use std::hash::{BuildHasherDefault, Hasher};

/// The hasher; `Default` starts it at 0.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FxHasher(u64);

/// A `HashMap`/`HashSet` builder for [`FxHasher`].
pub(crate) type FxBuild = BuildHasherDefault<FxHasher>;

impl FxHasher {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;

    fn add(&mut self, x: u64) {
        self.0 = (self.0.rotate_left(5) ^ x).wrapping_mul(Self::K);
    }
}

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        // Spread the last multiply's high bits down, for tables that bucket by low bits.
        self.0 ^ (self.0 >> 29)
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut b = [0u8; 8];
            b.copy_from_slice(c);
            self.add(u64::from_le_bytes(b));
        }
        for &b in chunks.remainder() {
            self.add(u64::from(b));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn write_isize(&mut self, i: isize) {
        self.add(i as u64);
    }
}

//! `--shard K/N`: which cases of a suite this run replays.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 1-based.
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// Parses `K/N` (1 ≤ K ≤ N).
    pub fn parse(text: &str) -> Option<Shard> {
        let (index, count) = text.split_once('/')?;
        let index: u32 = index.trim().parse().ok()?;
        let count: u32 = count.trim().parse().ok()?;
        (count >= 1 && (1..=count).contains(&index)).then_some(Shard { index, count })
    }

    /// Whether this shard runs the case: FNV-1a over the suite path and the case name.
    pub fn owns(self, suite_path: &str, case_name: &str) -> bool {
        let hash = fnv1a(
            suite_path.replace('\\', "/").as_bytes(),
            fnv1a(b"\n", fnv1a(case_name.as_bytes(), FNV_OFFSET)),
        );
        hash % u64::from(self.count) == u64::from(self.index - 1)
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    bytes.iter().fold(seed, |hash, byte| {
        (hash ^ u64::from(*byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_partition_is_total_and_disjoint() {
        let shards: Vec<Shard> = (1..=3).map(|k| Shard { index: k, count: 3 }).collect();
        for i in 0..200 {
            let name = format!("case {i}");
            let owners = shards
                .iter()
                .filter(|s| s.owns("a/b.fixtures.yaml", &name))
                .count();
            assert_eq!(owners, 1);
        }
        assert_eq!(Shard::parse("2/4"), Some(Shard { index: 2, count: 4 }));
        assert_eq!(Shard::parse("0/4"), None);
        assert_eq!(Shard::parse("5/4"), None);
    }

    #[test]
    fn fnv_is_stable() {
        assert_eq!(fnv1a(b"", FNV_OFFSET), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a", FNV_OFFSET), 0xaf63_dc4c_8601_ec8c);
    }
}

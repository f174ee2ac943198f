//! Collapsing the cells of an exhaustive diff into regions: two regions that change alike and
//! differ along one dimension only merge into one that spans both members of it, until no two
//! do. Each region is a product of member sets, one per dimension, holding exactly the cells
//! merged into it, so the collapse loses nothing and invents nothing: it only says the same
//! thing in fewer lines.

use std::collections::{BTreeMap, BTreeSet};

/// A collapsed region: for each dimension the members it spans (indices into that dimension's
/// domain), the change shared by all its cells, and the first of its cells (its witness).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Merged<K> {
    pub members: Vec<BTreeSet<usize>>,
    pub change: K,
    pub first: usize,
}

/// Collapses `cells` (a member index per dimension, and the change) along the dimensions
/// `mergeable` lists, in that order, repeating until nothing merges. The regions come back
/// in the order of their first cells.
pub fn collapse<K: Ord + Clone>(
    cells: Vec<(Vec<usize>, K)>,
    mergeable: &[usize],
) -> Vec<Merged<K>> {
    let mut regions: Vec<Merged<K>> = cells
        .into_iter()
        .enumerate()
        .map(|(first, (members, change))| Merged {
            members: members
                .into_iter()
                .map(|member| BTreeSet::from([member]))
                .collect(),
            change,
            first,
        })
        .collect();
    loop {
        let before = regions.len();
        for &dimension in mergeable {
            let mut groups: BTreeMap<(K, Vec<BTreeSet<usize>>), Merged<K>> = BTreeMap::new();
            for region in regions {
                let mut others = region.members.clone();
                if let Some(along) = others.get_mut(dimension) {
                    along.clear();
                }
                match groups.entry((region.change.clone(), others)) {
                    std::collections::btree_map::Entry::Vacant(slot) => {
                        slot.insert(region);
                    }
                    std::collections::btree_map::Entry::Occupied(mut slot) => {
                        let merged = slot.get_mut();
                        if let (Some(into), Some(from)) = (
                            merged.members.get_mut(dimension),
                            region.members.get(dimension),
                        ) {
                            into.extend(from.iter().copied());
                        }
                        merged.first = merged.first.min(region.first);
                    }
                }
            }
            regions = groups.into_values().collect();
        }
        if regions.len() == before {
            break;
        }
    }
    regions.sort_by_key(|region| region.first);
    regions
}

/// The runs of consecutive members in `members`, as `(first, last)` pairs.
pub fn runs(members: &BTreeSet<usize>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    for &member in members {
        match out.last_mut() {
            Some((_, last)) if *last + 1 == member => *last = member,
            _ => out.push((member, member)),
        }
    }
    out
}

/// "endpoint fs.read|fs.write": the members of `domain` a region spans, or "any endpoint but
/// fs.delete" when naming the members it leaves out is shorter.
pub fn members_phrase(label: &str, domain: &[String], members: &BTreeSet<usize>) -> String {
    let names = |inside: bool| {
        domain
            .iter()
            .enumerate()
            .filter(|(index, _)| members.contains(index) == inside)
            .map(|(_, name)| name.as_str())
            .collect::<Vec<_>>()
    };
    let (spanned, left_out) = (names(true), names(false));
    if !left_out.is_empty() && left_out.len() < spanned.len() {
        format!("any {label} but {}", left_out.join("|"))
    } else {
        format!("{label} {}", spanned.join("|"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_row_collapses_to_one_region_and_a_partial_one_keeps_its_members() {
        // Two dimensions of 3 members; row 0 changes everywhere, row 1 only at columns 0 and 2.
        let cells = vec![
            (vec![0, 0], "a"),
            (vec![0, 1], "a"),
            (vec![0, 2], "a"),
            (vec![1, 0], "a"),
            (vec![1, 2], "a"),
            (vec![2, 1], "b"),
        ];
        let regions = collapse(cells, &[1, 0]);
        assert_eq!(regions.len(), 3, "{regions:?}");
        assert_eq!(
            regions[0].members,
            vec![BTreeSet::from([0]), BTreeSet::from([0, 1, 2])]
        );
        assert_eq!(
            regions[1].members,
            vec![BTreeSet::from([1]), BTreeSet::from([0, 2])]
        );
        assert_eq!(regions[2].change, "b");
        // Every cell is in exactly one region.
        let count: usize = regions
            .iter()
            .map(|region| region.members.iter().map(BTreeSet::len).product::<usize>())
            .sum();
        assert_eq!(count, 6);
    }

    #[test]
    fn merging_repeats_until_nothing_merges() {
        // Merging along dimension 1 first makes the two rows equal, then they merge along 0.
        let cells = vec![
            (vec![0, 0], "a"),
            (vec![0, 1], "a"),
            (vec![1, 0], "a"),
            (vec![1, 1], "a"),
        ];
        let regions = collapse(cells, &[1, 0]);
        assert_eq!(regions.len(), 1, "{regions:?}");
        assert_eq!(runs(&regions[0].members[0]), vec![(0, 1)]);
    }

    #[test]
    fn a_phrase_names_the_shorter_side() {
        let domain: Vec<String> = ["a", "b", "c", "d"].map(str::to_owned).to_vec();
        assert_eq!(
            members_phrase("x", &domain, &BTreeSet::from([0, 1])),
            "x a|b"
        );
        assert_eq!(
            members_phrase("x", &domain, &BTreeSet::from([0, 1, 3])),
            "any x but c"
        );
    }

    proptest::proptest! {
        /// Whatever the cells, every region holds only cells given, with their change, and
        /// every cell given is in exactly one region.
        #[test]
        fn the_collapse_is_exact(
            cells in proptest::collection::btree_map(
                proptest::collection::vec(0usize..3, 4),
                0u8..3,
                0..40,
            )
        ) {
            let given: Vec<(Vec<usize>, u8)> = cells.clone().into_iter().collect();
            let regions = collapse(given, &[3, 2, 1, 0]);
            let mut covered = BTreeMap::new();
            for region in &regions {
                let mut product: Vec<Vec<usize>> = vec![Vec::new()];
                for members in &region.members {
                    product = product
                        .into_iter()
                        .flat_map(|prefix| {
                            members.iter().map(move |member| {
                                let mut next = prefix.clone();
                                next.push(*member);
                                next
                            })
                        })
                        .collect();
                }
                for cell in product {
                    proptest::prop_assert_eq!(cells.get(&cell), Some(&region.change));
                    proptest::prop_assert!(covered.insert(cell, region.change).is_none());
                }
            }
            proptest::prop_assert_eq!(covered, cells);
        }
    }

    #[test]
    fn runs_split_at_gaps() {
        assert_eq!(
            runs(&BTreeSet::from([0, 1, 3, 5, 6])),
            vec![(0, 1), (3, 3), (5, 6)]
        );
    }
}

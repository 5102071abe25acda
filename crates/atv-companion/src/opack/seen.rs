//! What the encoder has already written, for back-references. Most messages number a
//! few dozen objects, which a scan finds faster than hashing; larger ones switch to a
//! hash table.

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// Up to this many entries, look-ups scan.
const SCAN_LIMIT: usize = 32;

/// The numbered objects, in order: each one's index by its encoding.
pub(super) enum ObjectTable {
    /// Where each encoding sits in the output, by index.
    Small(Vec<(usize, usize)>),
    /// Encoding → index.
    Large(HashMap<Box<[u8]>, u32>),
}

impl ObjectTable {
    pub(super) const fn new() -> Self {
        Self::Small(Vec::new())
    }

    pub(super) fn len(&self) -> usize {
        match self {
            Self::Small(ranges) => ranges.len(),
            Self::Large(map) => map.len(),
        }
    }

    /// The index of the object encoded as `encoded`, whose earlier entries are in `out`.
    pub(super) fn find(&self, out: &[u8], encoded: &[u8]) -> Option<u32> {
        match self {
            Self::Small(ranges) => ranges
                .iter()
                .position(|&(start, end)| out.get(start..end) == Some(encoded))
                .map(|index| index as u32),
            Self::Large(map) => map.get(encoded).copied(),
        }
    }

    /// Numbers the object at `out[start..end]` (which is not in the table).
    pub(super) fn insert(&mut self, out: &[u8], start: usize, end: usize) {
        let index = self.len() as u32;
        match self {
            Self::Small(ranges) if ranges.len() < SCAN_LIMIT => ranges.push((start, end)),
            Self::Small(ranges) => {
                let mut map: HashMap<Box<[u8]>, u32> = ranges
                    .iter()
                    .zip(0..)
                    .map(|(&(s, e), i)| (out[s..e].into(), i))
                    .collect();
                map.insert(out[start..end].into(), index);
                *self = Self::Large(map);
            }
            Self::Large(map) => {
                map.insert(out[start..end].into(), index);
            }
        }
    }
}

/// A set that scans while small.
pub(super) enum SmallSet<T> {
    Small(Vec<T>),
    Large(HashSet<T>),
}

impl<T: Eq + Hash> SmallSet<T> {
    pub(super) const fn new() -> Self {
        Self::Small(Vec::new())
    }

    /// Adds `item`; false if it was there already.
    pub(super) fn insert(&mut self, item: T) -> bool {
        match self {
            Self::Small(items) if items.contains(&item) => false,
            Self::Small(items) if items.len() < SCAN_LIMIT => {
                items.push(item);
                true
            }
            Self::Small(items) => {
                let mut set: HashSet<T> = items.drain(..).collect();
                set.insert(item);
                *self = Self::Large(set);
                true
            }
            Self::Large(set) => set.insert(item),
        }
    }
}

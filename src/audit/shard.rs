//! `--shard K/N`: which repositories of the list one of N runs scans.

use std::fmt;

/// Shard `index` of `count`: the repositories at positions `index`, `index + count`, … of
/// the list (position modulo `count`), so every repository is in exactly one shard and the
/// shards differ in size by one at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 0-based: a Kubernetes Indexed Job's `JOB_COMPLETION_INDEX`, a matrix index.
    pub index: usize,
    /// How many shards there are.
    pub count: usize,
}

impl Default for Shard {
    fn default() -> Shard {
        Shard { index: 0, count: 1 }
    }
}

impl Shard {
    /// Parses `K/N` with `0 <= K < N`.
    ///
    /// ```
    /// use leakward::audit::Shard;
    /// assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
    /// assert!(Shard::parse("4/4").is_err());
    /// ```
    ///
    /// # Errors
    /// Anything else, in words.
    pub fn parse(text: &str) -> Result<Shard, String> {
        let invalid =
            || format!("invalid shard {text:?}: expected K/N with 0 <= K < N, such as 0/4");
        let (index, count) = text.trim().split_once('/').ok_or_else(invalid)?;
        let index: usize = index.trim().parse().map_err(|_| invalid())?;
        let count: usize = count.trim().parse().map_err(|_| invalid())?;
        if count == 0 || index >= count {
            return Err(invalid());
        }
        Ok(Shard { index, count })
    }

    /// Whether the repository at `position` (0-based) of the list is in this shard.
    pub fn contains(self, position: usize) -> bool {
        position % self.count == self.index
    }

    /// The items of `list` in this shard, with their positions in the list.
    pub fn select<T>(self, list: &[T]) -> Vec<(usize, &T)> {
        list.iter()
            .enumerate()
            .filter(|(position, _)| self.contains(*position))
            .collect()
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_list() {
        for count in 1..=7 {
            for length in 0..=20 {
                let list: Vec<usize> = (0..length).collect();
                let mut seen = Vec::new();
                for index in 0..count {
                    let shard = Shard { index, count };
                    let selected = shard.select(&list);
                    assert!(selected.len() <= length.div_ceil(count));
                    seen.extend(selected.into_iter().map(|(_, &item)| item));
                }
                seen.sort_unstable();
                assert_eq!(seen, list, "{count} shards of {length}");
            }
        }
    }

    #[test]
    fn bad_shards_are_errors() {
        for bad in ["", "1", "1/0", "-1/2", "a/b", "3/2", "2/2"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(Shard::parse(" 0 / 1 "), Ok(Shard::default()));
    }
}

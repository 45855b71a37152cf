//! `--shard K/N`: a deterministic split of a run's inputs into N parts.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Part `k` (1-based) of `n`: the inputs whose position `i` in the whole, ordered input list
/// has `i % n == k - 1`. Dealing the files round-robin keeps the parts within one file of each
/// other in size and mixes sectors evenly when the list is sorted by path.
///
/// ```
/// use calnet::pipeline::Shard;
/// let shard: Shard = "2/3".parse().unwrap();
/// let picked: Vec<usize> = (0..8).filter(|&i| shard.contains(i)).collect();
/// assert_eq!(picked, [1, 4, 7]);
/// assert!("0/3".parse::<Shard>().is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Shard {
    /// This part, from 1 to `count`.
    pub index: usize,
    /// How many parts.
    pub count: usize,
}

impl Shard {
    /// Whether the input at position `i` of the whole list belongs to this part.
    pub fn contains(&self, i: usize) -> bool {
        i % self.count == self.index - 1
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// Why a `K/N` text is not a shard.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("shard {text:?}: {reason} (expected K/N with 1 <= K <= N, such as 3/8)")]
pub struct ParseShardError {
    /// The text given.
    pub text: String,
    /// What is wrong with it.
    pub reason: &'static str,
}

impl FromStr for Shard {
    type Err = ParseShardError;

    fn from_str(s: &str) -> Result<Shard, ParseShardError> {
        let err = |reason| ParseShardError {
            text: s.to_string(),
            reason,
        };
        let (k, n) = s.trim().split_once('/').ok_or_else(|| err("no '/'"))?;
        let index: usize = k.trim().parse().map_err(|_| err("K is not a number"))?;
        let count: usize = n.trim().parse().map_err(|_| err("N is not a number"))?;
        if count == 0 || index == 0 || index > count {
            return Err(err("K out of range"));
        }
        Ok(Shard { index, count })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_inputs() {
        for count in 1..6 {
            let shards: Vec<Shard> = (1..=count)
                .map(|k| format!("{k}/{count}").parse().unwrap())
                .collect();
            for i in 0..50 {
                let owners = shards.iter().filter(|s| s.contains(i)).count();
                assert_eq!(owners, 1, "input {i} with {count} shards");
            }
        }
    }

    #[test]
    fn bad_shards_are_refused_with_the_reason() {
        for bad in ["", "1", "a/2", "1/b", "3/2", "0/1", "1/0"] {
            let e = bad.parse::<Shard>().unwrap_err();
            assert!(e.to_string().contains("expected K/N"), "{e}");
        }
        assert_eq!(" 2 / 5 ".parse::<Shard>().unwrap().to_string(), "2/5");
    }
}

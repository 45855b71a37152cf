//! Seeded, deterministic splits and per-epoch shuffles.
//!
//! Splits are made over light-curve files, not segments: the two orbits of one sector look
//! alike, and a file whose first segment trains the model while its second validates it would
//! flatter the validation metrics. Splits are stratified by label, so each side keeps the
//! data set's EB fraction. ChaCha8 streams make the results the same on every platform.

use rand::seq::SliceRandom;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Splits items with the given labels into (train, validation) index lists, putting
/// `round(val_fraction * n_c)` items of each class `c` into validation. Both lists are sorted.
///
/// ```
/// let labels = [1u8, 0, 1, 0, 1, 0, 1, 0, 1, 0];
/// let (train, val) = calnet_train::split::train_val(&labels, 0.2, 42);
/// assert_eq!((train.len(), val.len()), (8, 2));
/// assert_eq!(calnet_train::split::train_val(&labels, 0.2, 42).1, val);
/// ```
pub fn train_val(labels: &[u8], val_fraction: f64, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut train, mut val) = (Vec::new(), Vec::new());
    for class in [0u8, 1] {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        idx.shuffle(&mut rng);
        let n_val = (val_fraction.clamp(0.0, 1.0) * idx.len() as f64).round() as usize;
        val.extend_from_slice(&idx[..n_val]);
        train.extend_from_slice(&idx[n_val..]);
    }
    train.sort_unstable();
    val.sort_unstable();
    (train, val)
}

/// Stratified k-fold: fold `i` of `k` as (train, validation) index lists, sorted. Every item
/// is validated in exactly one fold.
///
/// ```
/// let labels = [1u8, 0, 1, 0, 1, 0];
/// let folds: Vec<_> = (0..3).map(|i| calnet_train::split::k_fold(&labels, 3, i, 7)).collect();
/// let mut seen: Vec<usize> = folds.iter().flat_map(|(_, v)| v.clone()).collect();
/// seen.sort();
/// assert_eq!(seen, vec![0, 1, 2, 3, 4, 5]);
/// ```
pub fn k_fold(labels: &[u8], k: usize, fold: usize, seed: u64) -> (Vec<usize>, Vec<usize>) {
    let k = k.max(1);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (mut train, mut val) = (Vec::new(), Vec::new());
    for class in [0u8, 1] {
        let mut idx: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        idx.shuffle(&mut rng);
        for (j, &i) in idx.iter().enumerate() {
            if j % k == fold {
                val.push(i);
            } else {
                train.push(i);
            }
        }
    }
    train.sort_unstable();
    val.sort_unstable();
    (train, val)
}

/// The order in which epoch `epoch` visits `items`: a shuffle seeded by `(seed, epoch)` alone,
/// so that a resumed run visits the same batches as an uninterrupted one.
///
/// ```
/// let a = calnet_train::split::epoch_order(&[10, 11, 12, 13], 1, 0);
/// assert_eq!(a, calnet_train::split::epoch_order(&[10, 11, 12, 13], 1, 0));
/// ```
pub fn epoch_order(items: &[usize], seed: u64, epoch: usize) -> Vec<usize> {
    let mut rng = ChaCha8Rng::seed_from_u64(epoch_seed(seed, epoch));
    let mut order = items.to_vec();
    order.shuffle(&mut rng);
    order
}

/// The seed of epoch `epoch`'s random streams (batch order, dropout), derived from the run's
/// seed so that each epoch can be replayed on its own.
pub fn epoch_seed(seed: u64, epoch: usize) -> u64 {
    // SplitMix64 finaliser: neighbouring (seed, epoch) pairs give unrelated seeds.
    let mut z = seed
        ^ (epoch as u64)
            .wrapping_add(1)
            .wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_stratified_disjoint_and_seeded() {
        let labels: Vec<u8> = (0..103).map(|i| u8::from(i % 3 == 0)).collect();
        let (t, v) = train_val(&labels, 0.2, 42);
        assert_eq!(t.len() + v.len(), labels.len());
        assert!(t.iter().all(|i| !v.contains(i)));
        let pos_val = v.iter().filter(|&&i| labels[i] == 1).count();
        assert_eq!(pos_val, (0.2f64 * 35.0).round() as usize);
        assert_ne!(
            train_val(&labels, 0.2, 43).1,
            v,
            "another seed, another split"
        );
    }

    #[test]
    fn epochs_differ() {
        let items: Vec<usize> = (0..50).collect();
        assert_ne!(epoch_order(&items, 1, 0), epoch_order(&items, 1, 1));
    }
}

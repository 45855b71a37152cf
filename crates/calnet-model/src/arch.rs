//! The network's shape: input lengths and the state_dict's keys and tensor shapes
//! (the original CALNet's `CNN_CBAM_LSTM_model`, <https://github.com/wangleon/CALNet>), shared
//! by both engines.

/// Values of the light-curve input per segment.
pub const LC_LEN: usize = 4000;
/// Values of the periodogram input per segment. lc-prep, which computes the input, has its own
/// `lc_prep::periodogram::GLS_LEN` (this crate does not depend on lc-prep, so that the network
/// loads without the FITS and spline stack); the `calnet` crate asserts that the two agree.
pub const GLS_LEN: usize = 1000;

/// The 42 state_dict keys and their shapes, in PyTorch's order.
pub const STATE_DICT: [(&str, &[usize]); 42] = [
    ("lcbranch.0.weight", &[64, 1, 7]),
    ("lcbranch.0.bias", &[64]),
    ("lcbranch.2.channel_attention.fc.0.weight", &[8, 64, 1]),
    ("lcbranch.2.channel_attention.fc.2.weight", &[64, 8, 1]),
    ("lcbranch.2.spatial_attention.conv1.weight", &[1, 2, 7]),
    ("lcbranch.4.weight", &[128, 64, 7]),
    ("lcbranch.4.bias", &[128]),
    ("lcbranch.6.channel_attention.fc.0.weight", &[16, 128, 1]),
    ("lcbranch.6.channel_attention.fc.2.weight", &[128, 16, 1]),
    ("lcbranch.6.spatial_attention.conv1.weight", &[1, 2, 7]),
    ("lcbranch.8.weight", &[256, 128, 7]),
    ("lcbranch.8.bias", &[256]),
    ("lstm1.weight_ih_l0", &[512, 256]),
    ("lstm1.weight_hh_l0", &[512, 128]),
    ("lstm1.bias_ih_l0", &[512]),
    ("lstm1.bias_hh_l0", &[512]),
    ("lstm1.weight_ih_l1", &[512, 128]),
    ("lstm1.weight_hh_l1", &[512, 128]),
    ("lstm1.bias_ih_l1", &[512]),
    ("lstm1.bias_hh_l1", &[512]),
    ("glsbranch.0.weight", &[32, 1, 7]),
    ("glsbranch.0.bias", &[32]),
    ("glsbranch.2.channel_attention.fc.0.weight", &[4, 32, 1]),
    ("glsbranch.2.channel_attention.fc.2.weight", &[32, 4, 1]),
    ("glsbranch.2.spatial_attention.conv1.weight", &[1, 2, 7]),
    ("glsbranch.4.weight", &[64, 32, 7]),
    ("glsbranch.4.bias", &[64]),
    ("glsbranch.6.channel_attention.fc.0.weight", &[8, 64, 1]),
    ("glsbranch.6.channel_attention.fc.2.weight", &[64, 8, 1]),
    ("glsbranch.6.spatial_attention.conv1.weight", &[1, 2, 7]),
    ("lstm2.weight_ih_l0", &[256, 64]),
    ("lstm2.weight_hh_l0", &[256, 64]),
    ("lstm2.bias_ih_l0", &[256]),
    ("lstm2.bias_hh_l0", &[256]),
    ("lstm2.weight_ih_l1", &[256, 64]),
    ("lstm2.weight_hh_l1", &[256, 64]),
    ("lstm2.bias_ih_l1", &[256]),
    ("lstm2.bias_hh_l1", &[256]),
    ("fc2.0.weight", &[1024, 62 * 128]),
    ("fc2.0.bias", &[1024]),
    ("fc2.3.weight", &[2, 1024]),
    ("fc2.3.bias", &[2]),
];

/// The 42 state_dict keys, in PyTorch's order.
pub const STATE_DICT_KEYS: [&str; 42] = {
    let mut keys = [""; 42];
    let mut i = 0;
    while i < 42 {
        keys[i] = STATE_DICT[i].0;
        i += 1;
    }
    keys
};

/// Parameters in all: 8,834,554.
pub const PARAMETERS: usize = {
    let mut total = 0;
    let mut i = 0;
    while i < 42 {
        let shape = STATE_DICT[i].1;
        let mut n = 1;
        let mut d = 0;
        while d < shape.len() {
            n *= shape[d];
            d += 1;
        }
        total += n;
        i += 1;
    }
    total
};

#[cfg(test)]
mod tests {
    #[test]
    fn parameter_count() {
        assert_eq!(super::PARAMETERS, 8_834_554);
        assert_eq!(super::STATE_DICT_KEYS[41], "fc2.3.bias");
    }
}

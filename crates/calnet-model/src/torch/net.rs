//! The network: PyTorch's `CNN_CBAM_LSTM_model` of the original CALNet
//! (<https://github.com/wangleon/CALNet>), layer for layer.
//!
//! Every constructor takes the [`nn::Path`] of its module, and indices inside the `Sequential`
//! branches count the parameter-free layers (ReLU, MaxPool) as PyTorch does, so VarStore
//! names are exactly the state_dict keys.

use tch::nn::{self, Module};
use tch::Tensor;

fn conv(p: nn::Path, c_in: i64, c_out: i64, k: i64, bias: bool) -> nn::Conv1D {
    let cfg = nn::ConvConfig {
        padding: k / 2,
        bias,
        ..Default::default()
    };
    nn::conv1d(p, c_in, c_out, k, cfg)
}

fn max_pool4(x: &Tensor) -> Tensor {
    x.max_pool1d([4], [4], [0], [1], false)
}

/// Convolutional block attention (Woo et al. 2018) on 1-D signals: channel then spatial.
#[derive(Debug)]
pub struct Cbam {
    fc0: nn::Conv1D,
    fc2: nn::Conv1D,
    spatial: nn::Conv1D,
}

impl Cbam {
    /// CBAM over `channels` with reduction 8 and a 7-tap spatial kernel, under `p`.
    pub fn new(p: nn::Path, channels: i64) -> Self {
        let ca = &p / "channel_attention" / "fc";
        Cbam {
            fc0: conv(&ca / 0, channels, channels / 8, 1, false),
            fc2: conv(&ca / 2, channels / 8, channels, 1, false),
            spatial: conv(&p / "spatial_attention" / "conv1", 2, 1, 7, false),
        }
    }

    fn fc(&self, x: &Tensor) -> Tensor {
        self.fc2.forward(&self.fc0.forward(x).relu())
    }
}

impl Module for Cbam {
    fn forward(&self, x: &Tensor) -> Tensor {
        let avg = x.mean_dim(2, true, None);
        let max = x.amax(2, true);
        let x = x * (self.fc(&avg) + self.fc(&max)).sigmoid();
        let avg = x.mean_dim(1, true, None);
        let max = x.amax(1, true);
        let sa = self.spatial.forward(&Tensor::cat(&[avg, max], 1)).sigmoid();
        x * sa
    }
}

/// A `Sequential` branch: `Conv1d -> ReLU -> [CBAM] -> MaxPool1d(4)` stages.
#[derive(Debug)]
struct Branch {
    stages: Vec<(nn::Conv1D, Option<Cbam>)>,
}

impl Branch {
    /// `channels[i] -> channels[i+1]` per stage; `cbam[i]` says whether stage i has CBAM.
    fn new(p: nn::Path, channels: &[i64], cbam: &[bool]) -> Self {
        let mut index = 0;
        let mut stages = Vec::new();
        for (w, &with_cbam) in channels.windows(2).zip(cbam) {
            let c = conv(&p / index, w[0], w[1], 7, true);
            index += 2; // conv, relu
            let attention = with_cbam.then(|| {
                index += 1;
                Cbam::new(&p / (index - 1), w[1])
            });
            index += 1; // max pool
            stages.push((c, attention));
        }
        Branch { stages }
    }
}

impl Module for Branch {
    fn forward(&self, x: &Tensor) -> Tensor {
        let mut x = x.shallow_clone();
        for (c, attention) in &self.stages {
            x = c.forward(&x).relu();
            if let Some(a) = attention {
                x = a.forward(&x);
            }
            x = max_pool4(&x);
        }
        x
    }
}

/// PyTorch's `nn.LSTM(input, hidden, num_layers=2, batch_first=True)`, over a whole sequence
/// from a zero state.
///
/// tch's `nn::LSTM` fixes the training flag when it is built, and cuDNN refuses the backward pass
/// of an LSTM run in inference mode (and keeps no workspace for it), so the flag comes with each
/// call here, as `self.training` does in PyTorch. The variables are tch's own (names and
/// initialisation), so the state_dict keys and the seeded initial weights stay as they were.
#[derive(Debug)]
struct Lstm {
    /// Per layer: `weight_ih`, `weight_hh`, `bias_ih`, `bias_hh`, the order `torch.lstm` takes.
    weights: Vec<Tensor>,
    input: i64,
    hidden: i64,
}

impl Lstm {
    const LAYERS: i64 = 2;

    fn new(p: nn::Path, input: i64, hidden: i64) -> Self {
        let cfg = nn::RNNConfig {
            num_layers: Self::LAYERS,
            batch_first: true,
            ..Default::default()
        };
        nn::lstm(&p, input, hidden, cfg);
        let weights = (0..Self::LAYERS)
            .flat_map(|l| {
                ["weight_ih", "weight_hh", "bias_ih", "bias_hh"].map(|w| format!("{w}_l{l}"))
            })
            .map(|name| {
                p.get(&name)
                    .unwrap_or_else(|| panic!("tch's LSTM created no variable {name}"))
            })
            .collect();
        Lstm {
            weights,
            input,
            hidden,
        }
    }

    /// On cuDNN, puts the weights into the one buffer its LSTM kernel reads (the variables
    /// become views of it); elsewhere nothing. PyTorch's `flatten_parameters`.
    fn flatten(&self) {
        if self.weights[0].device().is_cuda() && tch::Cuda::cudnn_is_available() {
            // LSTM is cuDNN mode 2; 4 tensors per layer; no projection, one direction.
            // The variables now view the returned buffer, which they keep alive.
            let _buffer = tch::no_grad(|| {
                Tensor::internal_cudnn_rnn_flatten_weight(
                    &self.weights,
                    4,
                    self.input,
                    2,
                    self.hidden,
                    0,
                    Self::LAYERS,
                    true,
                    false,
                )
            });
        }
    }

    /// The outputs `[B, T, hidden]` of the last layer for `x: [B, T, input]`.
    fn seq(&self, x: &Tensor, train: bool) -> Tensor {
        let state = Tensor::zeros(
            [Self::LAYERS, x.size()[0], self.hidden],
            (x.kind(), x.device()),
        );
        let (out, _, _) = x.lstm(
            &[&state, &state],
            &self.weights.iter().collect::<Vec<_>>(),
            true,
            Self::LAYERS,
            0.0,
            train,
            false,
            true,
        );
        out
    }
}

/// CALNet: a light-curve branch and a periodogram branch (CNN + CBAM + LSTM each), summed and
/// classified by two fully connected layers.
///
/// ```
/// use calnet_model::{tch, CalNet};
/// tch::set_num_threads(1);
/// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
/// let net = CalNet::new(&vs.root());
/// assert!(vs.variables().contains_key("lcbranch.2.channel_attention.fc.0.weight"));
/// let x1 = tch::Tensor::rand([2, 1, 4000], (tch::Kind::Float, tch::Device::Cpu));
/// let x2 = tch::Tensor::rand([2, 1, 1000], (tch::Kind::Float, tch::Device::Cpu));
/// let logits = tch::no_grad(|| net.forward_t(&x1, &x2, false));
/// assert_eq!(logits.size(), [2, 2]);
/// ```
#[derive(Debug)]
pub struct CalNet {
    lcbranch: Branch,
    lstm1: Lstm,
    glsbranch: Branch,
    lstm2: Lstm,
    fc2_0: nn::Linear,
    fc2_3: nn::Linear,
}

impl CalNet {
    /// Creates the network's variables under `p` (randomly initialised, as PyTorch would).
    pub fn new(p: &nn::Path) -> Self {
        CalNet {
            lcbranch: Branch::new(p / "lcbranch", &[1, 64, 128, 256], &[true, true, false]),
            lstm1: Lstm::new(p / "lstm1", 256, 128),
            glsbranch: Branch::new(p / "glsbranch", &[1, 32, 64], &[true, true]),
            lstm2: Lstm::new(p / "lstm2", 64, 64),
            fc2_0: nn::linear(p / "fc2" / 0, 62 * 128, 1024, Default::default()),
            fc2_3: nn::linear(p / "fc2" / 3, 1024, 2, Default::default()),
        }
    }

    /// The `[B, 7936]` sum of the two branches' LSTM outputs that enters the dense head, for
    /// `x1: [B, 1, 4000]` (light curve) and `x2: [B, 1, 1000]` (periodogram); `train` as in
    /// [`CalNet::forward_t`].
    pub fn fused(&self, x1: &Tensor, x2: &Tensor, train: bool) -> Tensor {
        let x1 = self.lcbranch.forward(x1).permute([0, 2, 1]);
        let x1 = self.lstm1.seq(&x1, train);
        let x1 = x1.flatten(1, -1);
        let x2 = self.glsbranch.forward(x2).permute([0, 2, 1]);
        let x2 = self.lstm2.seq(&x2, train);
        // The periodogram branch gives 62 x 64 values, half the light curve's: the reference
        // tiles it twice to add them.
        let x2 = x2.flatten(1, -1).repeat([1, 2]);
        x1 + x2
    }

    /// Lays the LSTM weights out as cuDNN reads them, after the variables moved to a CUDA device
    /// (`VarStore::set_device`); without it every call compacts them again and libtorch warns.
    /// Does nothing on the CPU. PyTorch's `nn.LSTM.flatten_parameters`.
    pub fn flatten_parameters(&self) {
        self.lstm1.flatten();
        self.lstm2.flatten();
    }

    /// Logits `[B, 2]` (column 1 is the EB class) of `x1: [B, 1, 4000]` (light curve) and
    /// `x2: [B, 1, 1000]` (periodogram). `train` turns dropout on and runs the LSTMs in training
    /// mode (on cuDNN, only that mode can be differentiated; on the CPU it changes nothing).
    pub fn forward_t(&self, x1: &Tensor, x2: &Tensor, train: bool) -> Tensor {
        let h = self
            .fc2_0
            .forward(&self.fused(x1, x2, train))
            .sigmoid()
            .dropout(0.5, train);
        self.fc2_3.forward(&h)
    }

    /// Class probabilities `[B, 2]` (softmax of the logits, eval mode): what the reference's
    /// `forward` returns; column 1 is p(EB).
    pub fn probabilities(&self, x1: &Tensor, x2: &Tensor) -> Tensor {
        self.forward_t(x1, x2, false).softmax(1, tch::Kind::Float)
    }
}

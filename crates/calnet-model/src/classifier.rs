//! Batched inference: weights file in, p(EB) per segment out.

use std::path::Path;
use std::str::FromStr;

use tch::nn::VarStore;
use tch::{Device, Kind, Tensor};

use crate::net::{CalNet, GLS_LEN, LC_LEN, STATE_DICT_KEYS};
use crate::weights::{self, WeightsFormat};
use crate::ModelError;

/// Where the network runs: `auto` (the first CUDA device if there is one, else the CPU), `cpu`,
/// `cuda` (device 0) or `cuda:N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DeviceSpec {
    /// CUDA device 0 when available, the CPU otherwise.
    #[default]
    Auto,
    /// The CPU.
    Cpu,
    /// CUDA device N.
    Cuda(usize),
}

impl FromStr for DeviceSpec {
    type Err = ModelError;

    fn from_str(s: &str) -> Result<Self, ModelError> {
        let bad = |reason: &str| ModelError::Device {
            spec: s.to_string(),
            reason: reason.to_string(),
        };
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(DeviceSpec::Auto),
            "cpu" => Ok(DeviceSpec::Cpu),
            "cuda" => Ok(DeviceSpec::Cuda(0)),
            other => match other.strip_prefix("cuda:") {
                Some(n) => n
                    .parse()
                    .map(DeviceSpec::Cuda)
                    .map_err(|_| bad("the CUDA index is not a number")),
                None => Err(bad("expected auto, cpu, cuda or cuda:N")),
            },
        }
    }
}

impl std::fmt::Display for DeviceSpec {
    /// The string [`FromStr`] reads back: `auto`, `cpu` or `cuda:N`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DeviceSpec::Auto => f.write_str("auto"),
            DeviceSpec::Cpu => f.write_str("cpu"),
            DeviceSpec::Cuda(n) => write!(f, "cuda:{n}"),
        }
    }
}

impl DeviceSpec {
    /// The libtorch device, checking that a requested CUDA device exists.
    pub fn resolve(self) -> Result<Device, ModelError> {
        match self {
            DeviceSpec::Cpu => Ok(Device::Cpu),
            DeviceSpec::Auto => Ok(Device::cuda_if_available()),
            DeviceSpec::Cuda(n) => {
                let count = tch::Cuda::device_count().max(0) as usize;
                if n < count {
                    Ok(Device::Cuda(n))
                } else {
                    Err(ModelError::Device {
                        spec: format!("cuda:{n}"),
                        reason: if count == 0 {
                            "CUDA is not available (no GPU, or a CPU-only libtorch)".into()
                        } else {
                            format!("only {count} CUDA device(s)")
                        },
                    })
                }
            }
        }
    }
}

/// How a [`Classifier`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassifierOptions {
    /// Where the network runs.
    pub device: DeviceSpec,
    /// Segments per forward pass.
    pub batch_size: usize,
    /// libtorch's intra-op thread count; `None` leaves libtorch's setting. This is a
    /// process-wide setting.
    pub threads: Option<usize>,
}

impl Default for ClassifierOptions {
    fn default() -> Self {
        ClassifierOptions {
            device: DeviceSpec::Auto,
            batch_size: 128,
            threads: None,
        }
    }
}

/// The network with its weights on a device, ready to classify segments.
///
/// ```
/// use calnet_model::{tch, CalNet, Classifier, ClassifierOptions, DeviceSpec};
/// tch::set_num_threads(1);
/// # let dir = std::env::temp_dir().join(format!("calnet-model-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("random.safetensors");
/// // Random weights saved as safetensors stand in for the published .pth here.
/// let vs = tch::nn::VarStore::new(tch::Device::Cpu);
/// let _ = CalNet::new(&vs.root());
/// calnet_model::save_safetensors(&vs, &path)?;
///
/// let options = ClassifierOptions { device: "cpu".parse()?, batch_size: 32, threads: Some(1) };
/// let classifier = Classifier::load(&path, options)?;
/// let lc = vec![0.5f32; 3 * 4000]; // three segments, one after the other
/// let gls = vec![0.1f32; 3 * 1000];
/// let p_eb = classifier.predict(&lc, &gls)?;
/// assert_eq!(p_eb.len(), 3);
/// assert!(p_eb.iter().all(|p| (0.0..=1.0).contains(p)));
/// # std::fs::remove_dir_all(&dir).ok();
/// # Ok::<(), calnet_model::ModelError>(())
/// ```
#[derive(Debug)]
pub struct Classifier {
    vs: VarStore,
    net: CalNet,
    device: Device,
    batch_size: usize,
    format: WeightsFormat,
}

impl Classifier {
    /// Loads a weights file (`.pth`/`.pt` state_dict or safetensors, told apart by content) onto
    /// the chosen device.
    pub fn load(path: impl AsRef<Path>, options: ClassifierOptions) -> Result<Self, ModelError> {
        if let Some(n) = options.threads {
            tch::set_num_threads(n.max(1) as i32);
        }
        let device = options.device.resolve()?;
        let mut vs = VarStore::new(device);
        let net = CalNet::new(&vs.root());
        let format = weights::load_into(&vs, path.as_ref(), &STATE_DICT_KEYS)?;
        vs.freeze();
        Ok(Classifier {
            vs,
            net,
            device,
            batch_size: options.batch_size.max(1),
            format,
        })
    }

    /// The device the network runs on.
    pub fn device(&self) -> Device {
        self.device
    }

    /// The format the weights were read from.
    pub fn format(&self) -> WeightsFormat {
        self.format
    }

    /// Segments per forward pass.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// The network.
    pub fn net(&self) -> &CalNet {
        &self.net
    }

    /// The variables (named like the PyTorch state_dict).
    pub fn var_store(&self) -> &VarStore {
        &self.vs
    }

    /// p(EB) of each segment. `lc` holds the segments' 4000-value light-curve inputs one after
    /// the other, `gls` their 1000-value periodograms, in the same order.
    pub fn predict(&self, lc: &[f32], gls: &[f32]) -> Result<Vec<f32>, ModelError> {
        let n = segments(lc, LC_LEN, "light curve")?;
        let n_gls = segments(gls, GLS_LEN, "periodogram")?;
        if n != n_gls {
            return Err(ModelError::BatchMismatch { lc: n, gls: n_gls });
        }
        let mut out = Vec::with_capacity(n);
        for (x1, x2) in lc
            .chunks(self.batch_size * LC_LEN)
            .zip(gls.chunks(self.batch_size * GLS_LEN))
        {
            let b = (x1.len() / LC_LEN) as i64;
            let p = tch::no_grad(|| -> Result<Tensor, tch::TchError> {
                let x1 = Tensor::from_slice(x1)
                    .f_view([b, 1, LC_LEN as i64])?
                    .f_to_device(self.device)?;
                let x2 = Tensor::from_slice(x2)
                    .f_view([b, 1, GLS_LEN as i64])?
                    .f_to_device(self.device)?;
                self.net
                    .probabilities(&x1, &x2)
                    .f_select(1, 1)?
                    .f_to_kind(Kind::Float)?
                    .f_to_device(Device::Cpu)
            })?;
            out.extend(Vec::<f32>::try_from(&p)?);
        }
        Ok(out)
    }
}

fn segments(values: &[f32], per_segment: usize, what: &'static str) -> Result<usize, ModelError> {
    if values.len() % per_segment != 0 {
        return Err(ModelError::InputLength {
            what,
            len: values.len(),
            per_segment,
        });
    }
    Ok(values.len() / per_segment)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_strings() {
        assert_eq!("auto".parse::<DeviceSpec>().unwrap(), DeviceSpec::Auto);
        assert_eq!("CPU".parse::<DeviceSpec>().unwrap(), DeviceSpec::Cpu);
        assert_eq!("cuda".parse::<DeviceSpec>().unwrap(), DeviceSpec::Cuda(0));
        assert_eq!("cuda:3".parse::<DeviceSpec>().unwrap(), DeviceSpec::Cuda(3));
        assert!(matches!(
            "cuda:x".parse::<DeviceSpec>(),
            Err(ModelError::Device { .. })
        ));
        assert!(matches!(
            "gpu".parse::<DeviceSpec>(),
            Err(ModelError::Device { .. })
        ));
        assert_eq!(DeviceSpec::Cpu.resolve().unwrap(), Device::Cpu);
        if !tch::Cuda::is_available() {
            assert!(matches!(
                DeviceSpec::Cuda(0).resolve(),
                Err(ModelError::Device { .. })
            ));
            assert_eq!(DeviceSpec::Auto.resolve().unwrap(), Device::Cpu);
        }
    }
}

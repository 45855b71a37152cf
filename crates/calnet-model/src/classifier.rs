//! Weights file in, p(EB) per segment out, on the native engine or on libtorch.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use crate::arch::{GLS_LEN, LC_LEN};
use crate::weights::WeightsFormat;
use crate::ModelError;

/// Where the network runs: `auto` (the first CUDA device when this build has the `torch`
/// feature and there is one, else the CPU), `cpu`, `cuda` (device 0) or `cuda:N`. The CPU
/// means the native engine (libtorch's CPU engine only in a build without the `native`
/// feature); CUDA needs the `torch` feature.
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

#[cfg(feature = "torch")]
impl DeviceSpec {
    /// The libtorch device, checking that a requested CUDA device exists.
    pub fn resolve(self) -> Result<tch::Device, ModelError> {
        use tch::Device;
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

impl DeviceSpec {
    /// The engine [`Classifier::load`] runs for this device: the native engine for the CPU
    /// (libtorch's only in a build without `native`), libtorch for CUDA (feature `torch`);
    /// `auto` is the first CUDA device where libtorch sees one. An error for CUDA in a build
    /// without `torch`, or a CUDA device that is not there.
    pub fn engine(self) -> Result<Engine, ModelError> {
        #[cfg(feature = "torch")]
        {
            let native = cfg!(feature = "native");
            match self {
                DeviceSpec::Cpu if native => Ok(Engine::Native),
                DeviceSpec::Auto if native => Ok(Some(tch::Device::cuda_if_available())
                    .filter(|d| d.is_cuda())
                    .map_or(Engine::Native, Engine::Torch)),
                spec => spec.resolve().map(Engine::Torch),
            }
        }
        #[cfg(not(feature = "torch"))]
        match self {
            DeviceSpec::Cuda(n) => Err(ModelError::Device {
                spec: format!("cuda:{n}"),
                reason: "this build runs on the CPU only: CUDA needs the `torch` feature".into(),
            }),
            DeviceSpec::Auto | DeviceSpec::Cpu => Ok(Engine::Native),
        }
    }
}

/// The implementation a [`Classifier`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Engine {
    /// The native CPU engine: p(EB) bit-identical whatever the batch and thread count.
    Native,
    /// libtorch on this device: its results move in the last bits with the batch size, the
    /// thread count and the device.
    #[cfg(feature = "torch")]
    Torch(tch::Device),
}

impl std::fmt::Display for Engine {
    /// `native`, `tch-cpu` or `tch-cuda:N`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Engine::Native => f.write_str("native"),
            #[cfg(feature = "torch")]
            Engine::Torch(tch::Device::Cuda(n)) => write!(f, "tch-cuda:{n}"),
            #[cfg(feature = "torch")]
            Engine::Torch(d) => write!(f, "tch-{}", format!("{d:?}").to_ascii_lowercase()),
        }
    }
}

/// How a [`Classifier`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClassifierOptions {
    /// Where the network runs.
    pub device: DeviceSpec,
    /// Segments per forward pass (bounds the memory of one [`Classifier::predict`] call).
    pub batch_size: usize,
    /// Threads. Native engine: a pool of its own with this many threads; `None` runs on the
    /// caller's rayon pool (the global one, or the one `predict` is called from inside).
    /// libtorch: its process-wide intra-op thread count; `None` leaves libtorch's setting.
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

/// The network with its weights, ready to classify segments.
///
/// ```
/// use calnet_model::{Classifier, ClassifierOptions, Engine};
/// # let dir = std::env::temp_dir().join(format!("calnet-model-doc-{}", std::process::id()));
/// # std::fs::create_dir_all(&dir).unwrap();
/// # let path = dir.join("flat.safetensors");
/// # let tensors: Vec<_> = calnet_model::STATE_DICT.iter()
/// #     .map(|(k, s)| calnet_model::NamedTensor::filled(k, s, 0.01)).collect();
/// # calnet_model::write_safetensors(&tensors, &path)?;
/// let options = ClassifierOptions { device: "cpu".parse()?, batch_size: 32, threads: Some(1) };
/// let classifier = Classifier::load(&path, options)?;
/// assert_eq!(classifier.engine(), Engine::Native);
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
    backend: Backend,
    batch_size: usize,
    format: WeightsFormat,
    metadata: BTreeMap<String, String>,
}

enum Backend {
    #[cfg(feature = "native")]
    Native {
        net: Box<crate::native::Network>,
        pool: Option<rayon::ThreadPool>,
    },
    /// libtorch's tensors may not be shared between threads: the lock makes the
    /// classifier `Sync` (calls from several threads take turns).
    #[cfg(feature = "torch")]
    Torch {
        net: Box<std::sync::Mutex<(tch::nn::VarStore, crate::CalNet)>>,
        device: tch::Device,
    },
}

impl std::fmt::Debug for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            #[cfg(feature = "native")]
            Backend::Native { pool, .. } => f
                .debug_struct("Native")
                .field("threads", &pool.as_ref().map(|p| p.current_num_threads()))
                .finish(),
            #[cfg(feature = "torch")]
            Backend::Torch { device, .. } => {
                f.debug_struct("Torch").field("device", device).finish()
            }
        }
    }
}

#[cfg(not(any(feature = "native", feature = "torch")))]
compile_error!("calnet-model needs the `native` or the `torch` feature");

impl Classifier {
    /// Loads a weights file (`.pth`/`.pt` state_dict or safetensors, told apart by content),
    /// checking every key, shape and dtype.
    pub fn load(path: impl AsRef<Path>, options: ClassifierOptions) -> Result<Self, ModelError> {
        let path = path.as_ref();
        let batch_size = options.batch_size.max(1);
        let metadata = crate::weights::read_metadata(path)?;
        match options.device.engine()? {
            #[cfg(feature = "native")]
            Engine::Native => {
                let pool = options
                    .threads
                    .map(|n| {
                        rayon::ThreadPoolBuilder::new()
                            .num_threads(n.max(1))
                            .thread_name(|i| format!("calnet-model-{i}"))
                            .build()
                            .map_err(|e| ModelError::Threads(e.to_string()))
                    })
                    .transpose()?;
                let (format, tensors) = crate::weights::read_calnet(path)?;
                Ok(Classifier {
                    backend: Backend::Native {
                        net: Box::new(crate::native::Network::new(tensors)),
                        pool,
                    },
                    batch_size,
                    format,
                    metadata,
                })
            }
            #[cfg(not(feature = "native"))]
            Engine::Native => unreachable!("DeviceSpec::engine gives libtorch without `native`"),
            #[cfg(feature = "torch")]
            Engine::Torch(device) => {
                if let Some(n) = options.threads {
                    tch::set_num_threads(n.max(1) as i32);
                }
                let mut vs = tch::nn::VarStore::new(device);
                let net = crate::CalNet::new(&vs.root());
                let format = crate::load_into(&vs, path, &crate::STATE_DICT_KEYS)?;
                vs.freeze();
                Ok(Classifier {
                    backend: Backend::Torch {
                        net: Box::new(std::sync::Mutex::new((vs, net))),
                        device,
                    },
                    batch_size,
                    format,
                    metadata,
                })
            }
        }
    }

    /// The implementation that runs the network.
    pub fn engine(&self) -> Engine {
        match &self.backend {
            #[cfg(feature = "native")]
            Backend::Native { .. } => Engine::Native,
            #[cfg(feature = "torch")]
            Backend::Torch { device, .. } => Engine::Torch(*device),
        }
    }

    /// The format the weights were read from.
    pub fn format(&self) -> WeightsFormat {
        self.format
    }

    /// The weights file's string metadata ([`crate::read_metadata`]): where the trainer records
    /// the feature config the weights were trained on; empty for a `.pth`.
    pub fn metadata(&self) -> &BTreeMap<String, String> {
        &self.metadata
    }

    /// Segments per forward pass.
    pub fn batch_size(&self) -> usize {
        self.batch_size
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
            match &self.backend {
                #[cfg(feature = "native")]
                Backend::Native { net, pool } => match pool {
                    Some(pool) => out.extend(pool.install(|| net.predict(x1, x2))),
                    None => out.extend(net.predict(x1, x2)),
                },
                #[cfg(feature = "torch")]
                Backend::Torch { net, device } => {
                    // A panic inside libtorch while another thread held the lock leaves the
                    // network as it was: the weights are frozen.
                    let guard = net.lock().unwrap_or_else(|e| e.into_inner());
                    out.extend(crate::torch::predict(&guard.1, *device, x1, x2)?)
                }
            }
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

    /// Callers may share one classifier between threads, whatever the engine.
    #[test]
    fn classifier_is_send_and_sync() {
        fn shareable<T: Send + Sync>() {}
        shareable::<Classifier>();
    }

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
    }

    #[cfg(feature = "torch")]
    #[test]
    fn devices_resolve() {
        use tch::Device;
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

//! Weight files: PyTorch `.pth`/`.pt` state_dicts and safetensors, told apart by content, read
//! into plain float32 tensors without libtorch.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use crate::pth;
use crate::ModelError;

/// The two weight formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightsFormat {
    /// A PyTorch zip checkpoint (`torch.save(model.state_dict(), path)`), as published.
    Pth,
    /// safetensors, what `save_safetensors` (feature `torch`) writes.
    Safetensors,
}

/// The element type a tensor has in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Dtype {
    /// float32.
    F32,
    /// float16 (IEEE half).
    F16,
    /// bfloat16.
    BF16,
    /// float64.
    F64,
    /// int64.
    I64,
    /// int32.
    I32,
    /// int16.
    I16,
    /// int8.
    I8,
    /// uint8.
    U8,
    /// bool.
    Bool,
}

impl Dtype {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            Dtype::F64 | Dtype::I64 => 8,
            Dtype::F32 | Dtype::I32 => 4,
            Dtype::F16 | Dtype::BF16 | Dtype::I16 => 2,
            Dtype::I8 | Dtype::U8 | Dtype::Bool => 1,
        }
    }

    /// Whether weights may have this dtype (the floats).
    pub fn is_float(self) -> bool {
        matches!(self, Dtype::F32 | Dtype::F16 | Dtype::BF16 | Dtype::F64)
    }

    /// Element `at` of little-endian `bytes`, as float32 (float16 and bfloat16 exactly,
    /// float64 rounded to nearest, as PyTorch's `.float()`). The caller checks the bounds.
    pub(crate) fn read_f32(self, bytes: &[u8], at: usize) -> f32 {
        let n = self.size();
        let b = &bytes[at * n..at * n + n];
        match self {
            Dtype::F32 => f32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            Dtype::F16 => f16_to_f32(u16::from_le_bytes([b[0], b[1]])),
            Dtype::BF16 => f32::from_bits((u16::from_le_bytes([b[0], b[1]]) as u32) << 16),
            Dtype::F64 => f64::from_le_bytes(b.try_into().expect("8 bytes")) as f32,
            Dtype::I64 => i64::from_le_bytes(b.try_into().expect("8 bytes")) as f32,
            Dtype::I32 => i32::from_le_bytes([b[0], b[1], b[2], b[3]]) as f32,
            Dtype::I16 => i16::from_le_bytes([b[0], b[1]]) as f32,
            Dtype::I8 => b[0] as i8 as f32,
            Dtype::U8 | Dtype::Bool => b[0] as f32,
        }
    }
}

impl std::fmt::Display for Dtype {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Dtype::F32 => "float32",
            Dtype::F16 => "float16",
            Dtype::BF16 => "bfloat16",
            Dtype::F64 => "float64",
            Dtype::I64 => "int64",
            Dtype::I32 => "int32",
            Dtype::I16 => "int16",
            Dtype::I8 => "int8",
            Dtype::U8 => "uint8",
            Dtype::Bool => "bool",
        })
    }
}

/// IEEE half to single precision; every half value is exact in single precision.
fn f16_to_f32(h: u16) -> f32 {
    let sign = if h & 0x8000 != 0 { -1.0f32 } else { 1.0 };
    let exp = (h >> 10) & 0x1f;
    let mant = (h & 0x3ff) as u32;
    match exp {
        // Zero and subnormals: mant * 2^-24.
        0 => sign * mant as f32 * f32::from_bits(0x3380_0000),
        0x1f => f32::from_bits(((h as u32 & 0x8000) << 16) | 0x7f80_0000 | (mant << 13)),
        _ => {
            f32::from_bits(((h as u32 & 0x8000) << 16) | ((exp as u32 + 112) << 23) | (mant << 13))
        }
    }
}

/// A tensor of a weights file: its elements in row-major order as float32, and the dtype the
/// file stores (checked against the model by [`check_state_dict`]).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedTensor {
    /// The state_dict key, e.g. `lcbranch.0.weight`.
    pub name: String,
    /// The dtype in the file.
    pub dtype: Dtype,
    /// The shape.
    pub shape: Vec<usize>,
    /// The elements, row-major.
    pub values: Vec<f32>,
}

impl NamedTensor {
    /// A float32 tensor of `shape` with every element `value`.
    pub fn filled(name: &str, shape: &[usize], value: f32) -> NamedTensor {
        NamedTensor {
            name: name.to_string(),
            dtype: Dtype::F32,
            shape: shape.to_vec(),
            values: vec![value; shape.iter().product()],
        }
    }
}

/// Tells the format from the first bytes of the file.
pub fn detect_format(path: &Path) -> Result<WeightsFormat, ModelError> {
    let shown = path.display().to_string();
    let mut head = Vec::with_capacity(16);
    std::fs::File::open(path)
        .and_then(|f| f.take(16).read_to_end(&mut head))
        .map_err(|source| ModelError::Io {
            path: shown.clone(),
            source,
        })?;
    let len = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06") {
        return Ok(WeightsFormat::Pth);
    }
    // The legacy format is a pickle stream: PROTO opcode, then a protocol number.
    if head.len() >= 2 && head[0] == 0x80 && head[1] <= 5 {
        return Err(ModelError::LegacyFormat { path: shown });
    }
    // safetensors: an 8-byte little-endian header length, then a JSON header.
    if head.len() >= 9 && head[8] == b'{' {
        let n = u64::from_le_bytes(head[..8].try_into().expect("8 bytes"));
        if n <= len.saturating_sub(8) {
            return Ok(WeightsFormat::Safetensors);
        }
        return Err(ModelError::Safetensors {
            path: shown,
            reason: format!("header of {n} bytes in a file of {len}: truncated"),
        });
    }
    let detail = if head.is_empty() {
        "the file is empty".to_string()
    } else {
        let hex: Vec<String> = head.iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("it starts with bytes {}", hex.join(" "))
    };
    Err(ModelError::UnknownFormat {
        path: shown,
        detail,
    })
}

/// Reads every tensor of a weights file (either format, told apart by content) as float32, in
/// the file's order (safetensors: by name).
///
/// ```no_run
/// let (format, tensors) = calnet_model::read_tensors("calnet.pth".as_ref())?;
/// for t in &tensors {
///     println!("{} {:?} {}", t.name, t.shape, t.dtype);
/// }
/// # Ok::<(), calnet_model::ModelError>(())
/// ```
pub fn read_tensors(path: &Path) -> Result<(WeightsFormat, Vec<NamedTensor>), ModelError> {
    let shown = path.display().to_string();
    let format = detect_format(path)?;
    let tensors = match format {
        WeightsFormat::Pth => {
            let file = std::fs::File::open(path).map_err(|source| ModelError::Io {
                path: shown.clone(),
                source,
            })?;
            let sd = pth::read_state_dict(std::io::BufReader::new(file), &shown)?;
            sd.tensors.iter().map(|raw| sd.tensor(raw)).collect()
        }
        WeightsFormat::Safetensors => {
            let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
                path: shown.clone(),
                source,
            })?;
            read_safetensors(&bytes, &shown)?
        }
    };
    Ok((format, tensors))
}

/// The tensors of a safetensors file's bytes, sorted by name.
pub fn read_safetensors(bytes: &[u8], origin: &str) -> Result<Vec<NamedTensor>, ModelError> {
    let bad = |reason: String| ModelError::Safetensors {
        path: origin.to_string(),
        reason,
    };
    let st = safetensors::SafeTensors::deserialize(bytes).map_err(|e| bad(format!("{e:?}")))?;
    let mut out = Vec::new();
    for (name, view) in st.tensors() {
        use safetensors::Dtype as S;
        let dtype = match view.dtype() {
            S::F32 => Dtype::F32,
            S::F16 => Dtype::F16,
            S::BF16 => Dtype::BF16,
            S::F64 => Dtype::F64,
            S::I64 => Dtype::I64,
            S::I32 => Dtype::I32,
            S::I16 => Dtype::I16,
            S::I8 => Dtype::I8,
            S::U8 => Dtype::U8,
            S::BOOL => Dtype::Bool,
            other => {
                return Err(ModelError::UnsupportedDtype {
                    key: name,
                    dtype: format!("{other:?}"),
                })
            }
        };
        let data = view.data();
        let numel = data.len() / dtype.size();
        out.push(NamedTensor {
            dtype,
            shape: view.shape().to_vec(),
            values: (0..numel).map(|i| dtype.read_f32(data, i)).collect(),
            name,
        });
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Checks `tensors` against a model's variables, `expected` (names and shapes, in the model's
/// order): the first missing key in that order, then the first unexpected key in file order,
/// then each shape, then each dtype (a float) is reported.
pub fn check_state_dict(
    tensors: &[NamedTensor],
    expected: &[(&str, Vec<usize>)],
    origin: &str,
) -> Result<(), ModelError> {
    let given: HashMap<&str, &NamedTensor> = tensors.iter().map(|t| (t.name.as_str(), t)).collect();
    let missing: Vec<&str> = expected
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| !given.contains_key(k))
        .collect();
    if let Some(first) = missing.first() {
        return Err(ModelError::MissingKey {
            path: origin.into(),
            key: first.to_string(),
            count: missing.len(),
        });
    }
    let wanted: HashSet<&str> = expected.iter().map(|(k, _)| *k).collect();
    let unexpected: Vec<&str> = tensors
        .iter()
        .map(|t| t.name.as_str())
        .filter(|k| !wanted.contains(k))
        .collect();
    if let Some(first) = unexpected.first() {
        return Err(ModelError::UnexpectedKey {
            path: origin.into(),
            key: first.to_string(),
            count: unexpected.len(),
        });
    }
    let as_i64 = |s: &[usize]| s.iter().map(|&d| d as i64).collect::<Vec<i64>>();
    for (key, shape) in expected {
        let t = given[key];
        if &t.shape != shape {
            return Err(ModelError::ShapeMismatch {
                path: origin.into(),
                key: key.to_string(),
                expected: as_i64(shape),
                found: as_i64(&t.shape),
            });
        }
    }
    for (key, _) in expected {
        let t = given[key];
        if !t.dtype.is_float() {
            return Err(ModelError::UnsupportedDtype {
                key: key.to_string(),
                dtype: t.dtype.to_string(),
            });
        }
    }
    Ok(())
}

/// Reads a weights file and checks it against CALNet's state_dict ([`crate::STATE_DICT`]):
/// the 42 tensors in the model's order.
pub fn read_calnet(path: &Path) -> Result<(WeightsFormat, Vec<NamedTensor>), ModelError> {
    let (format, tensors) = read_tensors(path)?;
    let expected: Vec<(&str, Vec<usize>)> = crate::STATE_DICT
        .iter()
        .map(|(k, s)| (*k, s.to_vec()))
        .collect();
    check_state_dict(&tensors, &expected, &path.display().to_string())?;
    let mut by_name: HashMap<String, NamedTensor> =
        tensors.into_iter().map(|t| (t.name.clone(), t)).collect();
    let ordered = crate::STATE_DICT_KEYS
        .iter()
        .map(|k| by_name.remove(*k).expect("checked"))
        .collect();
    Ok((format, ordered))
}

/// The string metadata of a weights file: a safetensors file's `__metadata__` (where CALNet's
/// trainer records the feature config the weights were trained on, `lc_prep`'s
/// `FeatureConfig::to_record`), empty for a `.pth` state_dict, which has none.
///
/// ```
/// # let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("w.safetensors");
/// let t = [calnet_model::NamedTensor::filled("w", &[2], 1.0)];
/// let meta = [("features.mode".to_string(), "robust".to_string())].into();
/// calnet_model::write_safetensors_with_metadata(&t, &meta, &path)?;
/// assert_eq!(calnet_model::read_metadata(&path)?, meta);
/// # Ok::<(), calnet_model::ModelError>(())
/// ```
pub fn read_metadata(path: &Path) -> Result<BTreeMap<String, String>, ModelError> {
    let shown = path.display().to_string();
    match detect_format(path)? {
        WeightsFormat::Pth => Ok(BTreeMap::new()),
        WeightsFormat::Safetensors => {
            let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
                path: shown.clone(),
                source,
            })?;
            let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).map_err(|e| {
                ModelError::Safetensors {
                    path: shown,
                    reason: format!("{e:?}"),
                }
            })?;
            Ok(header
                .metadata()
                .clone()
                .unwrap_or_default()
                .into_iter()
                .collect())
        }
    }
}

/// Writes tensors as float32 safetensors (names and shapes as given), which Python loads with
/// `safetensors.torch.load_file`.
pub fn write_safetensors(tensors: &[NamedTensor], path: &Path) -> Result<(), ModelError> {
    write_safetensors_with_metadata(tensors, &BTreeMap::new(), path)
}

/// [`write_safetensors`] with string metadata in the file's `__metadata__` (none when
/// `metadata` is empty), read back by [`read_metadata`] and by Python's
/// `safetensors.safe_open(path, "np").metadata()`.
pub fn write_safetensors_with_metadata(
    tensors: &[NamedTensor],
    metadata: &BTreeMap<String, String>,
    path: &Path,
) -> Result<(), ModelError> {
    let bad = |reason: String| ModelError::Safetensors {
        path: path.display().to_string(),
        reason,
    };
    let bytes: Vec<Vec<u8>> = tensors
        .iter()
        .map(|t| t.values.iter().flat_map(|v| v.to_le_bytes()).collect())
        .collect();
    let views = tensors
        .iter()
        .zip(&bytes)
        .map(|(t, b)| {
            safetensors::tensor::TensorView::new(safetensors::Dtype::F32, t.shape.clone(), b)
                .map(|v| (t.name.clone(), v))
                .map_err(|e| bad(format!("{}: {e:?}", t.name)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let metadata: Option<HashMap<String, String>> =
        (!metadata.is_empty()).then(|| metadata.clone().into_iter().collect());
    safetensors::serialize_to_file(views, &metadata, path).map_err(|e| bad(format!("{e:?}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_precision_values() {
        assert_eq!(f16_to_f32(0x3c00), 1.0);
        assert_eq!(f16_to_f32(0xc000), -2.0);
        assert_eq!(f16_to_f32(0x7bff), 65504.0);
        assert_eq!(f16_to_f32(0x0001), 2f32.powi(-24));
        assert_eq!(f16_to_f32(0x8000).to_bits(), (-0.0f32).to_bits());
        assert_eq!(f16_to_f32(0x7c00), f32::INFINITY);
        assert!(f16_to_f32(0x7e00).is_nan());
        assert_eq!(f16_to_f32(0x3555), 0.333_251_95);
    }
}

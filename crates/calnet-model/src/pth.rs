//! PyTorch's zip checkpoint format, as `torch.save(model.state_dict(), path)` writes it.
//!
//! The archive holds `<name>/data.pkl` (the pickled OrderedDict), `<name>/byteorder` and one
//! entry `<name>/data/<key>` per storage: raw little-endian elements. Each tensor is a view
//! (offset, size, stride) into a storage, so a transposed or sliced tensor, or two tensors
//! sharing a storage, come back exactly as PyTorch saw them.

use std::collections::HashMap;
use std::io::{Read, Seek};

use crate::pickle::{self, TensorRef, Value};
use crate::weights::{Dtype, NamedTensor};
use crate::ModelError;

/// The largest `data.pkl` read: the CALNet one is about 10 KB.
const MAX_PICKLE_BYTES: u64 = 64 << 20;

/// The most elements one tensor may have (1 GiB of float32): a view may repeat a storage's
/// elements (stride 0), so its size is not bounded by the file's.
const MAX_ELEMENTS: i64 = 1 << 28;

/// A tensor of a state_dict as the file stores it: dtype, view and the storage's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTensor {
    /// The state_dict key, e.g. `lcbranch.0.weight`.
    pub name: String,
    /// The element type of the storage.
    pub dtype: Dtype,
    /// Shape of the tensor.
    pub size: Vec<i64>,
    /// Strides in elements.
    pub stride: Vec<i64>,
    /// Offset of the first element in the storage, in elements.
    pub offset: i64,
    /// The storage key inside the archive (`data/<key>`).
    pub storage_key: String,
}

/// A parsed state_dict: the tensors in file order and the storages they view.
#[derive(Debug, Default)]
pub struct StateDict {
    /// The tensors in the order of the file.
    pub tensors: Vec<RawTensor>,
    /// Storage bytes by key.
    pub storages: HashMap<String, Vec<u8>>,
}

fn dtype_of_storage(storage_type: &str) -> Option<Dtype> {
    Some(match storage_type {
        "torch.FloatStorage" => Dtype::F32,
        "torch.HalfStorage" => Dtype::F16,
        "torch.BFloat16Storage" => Dtype::BF16,
        "torch.DoubleStorage" => Dtype::F64,
        "torch.LongStorage" => Dtype::I64,
        "torch.IntStorage" => Dtype::I32,
        "torch.ShortStorage" => Dtype::I16,
        "torch.CharStorage" => Dtype::I8,
        "torch.ByteStorage" => Dtype::U8,
        "torch.BoolStorage" => Dtype::Bool,
        _ => return None,
    })
}

/// Reads a PyTorch zip checkpoint holding a state_dict (an OrderedDict or a dict of tensors).
///
/// `origin` names the file in errors. The result is checked for consistency (every view lies
/// inside its storage) but not against any model.
pub fn read_state_dict<R: Read + Seek>(reader: R, origin: &str) -> Result<StateDict, ModelError> {
    let path = || origin.to_string();
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| ModelError::Corrupt {
        path: path(),
        reason: format!("not a readable zip archive ({e})"),
    })?;
    // torch.save puts everything under one folder, named after the file by default.
    let pkl_name = zip
        .file_names()
        .filter(|n| *n == "data.pkl" || n.ends_with("/data.pkl"))
        .min_by_key(|n| (n.len(), *n))
        .map(str::to_string)
        .ok_or_else(|| ModelError::MissingDataPkl { path: path() })?;
    let prefix = pkl_name[..pkl_name.len() - "data.pkl".len()].to_string();

    if let Ok(mut f) = zip.by_name(&format!("{prefix}byteorder")) {
        let mut order = String::new();
        let _ = f.by_ref().take(16).read_to_string(&mut order);
        if order.trim() != "little" {
            return Err(ModelError::Corrupt {
                path: path(),
                reason: format!(
                    "byte order {:?} is not supported (only little-endian)",
                    order.trim()
                ),
            });
        }
    }

    let mut pkl = Vec::new();
    {
        let f = zip.by_name(&pkl_name).map_err(|e| ModelError::Corrupt {
            path: path(),
            reason: format!("{pkl_name}: {e}"),
        })?;
        f.take(MAX_PICKLE_BYTES)
            .read_to_end(&mut pkl)
            .map_err(|e| ModelError::Corrupt {
                path: path(),
                reason: format!("{pkl_name}: {e}"),
            })?;
    }
    let value = pickle::load(&pkl).map_err(|e| ModelError::Pickle {
        path: path(),
        offset: e.offset,
        reason: e.reason,
    })?;

    let entries = match value {
        Value::Dict(d) => d,
        Value::Object(class) => {
            return Err(ModelError::WholeModel {
                path: path(),
                class: class.to_string(),
            })
        }
        other => {
            return Err(ModelError::NotAStateDict {
                path: path(),
                found: other.type_name(),
            })
        }
    };

    let mut out = StateDict::default();
    for (k, v) in entries.iter() {
        let Value::Str(name) = k else {
            return Err(ModelError::NotAStateDict {
                path: path(),
                found: format!("a dict with a {} key", k.type_name()),
            });
        };
        let t: &TensorRef = match v {
            Value::Tensor(t) => t,
            other => {
                return Err(ModelError::NotATensor {
                    path: path(),
                    key: name.to_string(),
                    found: other.type_name(),
                })
            }
        };
        let dtype = dtype_of_storage(&t.storage.storage_type).ok_or_else(|| {
            ModelError::UnsupportedDtype {
                key: name.to_string(),
                dtype: t.storage.storage_type.clone(),
            }
        })?;
        let elem = dtype.size();
        if !out.storages.contains_key(&t.storage.key) {
            let entry = format!("{prefix}data/{}", t.storage.key);
            let want = u64::try_from(t.storage.numel)
                .ok()
                .and_then(|n| n.checked_mul(elem as u64))
                .ok_or_else(|| ModelError::Corrupt {
                    path: path(),
                    reason: format!("{entry}: invalid element count {}", t.storage.numel),
                })?;
            let f = zip.by_name(&entry).map_err(|e| ModelError::Corrupt {
                path: path(),
                reason: format!("storage {entry} of {name}: {e}"),
            })?;
            // The sizes come from the file: never reserve more than the entry can plausibly hold.
            let mut bytes = Vec::with_capacity(want.min(f.size()).min(1 << 28) as usize);
            f.take(want)
                .read_to_end(&mut bytes)
                .map_err(|e| ModelError::Corrupt {
                    path: path(),
                    reason: format!("storage {entry} of {name}: {e}"),
                })?;
            if (bytes.len() as u64) < want {
                return Err(ModelError::Corrupt {
                    path: path(),
                    reason: format!(
                        "storage {entry} of {name}: {} bytes, {want} expected",
                        bytes.len()
                    ),
                });
            }
            out.storages.insert(t.storage.key.clone(), bytes);
        }
        let available = (out.storages[&t.storage.key].len() / elem) as i64;
        check_view(t, available, name).map_err(|reason| ModelError::Corrupt {
            path: path(),
            reason,
        })?;
        out.tensors.push(RawTensor {
            name: name.to_string(),
            dtype,
            size: t.size.clone(),
            stride: t.stride.clone(),
            offset: t.offset,
            storage_key: t.storage.key.clone(),
        });
    }
    Ok(out)
}

/// Checks that the view lies inside the storage, so that `as_strided` cannot read out of bounds.
fn check_view(t: &TensorRef, available: i64, name: &str) -> Result<(), String> {
    let bad = |why: &str| Err(format!("tensor {name}: {why}"));
    if t.size.len() != t.stride.len() {
        return bad("size and stride differ in length");
    }
    if t.offset < 0 || t.size.iter().any(|&s| s < 0) || t.stride.iter().any(|&s| s < 0) {
        return bad("negative offset, size or stride");
    }
    if t.size.contains(&0) {
        return Ok(());
    }
    let numel = t
        .size
        .iter()
        .try_fold(1i64, |n, &s| n.checked_mul(s))
        .filter(|&n| n <= MAX_ELEMENTS);
    if numel.is_none() {
        return bad(&format!("more than {MAX_ELEMENTS} elements"));
    }
    let mut last = t.offset;
    for (&s, &st) in t.size.iter().zip(&t.stride) {
        let Some(reach) = (s - 1).checked_mul(st).and_then(|r| last.checked_add(r)) else {
            return bad("view extent overflows");
        };
        last = reach;
    }
    if last >= available {
        return bad(&format!(
            "view reaches element {last} of a storage of {available}"
        ));
    }
    Ok(())
}

impl StateDict {
    /// Materialises one tensor: its elements in row-major order, converted to float32 (exactly
    /// for float16 and bfloat16), with the file's dtype kept for the caller's checks.
    pub fn tensor(&self, raw: &RawTensor) -> NamedTensor {
        let bytes = &self.storages[&raw.storage_key];
        let numel: usize = raw.size.iter().map(|&s| s as usize).product();
        let mut values = Vec::with_capacity(numel);
        let mut contiguous = 1i64;
        let is_contiguous = raw.size.iter().zip(&raw.stride).rev().all(|(&n, &s)| {
            let ok = n == 1 || s == contiguous;
            contiguous *= n;
            ok
        });
        // `read_state_dict` checked that every index below lies inside the storage.
        if is_contiguous {
            let start = raw.offset as usize;
            values.extend((start..start + numel).map(|at| raw.dtype.read_f32(bytes, at)));
            return NamedTensor {
                name: raw.name.clone(),
                dtype: raw.dtype,
                shape: raw.size.iter().map(|&s| s as usize).collect(),
                values,
            };
        }
        let mut index = vec![0i64; raw.size.len()];
        for _ in 0..numel {
            let at = raw.offset
                + index
                    .iter()
                    .zip(&raw.stride)
                    .map(|(i, s)| i * s)
                    .sum::<i64>();
            values.push(raw.dtype.read_f32(bytes, at as usize));
            for d in (0..index.len()).rev() {
                index[d] += 1;
                if index[d] < raw.size[d] {
                    break;
                }
                index[d] = 0;
            }
        }
        NamedTensor {
            name: raw.name.clone(),
            dtype: raw.dtype,
            shape: raw.size.iter().map(|&s| s as usize).collect(),
            values,
        }
    }
}

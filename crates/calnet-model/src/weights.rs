//! Weight files: PyTorch `.pth`/`.pt` state_dicts and safetensors, told apart by content.

use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::path::Path;

use tch::{nn::VarStore, Kind, Tensor};

use crate::pth;
use crate::ModelError;

/// The two weight formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WeightsFormat {
    /// A PyTorch zip checkpoint (`torch.save(model.state_dict(), path)`), as published.
    Pth,
    /// safetensors, what [`save_safetensors`] writes.
    Safetensors,
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

/// Reads every tensor of a weights file (either format) as CPU tensors of the file's dtype, in
/// the file's order.
pub fn read_tensors(path: &Path) -> Result<(WeightsFormat, Vec<(String, Tensor)>), ModelError> {
    let shown = path.display().to_string();
    let format = detect_format(path)?;
    let tensors = match format {
        WeightsFormat::Pth => {
            let file = std::fs::File::open(path).map_err(|source| ModelError::Io {
                path: shown.clone(),
                source,
            })?;
            let sd = pth::read_state_dict(std::io::BufReader::new(file), &shown)?;
            sd.tensors
                .iter()
                .map(|raw| Ok((raw.name.clone(), sd.tensor(raw)?)))
                .collect::<Result<Vec<_>, ModelError>>()?
        }
        WeightsFormat::Safetensors => {
            Tensor::read_safetensors(path).map_err(|e| ModelError::Safetensors {
                path: shown.clone(),
                reason: e.to_string(),
            })?
        }
    };
    Ok((format, tensors))
}

/// Copies `tensors` into the variables of `vs`, after checking that the names are exactly the
/// variables' names (the first missing key in `order`, then the first unexpected key in file
/// order, is reported), that each shape matches and each dtype is a float (converted to the
/// variable's dtype).
pub fn assign(
    vs: &VarStore,
    tensors: &[(String, Tensor)],
    order: &[&str],
    origin: &str,
) -> Result<(), ModelError> {
    let vars = vs.variables();
    let given: HashMap<&str, &Tensor> = tensors.iter().map(|(k, t)| (k.as_str(), t)).collect();
    let mut known: Vec<&str> = order
        .iter()
        .copied()
        .filter(|k| vars.contains_key(*k))
        .collect();
    let mut rest: Vec<&str> = vars
        .keys()
        .map(String::as_str)
        .filter(|k| !order.contains(k))
        .collect();
    rest.sort_unstable();
    known.extend(rest);
    let missing: Vec<&str> = known
        .iter()
        .copied()
        .filter(|k| !given.contains_key(k))
        .collect();
    if let Some(first) = missing.first() {
        return Err(ModelError::MissingKey {
            path: origin.into(),
            key: first.to_string(),
            count: missing.len(),
        });
    }
    let wanted: HashSet<&str> = known.iter().copied().collect();
    let unexpected: Vec<&str> = tensors
        .iter()
        .map(|(k, _)| k.as_str())
        .filter(|k| !wanted.contains(k))
        .collect();
    if let Some(first) = unexpected.first() {
        return Err(ModelError::UnexpectedKey {
            path: origin.into(),
            key: first.to_string(),
            count: unexpected.len(),
        });
    }
    for key in &known {
        let (var, src) = (&vars[*key], given[key]);
        if var.size() != src.size() {
            return Err(ModelError::ShapeMismatch {
                path: origin.into(),
                key: key.to_string(),
                expected: var.size(),
                found: src.size(),
            });
        }
        if !matches!(
            src.kind(),
            Kind::Float | Kind::Half | Kind::BFloat16 | Kind::Double
        ) {
            return Err(ModelError::UnsupportedDtype {
                key: key.to_string(),
                dtype: format!("{:?}", src.kind()),
            });
        }
    }
    tch::no_grad(|| -> Result<(), ModelError> {
        for key in &known {
            let mut var = vars[*key].shallow_clone();
            let src = given[key]
                .f_to_kind(var.kind())?
                .f_to_device(var.device())?;
            var.f_copy_(&src)?;
        }
        Ok(())
    })
}

/// Loads a weights file (either format, told apart by content) into `vs`, checking every key,
/// shape and dtype against the variables `vs` holds; `order` gives the order in which missing
/// keys are looked for (the model's key order, e.g. [`crate::STATE_DICT_KEYS`]).
pub fn load_into(vs: &VarStore, path: &Path, order: &[&str]) -> Result<WeightsFormat, ModelError> {
    let (format, tensors) = read_tensors(path)?;
    assign(vs, &tensors, order, &path.display().to_string())?;
    Ok(format)
}

/// Writes the variables of `vs` as safetensors (float32, names = state_dict keys), which
/// Python loads with `safetensors.torch.load_file` and `load_state_dict(strict=True)`.
pub fn save_safetensors(vs: &VarStore, path: &Path) -> Result<(), ModelError> {
    let mut named: Vec<(String, Tensor)> = vs
        .variables()
        .into_iter()
        .map(|(k, v)| Ok((k, v.f_to_device(tch::Device::Cpu)?.f_contiguous()?)))
        .collect::<Result<_, tch::TchError>>()?;
    named.sort_by(|a, b| a.0.cmp(&b.0));
    Tensor::write_safetensors(&named, path).map_err(|e| ModelError::Safetensors {
        path: path.display().to_string(),
        reason: e.to_string(),
    })
}

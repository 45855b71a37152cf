//! Weights into and out of a tch `VarStore`.

use std::collections::BTreeMap;
use std::path::Path;

use tch::nn::VarStore;
use tch::Tensor;

use crate::weights::{check_state_dict, read_tensors, NamedTensor, WeightsFormat};
use crate::ModelError;

/// Copies `tensors` into the variables of `vs`, after checking that the names are exactly the
/// variables' names (the first missing key in `order`, then the first unexpected key in file
/// order, is reported), that each shape matches and each dtype is a float.
pub fn assign(
    vs: &VarStore,
    tensors: &[NamedTensor],
    order: &[&str],
    origin: &str,
) -> Result<(), ModelError> {
    let vars = vs.variables();
    let shape = |k: &str| vars[k].size().iter().map(|&d| d as usize).collect();
    let mut expected: Vec<(&str, Vec<usize>)> = order
        .iter()
        .copied()
        .filter(|k| vars.contains_key(*k))
        .map(|k| (k, shape(k)))
        .collect();
    let mut rest: Vec<&str> = vars
        .keys()
        .map(String::as_str)
        .filter(|k| !order.contains(k))
        .collect();
    rest.sort_unstable();
    expected.extend(rest.into_iter().map(|k| (k, shape(k))));
    check_state_dict(tensors, &expected, origin)?;
    tch::no_grad(|| -> Result<(), ModelError> {
        for t in tensors {
            let mut var = vars[&t.name].shallow_clone();
            let dims: Vec<i64> = t.shape.iter().map(|&d| d as i64).collect();
            let src = Tensor::f_from_slice(&t.values)?
                .f_view(dims.as_slice())?
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
    save_safetensors_with_metadata(vs, &BTreeMap::new(), path)
}

/// [`save_safetensors`] with string metadata in the file's `__metadata__` (the trainer's
/// record of the feature config), read back by [`crate::read_metadata`].
pub fn save_safetensors_with_metadata(
    vs: &VarStore,
    metadata: &BTreeMap<String, String>,
    path: &Path,
) -> Result<(), ModelError> {
    let mut named: Vec<NamedTensor> = vs
        .variables()
        .into_iter()
        .map(|(name, v)| {
            let v = v
                .f_to_device(tch::Device::Cpu)?
                .f_to_kind(tch::Kind::Float)?
                .f_contiguous()?;
            let shape = v.size().iter().map(|&d| d as usize).collect();
            let values = Vec::<f32>::try_from(&v.f_flatten(0, -1)?)?;
            Ok(NamedTensor {
                name,
                dtype: crate::Dtype::F32,
                shape,
                values,
            })
        })
        .collect::<Result<_, tch::TchError>>()?;
    named.sort_by(|a, b| a.name.cmp(&b.name));
    crate::weights::write_safetensors_with_metadata(&named, metadata, path)
}

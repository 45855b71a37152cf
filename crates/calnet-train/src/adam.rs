//! Adam with AMSGrad on tensors, with its state saved and restored exactly.
//!
//! tch's `nn::Adam` keeps its moments inside libtorch where they cannot be saved, so a resumed
//! run would restart them from zero and drift from an uninterrupted one. This is PyTorch's
//! `torch.optim.Adam` single-tensor path (the CPU default) written on tensors, operation for
//! operation: `m.lerp_(g, 1-β1)`, `v = β2 v + (1-β2) g²`, `v̂ = max(v̂, v)`,
//! `p -= lr/(1-β1^t) · m / (sqrt(v̂)/sqrt(1-β2^t) + ε)`, the bias corrections in float64.

use std::path::Path;

use tch::nn::VarStore;
use tch::Tensor;

use crate::error::{Result, TrainError};

/// Adam (optionally AMSGrad) over the trainable variables of a [`VarStore`].
#[derive(Debug)]
pub struct Adam {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the first moment.
    pub beta1: f64,
    /// Decay of the second moment.
    pub beta2: f64,
    /// Added to the denominator.
    pub eps: f64,
    /// Keep the running maximum of the second moment (AMSGrad).
    pub amsgrad: bool,
    /// Steps taken.
    pub step: u64,
    params: Vec<(String, Tensor)>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    vmax: Vec<Tensor>,
}

impl Adam {
    /// PyTorch's defaults (β = (0.9, 0.999), ε = 1e-8) with the given learning rate; the
    /// variables are taken in name order so that the state files are stable.
    ///
    /// ```
    /// use tch::{nn, Device, Kind, Tensor};
    /// let vs = nn::VarStore::new(Device::Cpu);
    /// let w = vs.root().ones("w", &[2]);
    /// let mut opt = calnet_train::Adam::new(&vs, 0.1, true);
    /// opt.zero_grad();
    /// (&w * &w).sum(Kind::Float).backward();
    /// opt.step();
    /// // The first step moves each weight by about lr against its gradient's sign.
    /// assert!((w.double_value(&[0]) - 0.9).abs() < 1e-6);
    /// ```
    pub fn new(vs: &VarStore, lr: f64, amsgrad: bool) -> Self {
        let mut params: Vec<(String, Tensor)> = vs
            .variables()
            .into_iter()
            .filter(|(_, t)| t.requires_grad())
            .collect();
        params.sort_by(|a, b| a.0.cmp(&b.0));
        let zeros = |params: &[(String, Tensor)]| -> Vec<Tensor> {
            params.iter().map(|(_, p)| p.zeros_like()).collect()
        };
        Adam {
            lr,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            amsgrad,
            step: 0,
            m: zeros(&params),
            v: zeros(&params),
            vmax: if amsgrad { zeros(&params) } else { Vec::new() },
            params,
        }
    }

    /// Clears the gradients of every variable.
    pub fn zero_grad(&mut self) {
        for (_, p) in &mut self.params {
            p.zero_grad();
        }
    }

    /// One update from the current gradients (variables without a gradient are left alone).
    pub fn step(&mut self) {
        self.step += 1;
        let t = self.step as i32;
        let bias1 = 1.0 - self.beta1.powi(t);
        let bias2_sqrt = (1.0 - self.beta2.powi(t)).sqrt();
        let step_size = self.lr / bias1;
        tch::no_grad(|| {
            for (i, (_, p)) in self.params.iter_mut().enumerate() {
                let g = p.grad();
                if !g.defined() {
                    continue;
                }
                let _ = self.m[i].lerp_(&g, 1.0 - self.beta1);
                // PyTorch's addcmul/addcdiv kernels compute `self + (value * t1) * t2` and
                // `self + (value * t1) / t2`; tch has no `value`, so fold it into t1 first.
                let _ = self.v[i].g_mul_scalar_(self.beta2);
                let _ = self.v[i].addcmul_(&(&g * (1.0 - self.beta2)), &g);
                let second = if self.amsgrad {
                    let max = self.vmax[i].maximum(&self.v[i]);
                    self.vmax[i].copy_(&max);
                    &self.vmax[i]
                } else {
                    &self.v[i]
                };
                let denom = (second.sqrt() / bias2_sqrt) + self.eps;
                let _ = p.addcdiv_(&(&self.m[i] * -step_size), &denom);
            }
        });
    }

    /// The moment tensors, named `m.<var>`, `v.<var>` (and `vmax.<var>`), on the CPU.
    pub fn state_tensors(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::new();
        for (i, (name, _)) in self.params.iter().enumerate() {
            out.push((format!("m.{name}"), self.m[i].to_device(tch::Device::Cpu)));
            out.push((format!("v.{name}"), self.v[i].to_device(tch::Device::Cpu)));
            if self.amsgrad {
                out.push((
                    format!("vmax.{name}"),
                    self.vmax[i].to_device(tch::Device::Cpu),
                ));
            }
        }
        out
    }

    /// Writes the moments to a safetensors file (the step count is the caller's to keep).
    pub fn save(&self, path: &Path) -> Result<()> {
        Tensor::write_safetensors(&self.state_tensors(), path).map_err(|e| TrainError::Checkpoint {
            path: path.to_owned(),
            reason: e.to_string(),
        })
    }

    /// Restores moments written by [`Adam::save`] and sets the step count; every variable's
    /// moments must be present with its shape.
    pub fn load(&mut self, path: &Path, step: u64) -> Result<()> {
        let names: Vec<&String> = self.params.iter().map(|(name, _)| name).collect();
        let mut targets: Vec<(String, &mut Tensor)> = Vec::new();
        let mut slots = vec![("m", &mut self.m), ("v", &mut self.v)];
        if self.amsgrad {
            slots.push(("vmax", &mut self.vmax));
        }
        for (kind, moments) in slots {
            for (name, t) in names.iter().zip(moments.iter_mut()) {
                targets.push((format!("{kind}.{name}"), t));
            }
        }
        crate::train::copy_from_safetensors(path, targets)?;
        self.step = step;
        Ok(())
    }
}

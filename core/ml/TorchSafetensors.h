#pragma once
// Bridge between LibTorch tensors / module state dicts and lf::SafetensorsContents. Model files
// are only ever safetensors (never torch::load / pickle / TorchScript), so loading a model can
// not execute anything, and every tensor is checked against what the module expects.
#include "core/formats/Safetensors.h"

#include <torch/torch.h>

#include <set>
#include <string>

namespace lf::ml {

// Copies a tensor into a record (contiguous, CPU). storeAsF16 converts floating tensors to F16.
TensorRecord tensorToRecord(const std::string& name, const torch::Tensor& tensor,
                            bool storeAsF16 = false);
// A CPU tensor owning a copy of the record's data, in the record's dtype.
torch::Tensor recordToTensor(const TensorRecord& record);

// Appends every parameter and buffer of `module` as `prefix + name`.
void appendStateDict(SafetensorsContents& contents, const torch::nn::Module& module,
                     const std::string& prefix = {}, bool storeAsF16 = false);

// Copies tensors named `prefix + name` into every parameter and buffer of `module`. Strict:
// throws lf::Error naming `what` (usually the file) and the tensor when one is missing, has
// another shape, or has a dtype that does not convert losslessly in kind (floating tensors
// accept F32/F16/BF16/F64, integer ones need their exact dtype), and when the file holds a
// tensor under `prefix` that the module does not have (other than the names in `extras`, e.g.
// the latent PCA tensors stored next to the network). Nothing is modified unless all pass.
void loadStateDict(torch::nn::Module& module, const SafetensorsContents& contents,
                   const std::string& what, const std::string& prefix = {},
                   const std::set<std::string>& extras = {});

}  // namespace lf::ml

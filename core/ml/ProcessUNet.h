#pragma once
// The denoising network of the process diffusion model (internal to core/ml: includes torch).
// A small UNet without attention on 64x64 RGB:
//   conv_in -> per level: ResBlocks, skip, stride-2 conv -> mid: 2 ResBlocks ->
//   per level (reversed): concat skip, ResBlocks, nearest x2 + conv -> GroupNorm, SiLU, conv_out
// Every ResBlock is modulated (FiLM: h = GN(h) * (1 + scale) + shift) by
//   emb = SiLU(timeMLP(sinusoid(t)) + conditionMLP(u)),
// where u are the five normalised process parameters; rows whose condition is dropped (mask 0)
// use a learned null embedding instead (classifier-free guidance).
// tests/bench/process_unet_reference.py mirrors this module name by name.
#include "core/ml/ProcessDiffusionConfig.h"

#include <torch/torch.h>

namespace lf::ml {

struct ProcessResBlockImpl : torch::nn::Module {
    ProcessResBlockImpl(int in, int out, int embedding, int groups);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& emb);

    torch::nn::GroupNorm norm1{nullptr}, norm2{nullptr};
    torch::nn::Conv2d conv1{nullptr}, conv2{nullptr}, skip{nullptr};  // skip: only when in != out
    torch::nn::Linear embProj{nullptr};
    int out = 0;
};
TORCH_MODULE(ProcessResBlock);

struct ProcessUNetImpl : torch::nn::Module {
    explicit ProcessUNetImpl(const ProcessDiffusionConfig& config);
    // x [B,3,H,W]; t [B] timesteps (any dtype); condition [B,5] normalised; conditionMask [B]
    // (1 = use the condition, 0 = null condition). Returns the prediction [B,3,H,W].
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& t,
                          const torch::Tensor& condition, const torch::Tensor& conditionMask);

    ProcessDiffusionConfig config;
    torch::nn::Linear timeFc1{nullptr}, timeFc2{nullptr}, condFc1{nullptr}, condFc2{nullptr};
    torch::Tensor nullEmbedding;
    torch::nn::Conv2d convIn{nullptr}, convOut{nullptr};
    torch::nn::ModuleList downBlocks, downsamples, upBlocks, upsamples;
    ProcessResBlock mid1{nullptr}, mid2{nullptr};
    torch::nn::GroupNorm outNorm{nullptr};
};
TORCH_MODULE(ProcessUNet);

// Sinusoidal timestep features [B, size]: first half sin(t f_i), second half cos(t f_i),
// f_i = exp(-ln(10000) i / (size/2)).
torch::Tensor timestepFeatures(const torch::Tensor& t, int size);

}  // namespace lf::ml

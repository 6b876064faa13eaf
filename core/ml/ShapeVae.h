#pragma once
// The shape VAE over truncated signed-distance grids, as LibTorch modules.
//
// Encoder: [B,1,R,R,R] -> stride-2 Conv3d(k4) + LeakyReLU down to 4^3 -> Linear -> (mu, logvar).
// Decoder: z -> Linear -> [C0,4,4,4] -> ConvTranspose3d(k4,s2) + LeakyReLU up to (R/2)^3 features,
//   then two heads on those features:
//     coarse = Conv3d(k3, ->1)                        an (R/2)^3 SDF, used while dragging
//     fine   = shuffle3d(Conv3d(k3, ->8)) + up2(coarse) an R^3 SDF: each coarse voxel predicts
//              its 2x2x2 children as a residual over the trilinearly upsampled coarse grid.
// The fine head costs about as much as the coarse one (no convolution runs at R^3), which is
// what makes decoding at 64^3 interactive and training at 64^3 affordable on a 2-core CPU.
//
// Budget (measured 2026-11-21 on the 2-core build machine while 4 other builds ran, load 2-7,
// so absolute numbers are pessimistic; re-measure with tests/bench/bench_shapetrain and
// bench_shapedecode on an idle machine before a long run):
//   default R=64, L=128, encoder {12,24,48,96}, decoder {96,48,24,12}, 3.1 M parameters,
//   ~0.85 GFLOP forward per shape, ~2.5 GFLOP per training sample (fwd+bwd).
//   Training: 140-190 ms per shape at load 6-7; the same-run Python calibration of a comparable
//   net ran 3.8x faster at load 2, i.e. ~40-50 ms per shape, so 3000 shapes x 25 epochs (the
//   trainer's default) ~ 50-65 min on 2 idle cores.
//   Decode (batch 1, OMP_WAIT_POLICY=PASSIVE): coarse 32^3 p50 8-17 ms, fine 64^3 p50 30-48 ms;
//   flying edges + normals add 0.3 ms (32^3) / 1-9 ms (64^3). Interactive p95 < 30 ms at 32^3.
#include "core/ml/ShapeVaeConfig.h"

#include <torch/torch.h>

namespace lf::ml {

struct ShapeEncoderImpl : torch::nn::Module {
    explicit ShapeEncoderImpl(const ShapeVaeConfig& config);
    // grid: [B,1,R,R,R] float. Returns {mu, logvar}, each [B,L].
    std::pair<torch::Tensor, torch::Tensor> forward(torch::Tensor grid);

    std::vector<torch::nn::Conv3d> convs;
    torch::nn::Linear head{nullptr};
};
TORCH_MODULE(ShapeEncoder);

struct ShapeDecoderImpl : torch::nn::Module {
    explicit ShapeDecoderImpl(const ShapeVaeConfig& config);
    // z: [B,L]. Fine SDF [B,1,R,R,R].
    torch::Tensor forward(torch::Tensor z);
    // Coarse SDF [B,1,R/2,R/2,R/2] only (skips the fine head).
    torch::Tensor forwardCoarse(torch::Tensor z);
    // Both heads from one pass: {coarse, fine}.
    std::pair<torch::Tensor, torch::Tensor> forwardBoth(torch::Tensor z);

    torch::Tensor features(torch::Tensor z);
    torch::Tensor fineFrom(const torch::Tensor& features, const torch::Tensor& coarse);

    int bottleneckChannels;
    torch::nn::Linear project{nullptr};
    std::vector<torch::nn::ConvTranspose3d> ups;
    torch::nn::Conv3d coarseHead{nullptr};
    torch::nn::Conv3d fineHead{nullptr};
};
TORCH_MODULE(ShapeDecoder);

struct ShapeVaeImpl : torch::nn::Module {
    explicit ShapeVaeImpl(const ShapeVaeConfig& config);

    ShapeVaeConfig config;
    ShapeEncoder encoder{nullptr};
    ShapeDecoder decoder{nullptr};
};
TORCH_MODULE(ShapeVae);

// Rearranges [B,8,D,H,W] into [B,1,2D,2H,2W]: channel 4i+2j+k becomes offset (i,j,k).
torch::Tensor shuffle3d(const torch::Tensor& x);

}  // namespace lf::ml

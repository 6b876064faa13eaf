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
// Batches run each ConvTranspose3d as its sub-pixel Conv3d and both heads as one Conv3d: the same
// values, in forms LibTorch runs faster on the CPU (ShapeVae.cpp says by how much).
//
// Budget (tests/bench/bench_shapetrain and bench_shapedecode, 2026-11-28, idle 2-core machine):
//   default R=64, L=128, encoder {8,16,32,64}, decoder {64,32,16,8}: 0.15 GFLOP encoder +
//   0.25 GFLOP decoder forward per shape, ~1.2 GFLOP per training sample (fwd+bwd).
//   Training step, batch 32, 2 threads: p50 1.07 s (33 ms/shape, 21% of a same-run matmul's
//   FLOP/s); the same network run as its modules' own forwards: 1.54 s. `train shape-vae` reaches
//   22 shapes/s (it also gathers batches and weights its loss): 34 epochs of 2850 shapes in 72 min.
//   Decode (batch 1, one torch thread): coarse 32^3 p50 8 ms, fine 64^3 p50 18 ms / p95 18.4 ms;
//   flying edges + normals of a real shape add 0.3 ms (32^3) and 1-2 ms (64^3): the interactive
//   path stays well under p95 100 ms.
#include "core/formats/Safetensors.h"
#include "core/ml/ShapeVaeConfig.h"

#include <torch/torch.h>

#include <string>

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
    // The fine SDF from the fine head's output [B,8,R/2,R/2,R/2] and the coarse SDF.
    torch::Tensor fineFrom(const torch::Tensor& fineResidual, const torch::Tensor& coarse);

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

// Loads a package's network tensors into `vae` (strict, see loadStateDict), skipping the latent
// PCA and the latent prior stored beside them; errors name `what`.
void loadShapeVaeWeights(ShapeVae& vae, const SafetensorsContents& weights, const std::string& what);

// L1 weighted 1 + nearWeight where |target| < band (the zero level set is what gets meshed).
torch::Tensor nearSurfaceWeightedL1(const torch::Tensor& prediction, const torch::Tensor& target, double band,
                                    double nearWeight);
// The fine grid's reconstruction loss, in training and in ShapeModel's latent refinement: the
// band is two voxels of the grid ([-1,1] cube over target.size(2) cells).
torch::Tensor fineReconstructionLoss(const torch::Tensor& fine, const torch::Tensor& target, double nearWeight);

// Rearranges [B,8C,D,H,W] into [B,C,2D,2H,2W]: channel 8c+4i+2j+k becomes offset (i,j,k) of c.
torch::Tensor shuffle3d(const torch::Tensor& x);

}  // namespace lf::ml

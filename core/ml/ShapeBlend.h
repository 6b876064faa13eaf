#pragma once
// The shape trainer's blend objective (ShapeVaeTrainer.h, blendWeight): what the decoder is taught
// to show between two codes of different families. A decoder trained on the data alone fades both
// shapes out between them, and a mug blended into a flange falls apart in two (docs/SHAPES.md,
// "Blends"); these targets keep both shapes' material instead.
#include <torch/torch.h>

namespace lf::ml {

// Batched slerp of codes a, b [P,L] at t [P]: LatentMath's slerp row by row (lerp where a row's
// codes are parallel or zero), so that training blends the way the app interpolates.
torch::Tensor slerpRows(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& t);

// The blend of SDF grids a, b [P,1,R,R,R] at t [P]: their lerp, deepened by
// unionAmount * (1 - |2t - 1|) * |a - b| / 2. At t = 0 and 1 it is the shape itself; at t = 0.5
// it is the voxel average with unionAmount 0 and the union min(a, b) with unionAmount 1.
torch::Tensor blendTarget(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& t,
                          double unionAmount);

}  // namespace lf::ml

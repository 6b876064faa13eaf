#pragma once
// The shape dataset's "sdf" tensor (see core/procedural/ShapeDataset.h) as one torch tensor,
// kept in float16 without a copy so a few thousand 64^3 grids fit in memory; batches are
// converted to float32 as they are drawn.
#include <torch/torch.h>

#include <filesystem>
#include <vector>

namespace lf::ml {

struct SdfDatasetTensor {
    torch::Tensor sdf;  // [N,1,R,R,R] float16 (or float32 when the file stores F32), CPU
    int resolution = 0;
    float truncation = 0;  // from metadata; else max |sdf|
    // Family index (into shapeFamilies()) per shape, from the "family" tensor; empty when absent.
    std::vector<int> family;
    std::int64_t count() const { return sdf.size(0); }
};

// Throws lf::Error naming the file when it is unreadable, has no "sdf" tensor, or the tensor is
// not a floating [N,R,R,R] cube.
SdfDatasetTensor loadSdfDataset(const std::filesystem::path& file);

}  // namespace lf::ml

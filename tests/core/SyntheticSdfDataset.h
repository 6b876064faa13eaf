#pragma once
// Tiny synthetic shape datasets for the ML tests: random spheres and boxes as truncated SDF
// grids in the generate-shapes layout ("sdf" F16 [N,R,R,R], cell-centred over [-1,1]^3).
#include "core/formats/Safetensors.h"
#include "core/ml/TorchSafetensors.h"

#include <torch/torch.h>

#include <filesystem>

namespace lf::test {

inline torch::Tensor syntheticSdf(int count, int resolution, float truncation, std::uint64_t seed) {
    auto gen = at::detail::createCPUGenerator(seed);
    const auto coords = (torch::arange(resolution, torch::kFloat32) + 0.5) * (2.0 / resolution) - 1.0;
    const auto grids = torch::meshgrid({coords, coords, coords}, "ij");  // z, y, x
    const auto& zz = grids[0];
    const auto& yy = grids[1];
    const auto& xx = grids[2];
    std::vector<torch::Tensor> shapes;
    for (int i = 0; i < count; ++i) {
        const auto c = torch::rand({3}, gen) * 0.6 - 0.3;
        const auto size = torch::rand({3}, gen) * 0.4 + 0.3;
        const auto dx = xx - c[0].item<float>(), dy = yy - c[1].item<float>(), dz = zz - c[2].item<float>();
        torch::Tensor d;
        if (i % 2 == 0) {
            d = torch::sqrt(dx * dx + dy * dy + dz * dz) - size[0].item<float>();
        } else {  // box
            const auto qx = dx.abs() - size[0].item<float>(), qy = dy.abs() - size[1].item<float>(),
                       qz = dz.abs() - size[2].item<float>();
            const auto outside = torch::sqrt(qx.clamp_min(0).pow(2) + qy.clamp_min(0).pow(2) + qz.clamp_min(0).pow(2));
            d = outside + torch::max(qx, torch::max(qy, qz)).clamp_max(0);
        }
        shapes.push_back(d.clamp(-truncation, truncation));
    }
    return torch::stack(shapes);
}

inline void writeSyntheticDataset(const std::filesystem::path& file, int count, int resolution,
                                  float truncation = 0.25f, std::uint64_t seed = 7) {
    SafetensorsContents contents;
    contents.metadata["format"] = "latentforge-shape-dataset";
    contents.metadata["truncation"] = std::to_string(truncation);
    contents.tensors.push_back(ml::tensorToRecord("sdf", syntheticSdf(count, resolution, truncation, seed),
                                                  /*storeAsF16=*/true));
    writeSafetensors(file, contents);
}

}  // namespace lf::test

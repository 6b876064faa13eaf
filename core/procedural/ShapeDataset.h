#pragma once
// The shape training set: N procedural shapes across the families, as one safetensors file.
//
// Tensors (row i is shape i):
//   sdf         F16 [N, R, R, R]  truncated SDF grid, [z][y][x], cell-centred over [-1,1]^3
//   family      I64 [N]           index into shapeFamilies() (names in metadata "families")
//   params      F32 [N, P]        the family's parameters in table order, zero-padded to the
//                                 largest family's count P
//   param_count I32 [N]           how many of the P columns belong to the family
//   seed        I64 [N]           the seed that sample() turned into the parameters
// Metadata: format "latentforge-shape-dataset", format_version "1", count, resolution,
// truncation, dataset_seed, grid_layout, margin, families (JSON array of names) and
// parameters (JSON object: family -> [parameter names]).
#include "core/formats/Safetensors.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace lf {

struct ShapeDatasetOptions {
    int count = 1000;
    int resolution = 64;
    float truncation = 0.1f;  // normalised units: 3.2 voxels at 64^3
    std::uint64_t seed = 1;
    std::vector<std::string> families;  // empty: all, in registry order
    int threads = 2;
};

// Shape i uses family families[i % families.size()] (balanced classes) and its own seed derived
// from (seed, i) with SplitMix64, so any one shape can be regenerated alone.
std::uint64_t shapeSeed(std::uint64_t datasetSeed, int index);

// Builds the contents; `progress(done, total)` is called after each shape when given.
// Throws lf::Error on invalid options (count < 1, unknown family, bad resolution/truncation).
SafetensorsContents makeShapeDataset(const ShapeDatasetOptions& options,
                                     const std::function<void(int, int)>& progress = {});

// Reading back (e.g. to show a training example): checks that `dataset` has an F16 "sdf" tensor
// [N, R, R, R] and a "truncation" metadata entry; throws lf::Error naming what is wrong.
int shapeDatasetCount(const SafetensorsContents& dataset);
struct SdfGrid;
SdfGrid shapeDatasetGrid(const SafetensorsContents& dataset, int index);
// Index into shapeFamilies() of shape `index`; throws lf::Error for a missing/ill-shaped
// "family" tensor or an index out of range.
int shapeDatasetFamily(const SafetensorsContents& dataset, int index);
// The name of that family ("mug").
std::string shapeDatasetFamilyName(const SafetensorsContents& dataset, int index);

}  // namespace lf

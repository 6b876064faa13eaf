#pragma once
// The process-image training set: N simulator images with their process parameters, as one
// safetensors file for the conditional diffusion model.
//
// Tensors (row i is sample i):
//   images            U8  [N, H, W, 3]  RGB, HWC
//   params            F32 [N, 5]        physical values (units in metadata), ProcessParameter order
//   params_normalised F32 [N, 5]        the same mapped to [-1, 1] (the model's condition)
//   severities        F32 [N, 8]        DefectModel severities, Effect order (for analysis)
//   seed              I64 [N]           nuisance seed of the sample (bit pattern of a uint64)
// Metadata: format "latentforge-process-dataset", format_version "1", count, width, height,
// dataset_seed, material, parameters (JSON array of {name, unit, min, max}), effects (JSON
// array of names).
#include "core/formats/Safetensors.h"
#include "core/process/ProcessParameters.h"

#include <cstdint>
#include <filesystem>
#include <functional>

namespace lf::process {

struct ProcessDatasetOptions {
    int count = 1000;
    int width = 64;
    int height = 64;
    std::uint64_t seed = 1;
    int threads = 2;
};

// Sample i: parameters uniform over the training ranges and a nuisance seed, both derived from
// (seed, i) with SplitMix64, so any one sample can be regenerated alone.
std::uint64_t processSampleSeed(std::uint64_t datasetSeed, int index);
ProcessParameters processSampleParameters(std::uint64_t datasetSeed, int index);

// Renders the samples on `threads` std::threads. `progress(done, total)` is called from the
// calling thread. Throws lf::Error on invalid options.
SafetensorsContents makeProcessDataset(const ProcessDatasetOptions& options,
                                       const std::function<void(int, int)>& progress = {});
// makeProcessDataset + writeSafetensors (atomic).
void writeProcessDataset(const std::filesystem::path& file, const ProcessDatasetOptions& options,
                         const std::function<void(int, int)>& progress = {});

}  // namespace lf::process

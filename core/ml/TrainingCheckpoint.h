#pragma once
// Plumbing shared by the trainers (internal to core/ml: torch): device choice, exact numbers in
// checkpoint metadata, Adam moments in a safetensors checkpoint, run fingerprints, package ids.
// Used by ShapeVaeTrainer and ProcessDiffusionTrainer; the formats ("adam.exp_avg.<param>",
// "adam.exp_avg_sq.<param>", metadata "adam_step", hexadecimal floats) are those of their
// checkpoint files, so changing them here breaks resuming existing runs.
#include "core/formats/Safetensors.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace lf::ml {

std::uint64_t splitMix64(std::uint64_t x);
// Fisher-Yates with our own index draw (std::shuffle's algorithm is implementation-defined).
void shuffleIndices(std::vector<std::int64_t>& v, std::mt19937_64& rng);
// `rows` in the order of epoch `epoch` of a run seeded with `seed` (the same on every resume).
std::vector<std::int64_t> epochOrder(const std::vector<std::int64_t>& rows, std::uint64_t seed,
                                     std::int64_t epoch);

// Throughput and time left, from this session's steps (so a resumed run is not skewed).
struct TrainingPace {
    double itemsPerSecond = 0;
    double etaSeconds = 0;
};
TrainingPace trainingPace(double sessionSeconds, std::int64_t sessionSteps, std::int64_t batch,
                          std::int64_t stepsLeft);

// Throws lf::Error ("--resume: ...") when a checkpoint's `step` is past this run's `totalSteps`.
void checkResumeStep(std::int64_t step, std::int64_t totalSteps, int epochs);

// After step `step`: stop now (--stop-after reached before the end), and write a checkpoint
// (every `checkpointEverySteps` steps, else at each epoch's end; always when stopping or done).
struct CheckpointDue {
    bool stopNow = false;
    bool write = false;
};
CheckpointDue checkpointDue(std::int64_t step, std::int64_t totalSteps, bool epochEnd,
                            std::int64_t checkpointEverySteps, std::int64_t stopAfterSteps);

// Doubles as hexadecimal floats, so resumed runs see bit-identical values.
std::string exactNumber(double v);
double parseExactNumber(const std::string& s, const std::string& what);

// "cpu", "cuda", "cuda:N". Throws lf::Error naming `flag` when unknown or unavailable.
torch::Device chooseTrainingDevice(const std::string& name, const std::string& flag = "--device");

// Appends Adam's first/second moments of every parameter of `module` that has state.
void appendAdamState(SafetensorsContents& contents, const torch::nn::Module& module,
                     torch::optim::Adam& adam);
// Restores them (moved to `device`); throws lf::Error naming `what` on missing/misshapen moments.
void loadAdamState(const SafetensorsContents& contents, const torch::nn::Module& module,
                   torch::optim::Adam& adam, const torch::Device& device, const std::string& what);

// Reads a checkpoint and checks its "format" metadata and that its "run" fingerprint equals
// `fingerprint` key by key. Throws lf::Error ("--resume: ...") otherwise.
SafetensorsContents readCheckpointFile(const std::filesystem::path& file, const std::string& format,
                                       const nlohmann::json& fingerprint);
const std::string& checkpointMetadata(const SafetensorsContents& contents, const std::string& key,
                                      const std::string& what);

// The model id for a package folder: `explicitId`, else the folder's name with characters
// outside [A-Za-z0-9._-] replaced by '-', else `fallback`.
std::string packageIdFor(const std::filesystem::path& outDir, const std::string& explicitId,
                         const std::string& fallback);

}  // namespace lf::ml

#pragma once
// Hyper-parameters of the process-conditional diffusion model (torch-free, so model.json
// handling, the trainer's interface and the app never include LibTorch).
//
// Design: pixel-space DDPM on 64x64 RGB (values 2p - 1). The simulator's effects are small and
// local (1-2 px weld notches, fins, streaks), which a latent autoencoder small enough to train
// on 2 CPU cores would blur away, and a 64x64 UNet without attention is cheap enough
// (see docs/PROCESS_DIFFUSION.md for the measured step times and the training estimate).
// Network: ProcessUNet (core/ml/ProcessUNet.h); v-prediction; cosine schedule.
#include "core/ml/NoiseSchedule.h"
#include "core/process/ProcessParameters.h"

#include <nlohmann/json_fwd.hpp>

#include <array>
#include <string>
#include <vector>

namespace lf::ml {

// Weights-file metadata holding ProcessDiffusionConfig::toJson() (the file describes itself).
inline constexpr const char* kProcessDiffusionArchitectureKey = "process_diffusion.architecture";

struct ProcessDiffusionConfig {
    int imageSize = 64;          // square RGB images, a multiple of 2^(levels-1)
    int baseChannels = 32;       // channels of the full-resolution level
    std::vector<int> channelMultipliers = {1, 2, 2, 4};  // per level; each level halves the size
    int resBlocksPerLevel = 1;   // ResBlocks per level on the way down (up: the same, after the skip)
    int embeddingSize = 128;     // timestep + condition embedding width
    int groups = 8;              // GroupNorm groups (every level's channels divisible by it)
    int conditionSize = static_cast<int>(process::kParameterCount);
    NoiseSchedule schedule = NoiseSchedule::cosine(1000);
    // "v" (v = sqrt(abar) eps - sqrt(1 - abar) x0: well scaled at both ends of the schedule,
    // and its x0 estimate is a stable preview) or "eps".
    std::string prediction = "v";

    int levels() const { return static_cast<int>(channelMultipliers.size()); }
    int channels(int level) const { return baseChannels * channelMultipliers.at(static_cast<std::size_t>(level)); }
    // Throws lf::Error naming the bad field.
    void validate() const;
    nlohmann::json toJson() const;
    static ProcessDiffusionConfig fromJson(const nlohmann::json& json);
};

// Parameter points held out of training (every sample within kHeldOutRadius of one, in the
// L-infinity norm of normalised units, is dropped from the training set), so that the
// evaluation can test the model at conditions it has never seen.
inline constexpr double kHeldOutRadius = 0.2;
const std::vector<std::array<double, process::kParameterCount>>& heldOutNormalisedPoints();
bool nearHeldOutPoint(const std::array<double, process::kParameterCount>& normalised,
                      double radius = kHeldOutRadius);

// The parameters block of model.json: names, units, training ranges and normalisation.
nlohmann::json processParametersJson();

}  // namespace lf::ml

#pragma once
// Trains the process-conditional diffusion model (ProcessDiffusionConfig, DiffusionSampler.h)
// on simulator images and writes a model package. Torch-free interface (CLI, later a GUI job).
//
// Data: a process dataset file (core/process/ProcessDataset.h) or `count` images rendered by
// the simulator at start-up (seeded by `dataSeed`). Samples within kHeldOutRadius of a held-out
// point are dropped (the evaluation tests there). Loss: MSE on v (or eps) at a uniform random
// timestep; the condition is replaced by the learned null embedding with probability
// `conditionDropout` (classifier-free guidance). The package holds an exponential moving
// average of the weights (decay emaDecay), which samples markedly cleaner than the raw weights.
//
// Determinism: torch::manual_seed(seed) initialises the network; epoch e's shuffle comes from
// mt19937_64(seed, e); step s's timesteps, noise and dropout from a CPU generator seeded from
// (seed, s). A checkpoint (weights, EMA, Adam moments, step) resumes to the same weights as an
// uninterrupted run on the same device and thread count.
#include "core/ml/ProcessDiffusionConfig.h"
#include "core/ml/TrainingProgress.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lf::ml {

struct ProcessDiffusionTrainingOptions {
    std::filesystem::path dataset;  // empty: render `count` images with the simulator
    int count = 20000;
    std::uint64_t dataSeed = 1;
    std::filesystem::path outDir;
    int epochs = 20;
    int batchSize = 32;
    double learningRate = 5e-4;
    int lrDecayEpochs = 0;  // > 0: cosine-decay the LR over the last N epochs (TrainingCheckpoint.h)
    std::uint64_t seed = 1;
    std::string device = "cpu";
    int imageSize = 64;                   // rendered/required image size (tests use 32)
    int baseChannels = 32;
    std::vector<int> channelMultipliers;  // empty: the config default
    int resBlocksPerLevel = 1;
    double conditionDropout = 0.1;
    double emaDecay = 0.999;
    std::int64_t checkpointEverySteps = 0;  // 0: every epoch
    std::int64_t stopAfterSteps = 0;        // > 0: checkpoint and return after this many steps
    bool resume = false;
    int threads = 0;  // torch CPU threads; 0: all cores
    std::string modelId;
    std::string commandLine;
};

struct ProcessDiffusionProgress : TrainingProgress {
    enum class Phase { Data, Step, EpochEnd, Checkpoint, Finished };
    Phase phase = Phase::Step;
    int imagesDone = 0, imagesTotal = 0;  // Data phase
};

struct ProcessDiffusionTrainingResult {
    bool finished = false;
    std::filesystem::path checkpoint, package;
    std::int64_t steps = 0;
    double seconds = 0;
    double trainLoss = 0;  // mean over the last epoch
    double lossFirstEpoch = 0;
    int trainingImages = 0, droppedNearHeldOut = 0;
    ProcessDiffusionConfig config;
};

inline constexpr const char* kProcessCheckpointFileName = "checkpoint.safetensors";

ProcessDiffusionTrainingResult trainProcessDiffusion(
    const ProcessDiffusionTrainingOptions& options,
    const std::function<void(const ProcessDiffusionProgress&)>& progress = {});

}  // namespace lf::ml

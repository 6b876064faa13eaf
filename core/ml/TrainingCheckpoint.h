#pragma once
// Plumbing shared by the trainers (internal to core/ml: torch): device choice, exact numbers in
// checkpoint metadata, Adam moments in a safetensors checkpoint, run fingerprints, package ids.
// Used by ShapeVaeTrainer and ProcessDiffusionTrainer; the formats ("adam.exp_avg.<param>",
// "adam.exp_avg_sq.<param>", metadata "adam_step", hexadecimal floats) are those of their
// checkpoint files, so changing them here breaks resuming existing runs.
#include "core/formats/Safetensors.h"
#include "core/ml/TrainingProgress.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
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

// A run's wall time over its sessions, and the stamp every progress report gets. Started with
// the trainer; `resumed` says where the checkpoint left off. The pace counts this session's steps
// and time only, so a resumed run's rate and ETA are not skewed by the earlier sessions.
class TrainingClock {
public:
    // `sessionStart`: when the trainer started (so loading data counts as time spent).
    TrainingClock(std::chrono::steady_clock::time_point sessionStart, std::int64_t batch,
                  std::int64_t totalSteps, int epochs);
    // `earlierSessions`: checkpointSessions() of the checkpoint resumed from.
    void resumed(std::int64_t step, double earlierSeconds,
                 nlohmann::json earlierSessions = nlohmann::json::array());
    double runSeconds() const;  // earlier sessions + this one
    // The run's sessions up to `step`: the earlier ones, then this one as {"command_line",
    // "from_step", "to_step", "seconds"}. Checkpoints store it (kSessionsMetadataKey) and packages
    // as "training_sessions", so a package says how its run was resumed, and that a re-write at
    // the end (--resume with no steps left) ran no steps; duration_seconds is about their sum.
    nlohmann::json sessions(std::int64_t step, const std::string& commandLine) const;
    // Sets epochs, step, totalSteps, elapsedSeconds, itemsPerSecond and etaSeconds.
    void stamp(TrainingProgress& p, std::int64_t step) const;

private:
    double sessionSeconds() const;
    std::chrono::steady_clock::time_point start_;
    std::int64_t batch_, totalSteps_;
    int epochs_;
    std::int64_t firstStep_ = 0;
    double earlierSeconds_ = 0;
    nlohmann::json earlierSessions_ = nlohmann::json::array();
};

inline constexpr const char* kSessionsMetadataKey = "sessions";
// The sessions a checkpoint records; one that predates them (no key) gives one session of
// unknown command from step 0 to `step` over `seconds`. Throws lf::Error naming `what` when the
// key holds something other than a JSON array of objects.
nlohmann::json checkpointSessions(const SafetensorsContents& checkpoint, std::int64_t step, double seconds,
                                  const std::string& what);

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

// Learning rate of step `step` (0-based): `base` until the last `decayEpochs` epochs, then a
// half-cosine down to `base * floorFraction` at the final step. Constant-then-decay (not cosine
// over the whole run) so that a run can be extended with --resume --epochs N --lr-decay-epochs K
// and match a fresh run of that command: the steps before the decay window never depend on N.
double scheduledLearningRate(double base, std::int64_t step, std::int64_t stepsPerEpoch, int epochs,
                             int decayEpochs, double floorFraction = 0.02);
void setLearningRate(torch::optim::Adam& adam, double lr);
// Throws lf::Error unless 0 <= decayEpochs <= epochs.
void checkLearningRateDecay(int decayEpochs, int epochs);

// Doubles as hexadecimal floats, so resumed runs see bit-identical values.
std::string exactNumber(double v);
double parseExactNumber(const std::string& s, const std::string& what);

// "cpu", "cuda", "cuda:N". Throws lf::Error naming `flag` when unknown or unavailable.
torch::Device chooseTrainingDevice(const std::string& name, const std::string& flag = "--device");

// Sets the process up for a training run:
// - torch's CPU threads: `requestedThreads` when > 0, else every core (Debian's libgomp may
//   otherwise leave torch on one thread);
// - glibc keeps freed memory for reuse instead of handing every block over 32 MB back to the
//   kernel. A shape VAE step frees and reallocates dozens of 33 MB activations; returning and
//   re-zeroing their pages took a third of each step in the kernel (train shape-vae: 14.1 -> 21.7
//   shapes/s, system time 14.8 -> 3.0 s over 11 steps). The price is that the process keeps its
//   peak footprint until it exits, which a training run reaches anyway; only the CLI trains.
void setUpTrainingProcess(int requestedThreads);

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
// An exact number that older checkpoints may lack: `fallback` when absent.
double optionalCheckpointNumber(const SafetensorsContents& contents, const std::string& key, double fallback,
                                const std::string& what);

// The model id for a package folder: `explicitId`, else the folder's name with characters
// outside [A-Za-z0-9._-] replaced by '-', else `fallback`.
std::string packageIdFor(const std::filesystem::path& outDir, const std::string& explicitId,
                         const std::string& fallback);

}  // namespace lf::ml

#pragma once
// Trains the shape VAE (core/ml/ShapeVae.h) on a generate-shapes dataset and writes a model
// package. Torch-free interface so the CLI (and a future GUI job) can drive it.
//
// Loss per shape: recon + beta * KL, where
//   recon = mean_v w_v |fine_v - x_v| + 0.5 * mean_v w'_v |coarse_v - avgpool2(x)_v|
//     on the truncated SDF (values already clamped to +-truncation by the dataset), with
//     w = 1 + nearSurfaceWeight where |x| < 2 voxels (the zero level set is what gets meshed);
//   KL = -0.5 * sum_l (1 + logvar - mu^2 - exp(logvar)), averaged over the batch;
//   beta ramps linearly from 0 to klWeight over the first klWarmupEpochs epochs, so the
//     decoder learns shapes before the prior pulls the codes together (avoids collapse).
// With blendWeight > 0 each step adds blendWeight * blend, where blend is the same recon loss
// of decoded slerp blends between pairs of the batch from different families, against a blend
// of their grids that keeps both shapes' material (core/ml/ShapeBlend.h, docs/SHAPES.md
// "Blends"): a decoder trained on data alone fades both shapes out between families and the
// blend falls apart.
//
// Determinism: torch::manual_seed(seed) before building the model; the held-out split and each
// epoch's shuffle come from mt19937_64 seeded from (seed, epoch); the reparameterisation noise
// of step s comes from a CPU generator seeded from (seed, s). A checkpoint therefore only needs
// weights, Adam moments and the step counter, and resuming gives the same weights as an
// uninterrupted run (same device and thread count).
#include "core/ml/ShapeVaeConfig.h"
#include "core/ml/TrainingProgress.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace lf::ml {

struct ShapeVaeTrainingOptions {
    std::filesystem::path dataset;  // generate-shapes .safetensors
    std::filesystem::path outDir;   // checkpoint.safetensors, then model.json + weights.safetensors
    int epochs = 20;  // ~30-80 min for 3000 shapes at 64^3 on 2 idle cores (see ShapeVae.h)
    int batchSize = 32;
    double learningRate = 1e-3;
    int lrDecayEpochs = 0;  // > 0: cosine-decay the LR over the last N epochs (TrainingCheckpoint.h)
    std::uint64_t seed = 1;
    std::string device = "cpu";  // "cpu", "cuda" or "cuda:N"
    int latentSize = 128;
    int gridResolution = 0;            // 0: the dataset's resolution
    std::vector<int> encoderWidths;    // empty: ShapeVaeConfig::defaults
    std::vector<int> decoderWidths;    // empty: ShapeVaeConfig::defaults
    std::int64_t checkpointEverySteps = 0;  // 0: at the end of every epoch
    double heldOutFraction = 0.05;
    double klWeight = 2e-4;
    double klWarmupEpochs = 5;
    double nearSurfaceWeight = 4;
    double blendWeight = 0;  // 0: no blend objective
    // How much of both shapes' material the blend target keeps at t = 0.5: 0 the grids' voxel
    // average, 1 their union min(a, b) (docs/SHAPES.md, "Blends", for what 0.85 did).
    double blendUnion = 0.85;
    int pcaComponents = 16;
    bool resume = false;                // continue from outDir/checkpoint.safetensors
    // Fine-tuning: a shape-vae package whose network (as stored) starts the run instead of a
    // random initialisation. Its architecture is used (latentSize, gridResolution and the widths
    // above are ignored); Adam starts fresh and the schedule, KL warm-up and blend objective are
    // this run's. model.json records the package under "fine_tuned_from" (id, weights SHA-256,
    // its command and training time), and a checkpoint resumes only with the same package.
    std::filesystem::path initFrom;
    std::int64_t stopAfterSteps = 0;    // > 0: checkpoint and return after this many steps
    int threads = 0;                    // torch CPU threads; 0: all cores
    std::string modelId;                // empty: outDir's folder name
    std::string commandLine;            // recorded in model.json
};

struct ShapeVaeProgress : TrainingProgress {
    // Packaging: the steps are done; the package (latent PCA, family prior, typical shapes) is
    // being written, which takes a minute or two on the full set.
    enum class Phase { Step, EpochEnd, Checkpoint, Packaging, Finished };
    Phase phase = Phase::Step;
    double recon = 0, kl = 0, beta = 0;  // last step, or epoch means at EpochEnd
    double blend = 0;                    // blend loss (0 with blendWeight 0), likewise
    double heldOutL1 = -1;               // EpochEnd with a held-out set
};

struct ShapeVaeTrainingResult {
    bool finished = false;  // false when stopped by stopAfterSteps
    std::filesystem::path checkpoint;
    std::filesystem::path package;  // outDir when finished
    std::int64_t steps = 0;
    double seconds = 0;  // over all sessions of this run
    double trainLoss = 0, trainRecon = 0, trainKl = 0, trainBlend = 0;  // means over the last epoch
    double heldOutL1 = -1;
    ShapeVaeConfig config;
};

inline constexpr const char* kCheckpointFileName = "checkpoint.safetensors";

// Throws lf::Error for unreadable datasets, bad options, CUDA requested but unavailable, a
// checkpoint that does not match the options on resume, and an initFrom package that does not
// load as a shape VAE.
ShapeVaeTrainingResult trainShapeVae(const ShapeVaeTrainingOptions& options,
                                     const std::function<void(const ShapeVaeProgress&)>& progress = {});

// Each family's typical shape (LatentPrior::Component::typical), as the trainer stores it in
// every package it writes, for a package made before: its network, as stored, encodes its
// training split of `dataset` (the split the manifest's seed and held-out fraction name); the
// family's code nearest its prior mean picks the shape, which is then encoded as `encode` does
// it (refined). The prior's means and covariances are kept, so seeds name the same designs;
// weights and their SHA-256 are rewritten, the rest of model.json is kept (plus
// "typical_shapes": the rows and the rule). Throws lf::Error for a package that is not a shape
// VAE with a latent prior or does not record its held-out fraction, or a dataset without family
// labels or with another number of shapes than the package was trained on.
void storeTypicalShapes(const std::filesystem::path& package, const std::filesystem::path& dataset);

}  // namespace lf::ml

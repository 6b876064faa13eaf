#pragma once
// Fidelity evaluation of a process diffusion package against the simulator (torch-free API):
//   * per effect, Spearman's rho between the simulator's severity at a parameter point and the
//     effect measured (core/process/EffectMeasures.h) on generated images there, over a grid of
//     random points plus the held-out points; the same rho on simulator images is the ceiling;
//   * per effect, the MAE between measured effects on generated and on simulator images at the
//     held-out points (never seen in training), also divided by the simulator's spread;
//   * same-seed reproducibility (max pixel difference of two identical requests);
//   * DDIM (default 20 steps) vs DDPM (1000 steps, eta 1): time per image and their fidelity.
#include "core/ml/ProcessSampling.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lf::ml {

class ProcessModel;

struct ProcessEvalOptions {
    // Random points in the training box (plus the held-out points). 120, not fewer: one model's
    // Spearman over 24 points (56 images) differed from its value over 120 (248 images) by up
    // to 0.26 (flash), enough to misrank two checkpoints.
    int gridPoints = 120;
    int seedsPerPoint = 2;   // images per point (measures are averaged)
    std::optional<ProcessSampling> sampling;  // unset: the model's samplingDefaults()
    std::uint64_t seed = 7;  // grid points and image seeds
    int ddpmPoints = 1;      // points for the DDPM-1000 comparison (0: skip it, it is slow on CPU)
    // When set: filled with every point's parameters, severities and measures as CSV text (the
    // caller writes it, after storing the metrics, so a bad path cannot cost the evaluation).
    std::string* pointsCsv = nullptr;
    std::function<void(const std::string&)> log;  // progress lines
};

// Returns the metrics object ({"spearman": {...}, "held_out_mae": {...}, ...}).
nlohmann::json evaluateProcessModel(const ProcessModel& model, const ProcessEvalOptions& options);

// The bar for every effect's rho.
inline constexpr double kFidelityTarget = 0.9;

// One effect's fidelity as a package's stored evaluation records it, so the app can say which
// effects the model's images follow and which to treat with caution.
struct EffectFidelity {
    std::string effect;                              // "flash"
    double rho = 0;                                  // generated images against the severity
    std::optional<std::pair<double, double>> interval;  // 95 % bootstrap, when recorded
    std::optional<double> simulatorRho;              // the ceiling, when recorded
};
struct StoredFidelity {
    std::vector<EffectFidelity> effects;  // in effectInfos() order; empty: nothing stored
    int points = 0;                       // grid + held-out points the figures are over
    std::optional<int> simulatorRevision;  // the simulator they were measured against (not recorded: nullopt)
};
// Reads metrics.evaluation as evaluateProcessModel() wrote it; effects without a number are left
// out (an evaluation that could not rank them). Torch-free.
StoredFidelity storedFidelity(const nlohmann::json& metrics);

}  // namespace lf::ml

#pragma once
// A trained shape VAE package (model.json + weights.safetensors) ready for interactive use:
// encode an SDF grid to a latent, decode a latent to an SDF grid. No torch in this header.
//
// Decoding at coarseResolution() runs the decoder's cheap coarse head only (for dragging a
// slider); at gridResolution() the fine head (on release); other resolutions resample the fine
// grid trilinearly (smooth, but no detail beyond gridResolution()).
//
// Threads: decode runs under c10::InferenceMode created in the calling thread (the guard is
// thread-local), encode under NoGradGuard (its refinement differentiates through the decoder,
// with respect to the latent only), so calls may come from any worker thread, also
// concurrently: the module is in eval mode and is never modified after load(). The thread pool is process-wide, see
// setInferenceThreads().
#include "core/ml/LatentMath.h"
#include "core/ml/LatentPrior.h"
#include "core/ml/ShapeVaeConfig.h"
#include "core/model/ModelManifest.h"
#include "core/procedural/SdfGrid.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace lf::ml {

// Gradient steps on an encoded latent (see ShapeModel::encode). Chosen on shapes-default over 16
// held-out shapes: IoU 0.819 from the encoder alone, 0.893 after 100 steps at rate 0.03, 0.897 at
// 0.1, 0.899 after 200 steps at 0.1 (about 60-80 ms a step on the 2-core CPU); over the eval's 200
// held-out shapes the default gives 0.901 against the encoder's 0.868 (shipped 42-epoch package).
struct LatentRefinement {
    int steps = 0;
    double learningRate = 0.1;
};
// What `encode`, the GUI and the evaluation use. (A soft-IoU term added to the loss, weight 0.05
// at a half-voxel temperature, lowered IoU over 40 held-out shapes, 0.885 -> 0.879: the decoded
// zero level is unbiased, IoU peaks at level 0 and falls 0.01-0.02 per 1/8 voxel either way, so
// what is left is the decoder's sub-voxel accuracy on thin walls, not the objective.)
inline constexpr LatentRefinement kDefaultRefinement{100, 0.1};

// Called before each refinement step with the steps done so far and the total (and once more
// with done == total); return false to stop: encode then throws lf::Cancelled.
using RefinementProgress = std::function<bool(int done, int steps)>;

class ShapeModel {
public:
    // Throws lf::Error (naming the file) for a missing/corrupt package, a package of another
    // kind, or weights that do not match the architecture in model.json.
    static ShapeModel load(const std::filesystem::path& packageDirectory);

    ShapeModel(ShapeModel&&) noexcept;
    ShapeModel& operator=(ShapeModel&&) noexcept;
    ~ShapeModel();

    const ModelManifest& manifest() const;
    const ShapeVaeConfig& config() const;
    int latentSize() const;
    int gridResolution() const;
    int coarseResolution() const;
    float truncation() const;
    // Empty (count() == 0) when the package has no latent PCA.
    const LatentDirections& directions() const;
    // Empty when the package has none (then seeds come from N(0, I), see seededLatent).
    const LatentPrior& prior() const;

    // The posterior mean of `grid` (resampled to gridResolution() when it differs; values
    // clamped to the model's truncation), then, with refinement.steps > 0, that many Adam steps
    // on the latent alone (the network is not touched) against the decoder's reconstruction
    // error of `grid` (the training loss, fine grid): the encoder's one-shot guess is only the
    // start. Returns the latent of the lowest error seen. Throws lf::Error for an empty or
    // inconsistent grid or a negative step count, lf::Cancelled when `progress` returns false.
    // With `encoderGuess`, also the one-shot posterior mean the refinement started from.
    Latent encode(const SdfGrid& grid, const LatentRefinement& refinement = {},
                  const RefinementProgress& progress = {}, Latent* encoderGuess = nullptr) const;
    // Throws lf::Error when z has the wrong size or non-finite values, or resolution is outside
    // 8..512. Deterministic: the same z gives the same grid.
    SdfGrid decode(const Latent& z, int resolution) const;

private:
    struct Impl;
    explicit ShapeModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// The shape a seed names everywhere (GUI seed box, CLI `sample`, evaluation): samplePrior(seed,
// psi) of the model's latent prior; for packages without one, sampleLatent(seed) truncated by psi
// towards the mean latent (zero without PCA).
Latent seededLatent(const ShapeModel& model, std::uint64_t seed, double psi);

// Threads for decoding (GUI worker and CLI): 1. Measured with tests/bench/bench_shapedecode (slider-to-
// mesh, better of two rounds alternating 1 and 2 threads, OMP_WAIT_POLICY=PASSIVE) on the idle
// 2-core machine: 1 thread coarse 32^3 p50 7.5 ms vs 7.9-8.0 ms with 2, full 64^3 28 vs 28.6 ms;
// with one core busy they were equal; without PASSIVE, 2 threads were 2-4x slower. The small 3D
// convolutions do not scale to a second core, and leaving it free lets the GUI thread render
// the view while the worker decodes. (An earlier measurement on a machine loaded by other
// builds had favoured 2 threads, 12 vs 16 ms; it did not repeat.)
inline constexpr int kInferenceThreads = 1;

// Sets torch's intra-op threads and, when LibTorch runs on OpenBLAS, OpenBLAS's own threads
// (1, because torch already parallelises around its BLAS calls: letting both spawn threads
// oversubscribes a small CPU). Process-wide; call once at start-up.
void setInferenceThreads(int torchThreads);

}  // namespace lf::ml

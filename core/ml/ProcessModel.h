#pragma once
// A trained process diffusion package (model.json + weights.safetensors) ready for what-if
// sampling: process parameters + seeds in, RGB images + metadata out. No torch in this header.
//
// Threads: sample() runs under c10::InferenceMode created in the calling thread (the guard is
// thread-local), so it may be called from a worker thread; the network is in eval mode and is
// not modified after load(), so concurrent calls are safe.
#include "core/ml/ProcessDiffusionConfig.h"
#include "core/ml/ProcessSampling.h"
#include "core/model/ModelManifest.h"
#include "core/process/ProcessSimulator.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace lf::ml {

struct ProcessSampleRequest {
    process::ProcessParameters parameters;
    std::vector<std::uint64_t> seeds = {1};  // one image per seed (ProcessSampleProgress: batches)
    ProcessSampling sampling;  // request: the model's samplingDefaults(), then the user's changes
    bool previews = false; // pass x0 estimates to the progress callback
};

struct ProcessSampleMetadata {
    std::string modelId, weightsSha256;
    process::ProcessParameters parameters;
    std::uint64_t seed = 0;
    int steps = 0;
    double guidance = 0, eta = 0;
    std::string sampler = "ddim";
    std::string device, precision;
    double elapsedSeconds = 0;  // of the batch it was sampled in (the image alone on the CPU)
    // Out-of-range warnings ("melt temperature 320 C is above ... by 0.40 normalised units").
    std::vector<std::string> warnings;
    nlohmann::json toJson() const;  // parameters by name with units
};

// On the CPU a request's images are sampled one after the other (faster per image there, and
// the first is ready after one image's time), on a GPU as one batch; `step` counts the steps of
// all of them.
struct ProcessSampleProgress {
    int step = 0;   // steps done, 1..steps
    int steps = 0;  // sampling steps x the number of batches (1 on a GPU, one per seed on the CPU)
    // x0 estimates after this step of the images in progress (only when the request asked for
    // previews): the current image on the CPU, every seed on a GPU.
    const std::vector<process::ImageU8>* previews = nullptr;
    // On the last step of a batch: its finished images, the request's images from index
    // firstFinished on, with their metadata (the result repeats them).
    int firstFinished = -1;
    const std::vector<process::ImageU8>* finished = nullptr;
    const std::vector<ProcessSampleMetadata>* finishedMetadata = nullptr;
};

// Return false to cancel.
using ProcessSampleCallback = std::function<bool(const ProcessSampleProgress&)>;

struct ProcessSampleResult {
    bool cancelled = false;
    int stepsDone = 0;
    std::vector<process::ImageU8> images;         // one per seed; empty when cancelled
    std::vector<ProcessSampleMetadata> metadata;  // one per image
    std::vector<process::RangeViolation> outOfRange;
    double elapsedSeconds = 0;
};

class ProcessModel {
public:
    // device: "auto" (CUDA when torch::cuda::is_available(), else CPU), "cpu", "cuda", "cuda:N".
    // Throws lf::Error naming the file for a missing/corrupt package, a package of another kind,
    // weights that do not match the architecture, or an unavailable device.
    static ProcessModel load(const std::filesystem::path& packageDirectory, const std::string& device = "auto");

    ProcessModel(ProcessModel&&) noexcept;
    ProcessModel& operator=(ProcessModel&&) noexcept;
    ~ProcessModel();

    const ModelManifest& manifest() const;
    const ProcessDiffusionConfig& config() const;
    std::string deviceName() const;  // "cpu" or "cuda:0"
    std::string precision() const;   // "fp32"
    // The package's "sampling_defaults" (checked at load), or ProcessSampling{} when it has none.
    const ProcessSampling& samplingDefaults() const;
    // The simulator revision whose images trained the model ("simulator_revision" in model.json,
    // checked at load), or nullopt when the package does not know it. Its fidelity against this
    // build's simulator means what it says only when this equals process::kSimulatorRevision.
    std::optional<int> simulatorRevision() const;

    // Throws lf::Error for bad steps/guidance/eta, no seeds or non-finite parameters.
    // Out-of-range parameters are sampled (the model extrapolates) and listed in the result.
    ProcessSampleResult sample(const ProcessSampleRequest& request, const ProcessSampleCallback& progress = {},
                               const std::atomic<bool>* cancel = nullptr) const;

private:
    struct Impl;
    explicit ProcessModel(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

// [-1,1] CHW float tensor data of one image -> 8-bit RGB (HWC). Exposed for the tests/bench.
process::ImageU8 imageFromSigned(const float* chw, int size);

}  // namespace lf::ml

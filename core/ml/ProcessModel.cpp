#include "core/ml/ProcessModel.h"

#include "core/ml/DiffusionSampler.h"
#include "core/ml/TorchSafetensors.h"
#include "core/ml/TrainingCheckpoint.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <chrono>
#include <cmath>

namespace lf::ml {
namespace {

std::vector<process::ImageU8> toImages(const torch::Tensor& x) {
    const auto cpu = x.detach().to(torch::kCPU).to(torch::kFloat32).contiguous();
    const int size = int(cpu.size(2));
    std::vector<process::ImageU8> images;
    for (std::int64_t i = 0; i < cpu.size(0); ++i) {
        images.push_back(imageFromSigned(cpu.data_ptr<float>() + i * 3 * size * size, size));
    }
    return images;
}

}  // namespace

process::ImageU8 imageFromSigned(const float* chw, int size) {
    process::ImageU8 image;
    image.width = image.height = size;
    image.pixels.resize(std::size_t(size) * size * 3);
    const std::size_t plane = std::size_t(size) * size;
    for (std::size_t p = 0; p < plane; ++p) {
        for (std::size_t c = 0; c < 3; ++c) {
            const float v = (std::clamp(chw[c * plane + p], -1.0f, 1.0f) + 1.0f) * 127.5f;
            image.pixels[p * 3 + c] = static_cast<std::uint8_t>(std::lround(v));
        }
    }
    return image;
}

nlohmann::json ProcessSampleMetadata::toJson() const {
    nlohmann::json params = nlohmann::json::object();
    for (const auto& spec : process::parameterSpecs()) {
        params[std::string(spec.name)] = {{"value", parameters.get(spec.parameter)}, {"unit", spec.unit}};
    }
    return {{"model_id", modelId},   {"weights_sha256", weightsSha256}, {"parameters", params},
            {"seed", seed},          {"sampler", sampler},              {"steps", steps},
            {"guidance", guidance},  {"eta", eta},                      {"device", device},
            {"precision", precision}, {"elapsed_seconds", elapsedSeconds}, {"warnings", warnings}};
}

struct ProcessModel::Impl {
    ModelManifest manifest;
    ProcessDiffusionConfig config;
    ProcessSampling samplingDefaults;
    std::optional<int> simulatorRevision;
    torch::Device device{torch::kCPU};
    ProcessUNet net{nullptr};
};

ProcessModel::ProcessModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ProcessModel::ProcessModel(ProcessModel&&) noexcept = default;
ProcessModel& ProcessModel::operator=(ProcessModel&&) noexcept = default;
ProcessModel::~ProcessModel() = default;

ProcessModel ProcessModel::load(const std::filesystem::path& directory, const std::string& device) {
    ModelPackage package = loadModelPackage(directory);
    const std::string what = (directory / package.manifest.weights.file).string();
    auto impl = std::make_unique<Impl>();
    impl->manifest = std::move(package.manifest);
    if (impl->manifest.kind != ModelKind::ProcessDiffusion) {
        throw Error((directory / kManifestFileName).string() + ": kind is " + modelKindName(impl->manifest.kind) +
                    ", not process-diffusion");
    }
    impl->config = ProcessDiffusionConfig::fromJson(impl->manifest.architecture);
    if (const auto found = impl->manifest.extras.find("sampling_defaults"); found != impl->manifest.extras.end()) {
        impl->samplingDefaults = ProcessSampling::fromJson(*found, impl->config.schedule.steps(),
                                                           (directory / kManifestFileName).string() + ": sampling_defaults");
    }
    if (const auto found = impl->manifest.extras.find("simulator_revision");
        found != impl->manifest.extras.end() && !found->is_null()) {
        impl->simulatorRevision = nonNegativeIntOf(*found);
        if (!impl->simulatorRevision)
            throw Error((directory / kManifestFileName).string() +
                        ": simulator_revision must be a non-negative integer or null");
    }
    if (device == "auto") impl->device = torch::cuda::is_available() ? torch::Device(torch::kCUDA, 0) : torch::Device(torch::kCPU);
    else impl->device = chooseTrainingDevice(device);
    torch::NoGradGuard noGrad;
    impl->net = ProcessUNet(impl->config);
    loadStateDict(*impl->net, package.weights, what);
    impl->net->to(impl->device);
    impl->net->eval();
    return ProcessModel(std::move(impl));
}

const ModelManifest& ProcessModel::manifest() const { return impl_->manifest; }
const ProcessDiffusionConfig& ProcessModel::config() const { return impl_->config; }
std::string ProcessModel::deviceName() const { return impl_->device.str(); }
std::string ProcessModel::precision() const { return "fp32"; }
const ProcessSampling& ProcessModel::samplingDefaults() const { return impl_->samplingDefaults; }
std::optional<int> ProcessModel::simulatorRevision() const { return impl_->simulatorRevision; }

ProcessSampleResult ProcessModel::sample(const ProcessSampleRequest& request, const ProcessSampleCallback& progress,
                                         const std::atomic<bool>* cancel) const {
    const auto start = std::chrono::steady_clock::now();
    c10::InferenceMode inferenceMode;  // thread-local: must be created in the calling thread
    if (request.seeds.empty()) throw Error("what-if sampling: no seeds given");
    if (request.seeds.size() > 256) throw Error("what-if sampling: at most 256 seeds per request");
    const auto normalised = process::normalise(request.parameters);
    for (std::size_t i = 0; i < normalised.size(); ++i) {
        if (!std::isfinite(normalised[i])) {
            throw Error("what-if sampling: " + std::string(process::parameterSpecs()[i].name) + " is not a finite number");
        }
    }
    ProcessSampleResult result;
    result.outOfRange = process::findOutOfRange(request.parameters);
    std::vector<std::string> warnings;
    for (const auto& v : result.outOfRange) warnings.push_back(v.describe());
    const ProcessSampling& sampling = request.sampling;
    auto metadataOf = [&](std::uint64_t seed, double seconds) {
        ProcessSampleMetadata m;
        m.modelId = impl_->manifest.id;
        m.weightsSha256 = impl_->manifest.weights.sha256;
        m.parameters = request.parameters;
        m.seed = seed;
        m.steps = sampling.steps;
        m.guidance = sampling.guidance;
        m.eta = sampling.eta;
        m.sampler = sampling.eta == 1.0 && sampling.steps == impl_->config.schedule.steps() ? "ddpm" : "ddim";
        m.device = deviceName();
        m.precision = precision();
        m.elapsedSeconds = seconds;
        m.warnings = warnings;
        return m;
    };

    // One image at a time on the CPU, where that is faster per image than a batch (0.60 against
    // 0.73 s, tests/bench/bench_diffusion.cpp) and shows the first image after one image's time;
    // one batch on a GPU. An image depends only on its seed either way (DiffusionSampler.h).
    const bool oneAtATime = impl_->device.is_cpu();
    const std::size_t n = request.seeds.size();
    const std::size_t perBatch = oneAtATime ? 1 : n;
    const int steps = sampling.steps;
    std::vector<float> row(normalised.begin(), normalised.end());
    std::vector<process::ImageU8> previews;
    for (std::size_t first = 0; first < n; first += perBatch) {
        const auto batchStart = std::chrono::steady_clock::now();
        const std::vector<std::uint64_t> seeds(request.seeds.begin() + std::ptrdiff_t(first),
                                               request.seeds.begin() + std::ptrdiff_t(first + perBatch));
        const auto b = std::int64_t(seeds.size());
        const auto condition = torch::tensor(row).view({1, 5}).expand({b, 5}).contiguous().to(impl_->device);
        const int stepsBefore = int(first / perBatch) * steps;
        std::vector<process::ImageU8> batchImages;
        std::vector<ProcessSampleMetadata> batchMetadata;
        ProcessSampleProgress last;  // the batch's last step, reported with its finished images
        const auto ddim = ddimSample(
            impl_->net, condition, seeds, sampling,
            [&](int done, int, const torch::Tensor* x0) {
                if (!progress) return true;
                ProcessSampleProgress p;
                p.step = stepsBefore + done;
                p.steps = int(n / perBatch) * steps;
                if (x0) {
                    previews = toImages(*x0);
                    p.previews = &previews;
                }
                if (done < steps) return progress(p);
                last = p;  // reported once the batch's images exist
                return true;
            },
            request.previews, cancel);
        result.stepsDone = stepsBefore + ddim.stepsDone;
        bool cancelled = ddim.cancelled;
        if (!cancelled) {
            const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - batchStart).count();
            batchImages = toImages(ddim.images);
            for (std::size_t i = 0; i < seeds.size(); ++i) batchMetadata.push_back(metadataOf(seeds[i], seconds));
            if (progress) {
                last.firstFinished = int(first);
                last.finished = &batchImages;
                last.finishedMetadata = &batchMetadata;
                cancelled = !progress(last) || (cancel && cancel->load());
            }
        }
        if (cancelled) {  // a cancelled request returns no images, even those handed over
            result.cancelled = true;
            result.images.clear();
            result.metadata.clear();
            break;
        }
        result.images.insert(result.images.end(), batchImages.begin(), batchImages.end());
        result.metadata.insert(result.metadata.end(), batchMetadata.begin(), batchMetadata.end());
    }
    result.elapsedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace lf::ml

#include "core/ml/ShapeModel.h"

#include "core/ml/ShapeVae.h"
#include "core/ml/ShapeVaeTrainer.h"
#include "core/ml/TorchSafetensors.h"
#include "core/util/Error.h"

#include <torch/torch.h>

#include <dlfcn.h>

#include <cmath>
#include <limits>

namespace lf::ml {
namespace {

namespace F = torch::nn::functional;

torch::Tensor resample(const torch::Tensor& x, int resolution) {
    const auto from = x.size(2);
    if (from == resolution) return x;
    if (from > resolution && from % resolution == 0) {
        return F::avg_pool3d(x, F::AvgPool3dFuncOptions(from / resolution));
    }
    return F::interpolate(x, F::InterpolateFuncOptions()
                                 .size(std::vector<std::int64_t>{resolution, resolution, resolution})
                                 .mode(torch::kTrilinear)
                                 .align_corners(false));
}

std::vector<float> floats(const TensorRecord& record) {
    const auto t = recordToTensor(record).to(torch::kFloat32).contiguous();
    return {t.data_ptr<float>(), t.data_ptr<float>() + t.numel()};
}

torch::Tensor refineLatent(ShapeDecoder& decoder, double nearSurfaceWeight, const torch::Tensor& start,
                           const torch::Tensor& target, const LatentRefinement& refinement,
                           const RefinementProgress& progress) {
    // Adam on z only, written out: torch::optim would also need the network's gradients, and
    // torch::autograd::grad with inputs = {z} computes no weight gradients at all.
    constexpr double kBeta1 = 0.9, kBeta2 = 0.999, kEpsilon = 1e-8;
    auto z = start.detach().clone().requires_grad_(true);
    auto m = torch::zeros_like(z), v = torch::zeros_like(z);
    torch::Tensor best = z.detach().clone();
    double bestLoss = std::numeric_limits<double>::infinity();
    for (int k = 1; k <= refinement.steps + 1; ++k) {
        if (progress && !progress(k - 1, refinement.steps)) throw Cancelled("encode: cancelled");
        const auto loss = fineReconstructionLoss(decoder->forward(z), target, nearSurfaceWeight);
        const double value = loss.item<double>();
        if (value < bestLoss) {
            bestLoss = value;
            best = z.detach().clone();
        }
        if (k > refinement.steps) break;  // the last step's result is scored, not moved
        const auto g = torch::autograd::grad({loss}, {z})[0];
        torch::NoGradGuard noGrad;
        m.mul_(kBeta1).add_(g, 1 - kBeta1);
        v.mul_(kBeta2).addcmul_(g, g, 1 - kBeta2);
        const auto step = (m / (1 - std::pow(kBeta1, k))) / ((v / (1 - std::pow(kBeta2, k))).sqrt() + kEpsilon);
        z.sub_(refinement.learningRate * step);
    }
    return best;
}

}  // namespace

struct ShapeModel::Impl {
    ModelManifest manifest;
    ShapeVaeConfig config;
    float truncation = 0;
    LatentDirections directions;
    LatentPrior prior;
    ShapeVae vae{nullptr};
    // Of the training loss (manifest), used by the refinement; packages that do not record it
    // were trained with the trainer's default.
    double nearSurfaceWeight = ShapeVaeTrainingOptions{}.nearSurfaceWeight;
};

ShapeModel::ShapeModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ShapeModel::ShapeModel(ShapeModel&&) noexcept = default;
ShapeModel& ShapeModel::operator=(ShapeModel&&) noexcept = default;
ShapeModel::~ShapeModel() = default;

ShapeModel ShapeModel::load(const std::filesystem::path& directory) {
    ModelPackage package = loadModelPackage(directory);
    const std::string what = (directory / package.manifest.weights.file).string();
    auto impl = std::make_unique<Impl>();
    impl->manifest = std::move(package.manifest);
    if (impl->manifest.kind != ModelKind::ShapeVae) {
        throw Error((directory / kManifestFileName).string() + ": kind is " +
                    modelKindName(impl->manifest.kind) + ", not shape-vae");
    }
    try {
        impl->config = ShapeVaeConfig::fromJson(impl->manifest.architecture);
    } catch (const Error& e) {
        throw Error((directory / kManifestFileName).string() + ": architecture: " + e.what());
    }
    if (impl->config.latentSize != impl->manifest.latentSize ||
        impl->config.gridResolution != impl->manifest.gridResolution.value_or(-1)) {
        throw Error((directory / kManifestFileName).string() +
                    ": latent_size/grid_resolution disagree with the architecture");
    }
    const auto& weights = package.weights;
    const auto truncation = weights.metadata.find(kTruncationMetadataKey);
    if (truncation == weights.metadata.end()) {
        throw Error(what + ": metadata \"" + kTruncationMetadataKey + "\" is missing");
    }
    try {
        impl->truncation = std::stof(truncation->second);
    } catch (const std::exception&) {
        impl->truncation = 0;
    }
    if (!(impl->truncation > 0) || !std::isfinite(impl->truncation)) {
        throw Error(what + ": metadata \"" + kTruncationMetadataKey + "\" is not a positive number");
    }

    const int l = impl->config.latentSize;
    const auto* mean = weights.find(kLatentMeanTensor);
    const auto* dirs = weights.find(kLatentDirectionsTensor);
    const auto* sigma = weights.find(kLatentSigmaTensor);
    if (mean || dirs || sigma) {
        if (!mean || !dirs || !sigma) {
            throw Error(what + ": latent PCA is incomplete (needs latent_pca.mean, .directions, .stddev)");
        }
        const bool shapesOk = mean->shape == std::vector<std::int64_t>{l} && dirs->shape.size() == 2 &&
                              dirs->shape[1] == l && sigma->shape == std::vector<std::int64_t>{dirs->shape[0]};
        if (!shapesOk) throw Error(what + ": latent PCA tensors have inconsistent shapes");
        impl->directions.mean = floats(*mean);
        impl->directions.directions = floats(*dirs);
        impl->directions.sigma = floats(*sigma);
    }

    impl->prior = readLatentPrior(weights, l, what);
    const auto hyper = impl->manifest.extras.find("training_hyperparameters");
    if (hyper != impl->manifest.extras.end() && hyper->is_object() && hyper->contains("near_surface_weight") &&
        (*hyper)["near_surface_weight"].is_number()) {
        impl->nearSurfaceWeight = (*hyper)["near_surface_weight"].get<double>();
    }

    impl->vae = ShapeVae(impl->config);
    loadShapeVaeWeights(impl->vae, weights, what);
    impl->vae->eval();
    return ShapeModel(std::move(impl));
}

const ModelManifest& ShapeModel::manifest() const { return impl_->manifest; }
const ShapeVaeConfig& ShapeModel::config() const { return impl_->config; }
int ShapeModel::latentSize() const { return impl_->config.latentSize; }
int ShapeModel::gridResolution() const { return impl_->config.gridResolution; }
int ShapeModel::coarseResolution() const { return impl_->config.coarseResolution(); }
float ShapeModel::truncation() const { return impl_->truncation; }
const LatentDirections& ShapeModel::directions() const { return impl_->directions; }
const LatentPrior& ShapeModel::prior() const { return impl_->prior; }

Latent ShapeModel::encode(const SdfGrid& grid, const LatentRefinement& refinement,
                          const RefinementProgress& progress, Latent* encoderGuess) const {
    const std::int64_t r = grid.resolution;
    if (r < 2 || grid.values.size() != std::size_t(r * r * r)) {
        throw Error("encode: SDF grid has " + std::to_string(grid.values.size()) +
                    " values for resolution " + std::to_string(r));
    }
    if (refinement.steps < 0 || !(refinement.learningRate > 0)) {
        throw Error("encode: refinement needs steps >= 0 and a positive learning rate");
    }
    // Not InferenceMode: the refinement differentiates through the decoder with `target`.
    torch::Tensor target, z;
    {
        torch::NoGradGuard noGrad;
        auto x = torch::from_blob(const_cast<float*>(grid.values.data()), {1, 1, r, r, r}, torch::kFloat32);
        target = resample(x, impl_->config.gridResolution).clamp(-impl_->truncation, impl_->truncation);
        z = impl_->vae->encoder->forward(target).first.contiguous();
    }
    if (encoderGuess) encoderGuess->assign(z.data_ptr<float>(), z.data_ptr<float>() + z.numel());
    if (refinement.steps > 0) {
        z = refineLatent(impl_->vae->decoder, impl_->nearSurfaceWeight, z, target, refinement, progress);
    } else if (progress && !progress(0, 0)) {
        throw Cancelled("encode: cancelled");
    }
    z = z.contiguous();
    return {z.data_ptr<float>(), z.data_ptr<float>() + z.numel()};
}

SdfGrid ShapeModel::decode(const Latent& z, int resolution) const {
    if (static_cast<int>(z.size()) != latentSize()) {
        throw Error("decode: latent has " + std::to_string(z.size()) + " values, the model needs " +
                    std::to_string(latentSize()));
    }
    for (const float v : z) {
        if (!std::isfinite(v)) throw Error("decode: latent holds a non-finite value");
    }
    if (resolution < 8 || resolution > 512) {
        throw Error("decode: resolution " + std::to_string(resolution) + " is outside 8..512");
    }
    c10::InferenceMode guard;
    const auto zt = torch::from_blob(const_cast<float*>(z.data()), {1, latentSize()}, torch::kFloat32);
    torch::Tensor out;
    if (resolution == coarseResolution()) {
        out = impl_->vae->decoder->forwardCoarse(zt);
    } else {
        out = resample(impl_->vae->decoder->forward(zt), resolution);
    }
    out = out.clamp(-impl_->truncation, impl_->truncation).contiguous();
    SdfGrid grid;
    grid.resolution = resolution;
    grid.truncation = impl_->truncation;
    grid.values.assign(out.data_ptr<float>(), out.data_ptr<float>() + out.numel());
    return grid;
}

void setInferenceThreads(int torchThreads) {
    torch::set_num_threads(std::max(1, torchThreads));
    // Looked up at run time: present only when the process runs on OpenBLAS.
    using SetThreads = void (*)(int);
    if (auto* set = reinterpret_cast<SetThreads>(dlsym(RTLD_DEFAULT, "openblas_set_num_threads"))) {
        set(1);
    }
}

Latent seededLatent(const ShapeModel& model, std::uint64_t seed, double psi) {
    if (!model.prior().empty()) return samplePrior(model.prior(), seed, psi).latent;
    const Latent z = sampleLatent(seed, model.latentSize());
    if (psi == 1.0) return z;
    const auto& mean = model.directions().mean;
    const Latent centre = mean.size() == z.size() ? mean : Latent(z.size(), 0.0f);
    return truncate(z, centre, psi);
}

}  // namespace lf::ml

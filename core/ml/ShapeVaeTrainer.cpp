#include "core/ml/ShapeVaeTrainer.h"

#include "core/formats/Safetensors.h"
#include "core/ml/LatentPrior.h"
#include "core/ml/SdfDatasetTensor.h"
#include "core/ml/ShapeBlend.h"
#include "core/ml/ShapeModel.h"
#include "core/ml/ShapeVae.h"
#include "core/ml/TrainingCheckpoint.h"
#include "core/ml/TorchSafetensors.h"
#include "core/model/ModelManifest.h"
#include "core/procedural/SdfGrid.h"
#include "core/procedural/ShapeFamily.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>
#include <random>

namespace lf::ml {
namespace {

namespace F = torch::nn::functional;

constexpr const char* kCheckpointFormat = "latentforge-shape-vae-checkpoint";

struct Split {
    std::vector<std::int64_t> train, heldOut;
};

Split splitDataset(std::int64_t count, double heldOutFraction, std::uint64_t seed) {
    std::vector<std::int64_t> all(static_cast<std::size_t>(count));
    std::iota(all.begin(), all.end(), 0);
    std::mt19937_64 rng(splitMix64(seed ^ 0x5eed5eedull));
    shuffleIndices(all, rng);
    std::int64_t held = static_cast<std::int64_t>(std::llround(heldOutFraction * double(count)));
    if (heldOutFraction > 0 && held == 0 && count >= 2) held = 1;
    held = std::min(held, count - 1);
    Split split;
    split.heldOut.assign(all.begin(), all.begin() + held);
    split.train.assign(all.begin() + held, all.end());
    std::sort(split.heldOut.begin(), split.heldOut.end());
    std::sort(split.train.begin(), split.train.end());
    return split;
}

struct Losses {
    torch::Tensor total, recon, kl, blend;
};

// The blend objective's pairs of one batch: (first[k], second[k]) at slerp position t[k].
struct BlendPairs {
    torch::Tensor first, second, t;  // int64 [P], int64 [P], float32 [P] on the batch's device
    bool empty() const { return !first.defined(); }  // no pair in the batch, or the objective is off
};

// Pairs (i, i + B/2) of a batch whose families differ (every pair for an unlabelled set: the
// blends within a family already hold together, the shuffle makes the pairs random), each at a
// t drawn uniformly from [0.2, 0.8] - the strip's inner steps, where the endpoints' own
// reconstruction does not reach.
BlendPairs blendPairs(const std::vector<std::int64_t>& rows, const std::vector<int>& family,
                      at::Generator& generator, const torch::Device& device) {
    std::vector<std::int64_t> first, second;
    const std::size_t half = rows.size() / 2;
    for (std::size_t i = 0; i < half; ++i) {
        const auto a = std::size_t(rows[i]), b = std::size_t(rows[i + half]);
        if (family.empty() || family[a] != family[b]) {
            first.push_back(std::int64_t(i));
            second.push_back(std::int64_t(i + half));
        }
    }
    BlendPairs pairs;
    if (first.empty()) return pairs;
    pairs.first = torch::tensor(first, torch::kInt64).to(device);
    pairs.second = torch::tensor(second, torch::kInt64).to(device);
    pairs.t = (0.2 + 0.6 * torch::rand({std::int64_t(first.size())}, generator)).to(device);
    return pairs;
}

// Fine + 0.5 coarse near-surface-weighted L1 against a target grid.
torch::Tensor reconstructionLoss(const torch::Tensor& coarse, const torch::Tensor& fine, const torch::Tensor& target,
                                 double nearWeight) {
    const double voxel = 2.0 / double(target.size(2));
    return fineReconstructionLoss(fine, target, nearWeight) +
           0.5 * nearSurfaceWeightedL1(coarse, F::avg_pool3d(target, F::AvgPool3dFuncOptions(2)), 4 * voxel,
                                       nearWeight);
}

// Batch of dataset rows as float32 on `device`, resampled to the model's resolution.
torch::Tensor gatherBatch(const SdfDatasetTensor& data, const std::vector<std::int64_t>& rows,
                          int resolution, const torch::Device& device) {
    const auto index = torch::tensor(rows, torch::kInt64);
    torch::Tensor x = data.sdf.index_select(0, index).to(torch::kFloat32).to(device);
    if (data.resolution != resolution) {
        if (data.resolution > resolution && data.resolution % resolution == 0) {
            x = F::avg_pool3d(x, F::AvgPool3dFuncOptions(data.resolution / resolution));
        } else {
            x = F::interpolate(x, F::InterpolateFuncOptions()
                                      .size(std::vector<std::int64_t>{resolution, resolution, resolution})
                                      .mode(torch::kTrilinear)
                                      .align_corners(false));
        }
    }
    return x;
}

Losses computeLosses(ShapeVae& model, const torch::Tensor& x, const torch::Tensor& noise, double beta,
                     const ShapeVaeTrainingOptions& options, const BlendPairs& pairs) {
    auto [mu, logvar] = model->encoder->forward(x);
    const auto z = mu + torch::exp(0.5 * logvar) * noise;
    auto [coarse, fine] = model->decoder->forwardBoth(z);
    Losses l;
    l.recon = reconstructionLoss(coarse, fine, x, options.nearSurfaceWeight);
    l.kl = (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean();
    l.total = l.recon + beta * l.kl;
    if (pairs.empty()) {
        l.blend = torch::zeros({}, x.options());
        return l;
    }
    // Blends of the encoder means (as the eval's midpoints are), and not detached: the encoder
    // learns to place codes so that the space between two families is free for their blends.
    // With the codes held fixed the decoder could not learn both: on a tiny set the blends came
    // no closer and the reconstructions got worse (docs/SHAPES.md, "Blends").
    const auto zBlend = slerpRows(mu.index_select(0, pairs.first), mu.index_select(0, pairs.second), pairs.t);
    auto [blendCoarse, blendFine] = model->decoder->forwardBoth(zBlend);
    const auto target = blendTarget(x.index_select(0, pairs.first), x.index_select(0, pairs.second), pairs.t,
                                    options.blendUnion);
    l.blend = reconstructionLoss(blendCoarse, blendFine, target, options.nearSurfaceWeight);
    l.total = l.total + options.blendWeight * l.blend;
    return l;
}

// Unweighted L1 of the fine grid from mu (no sampling), over `rows`: the held-out metric.
double meanL1(ShapeVae& model, const SdfDatasetTensor& data, const std::vector<std::int64_t>& rows,
              int batch, const torch::Device& device) {
    if (rows.empty()) return -1;
    torch::NoGradGuard noGrad;
    model->eval();
    double sum = 0;
    for (std::size_t i = 0; i < rows.size(); i += batch) {
        const std::vector<std::int64_t> part(rows.begin() + i,
                                             rows.begin() + std::min(rows.size(), i + batch));
        const auto x = gatherBatch(data, part, model->config.gridResolution, device);
        const auto mu = model->encoder->forward(x).first;
        sum += (model->decoder->forward(mu) - x).abs().mean({1, 2, 3, 4}).sum().item<double>();
    }
    model->train();
    return sum / double(rows.size());
}

// A step's loss figures, or their sums or means over an epoch.
struct LossFigures {
    double loss = 0, recon = 0, kl = 0, blend = 0;
};
// Each figure's name in checkpoint metadata ("last_" + name, ...).
constexpr std::array<std::pair<const char*, double LossFigures::*>, 4> kLossFigureNames = {
    {{"loss", &LossFigures::loss}, {"recon", &LossFigures::recon}, {"kl", &LossFigures::kl}, {"blend", &LossFigures::blend}}};

void showLosses(ShapeVaeProgress& p, const LossFigures& f) {
    p.loss = f.loss;
    p.recon = f.recon;
    p.kl = f.kl;
    p.blend = f.blend;
}

void setTrainFigures(ShapeVaeTrainingResult& r, const LossFigures& f) {
    r.trainLoss = f.loss;
    r.trainRecon = f.recon;
    r.trainKl = f.kl;
    r.trainBlend = f.blend;
}

struct RunState {
    std::int64_t step = 0;
    double seconds = 0;  // accumulated over earlier sessions
    LossFigures last;
    // Sums over the current epoch's steps (weighted by batch size), for epoch means.
    LossFigures epochSum;
    double epochShapes = 0;
    // The last finished epoch's means: what the package reports when a run is resumed exactly
    // at its end (to re-write it), after the sums above were reset.
    LossFigures epochMean;
    double heldOutL1 = -1;
    nlohmann::json sessions = nlohmann::json::array();  // the earlier sessions (checkpointSessions)
};

// The package a fine-tuning run starts from (ShapeVaeTrainingOptions::initFrom).
struct BasePackage {
    ModelPackage package;
    ShapeVaeConfig config;
    std::string what;  // for errors: the weights file
};

std::optional<BasePackage> loadBasePackage(const std::filesystem::path& directory) {
    if (directory.empty()) return std::nullopt;
    BasePackage base;
    try {
        base.package = loadModelPackage(directory);
    } catch (const Error& e) {
        throw Error(std::string("training: --init-from: ") + e.what());
    }
    const auto& manifest = base.package.manifest;
    const std::string manifestFile = (directory / kManifestFileName).string();
    if (manifest.kind != ModelKind::ShapeVae)
        throw Error("training: --init-from " + manifestFile + ": kind is " + modelKindName(manifest.kind) +
                    ", not shape-vae");
    try {
        base.config = ShapeVaeConfig::fromJson(manifest.architecture);
    } catch (const Error& e) {
        throw Error("training: --init-from " + manifestFile + ": architecture: " + e.what());
    }
    base.what = (directory / manifest.weights.file).string();
    return base;
}

nlohmann::json runFingerprint(const ShapeVaeTrainingOptions& o, const ShapeVaeConfig& config,
                              std::int64_t datasetCount, const std::optional<BasePackage>& base) {
    // What must not change between a run and its resumption (epochs and the LR decay window may
    // change: the schedule is a function of the step, see scheduledLearningRate).
    nlohmann::json fingerprint = {{"architecture", config.toJson()}, {"batch", o.batchSize},
            {"lr", exactNumber(o.learningRate)},     {"seed", std::to_string(o.seed)},
            {"held_out", exactNumber(o.heldOutFraction)}, {"kl_weight", exactNumber(o.klWeight)},
            {"kl_warmup_epochs", exactNumber(o.klWarmupEpochs)},
            {"near_surface_weight", exactNumber(o.nearSurfaceWeight)},
            {"dataset_count", datasetCount}};
    // Only when on, so that checkpoints written before the blend objective existed still resume.
    if (o.blendWeight > 0) {
        fingerprint["blend_weight"] = exactNumber(o.blendWeight);
        fingerprint["blend_union"] = exactNumber(o.blendUnion);
    }
    if (base) fingerprint["init_from_weights_sha256"] = base->package.manifest.weights.sha256;
    return fingerprint;
}

void writeCheckpoint(const std::filesystem::path& file, ShapeVae& model, torch::optim::Adam& adam,
                     const RunState& state, const nlohmann::json& fingerprint, const nlohmann::json& sessions) {
    SafetensorsContents contents;
    contents.metadata["format"] = kCheckpointFormat;
    contents.metadata["format_version"] = "1";
    contents.metadata["run"] = fingerprint.dump();
    contents.metadata["step"] = std::to_string(state.step);
    contents.metadata["seconds"] = exactNumber(state.seconds);
    contents.metadata[kSessionsMetadataKey] = sessions.dump();
    contents.metadata["epoch_shapes"] = exactNumber(state.epochShapes);
    contents.metadata["held_out_l1"] = exactNumber(state.heldOutL1);
    for (const auto& [name, field] : kLossFigureNames) {
        contents.metadata[std::string("epoch_") + name] = exactNumber(state.epochSum.*field);
        contents.metadata[std::string("last_") + name] = exactNumber(state.last.*field);
        contents.metadata[std::string("epoch_mean_") + name] = exactNumber(state.epochMean.*field);
    }
    appendStateDict(contents, *model, "model.");
    appendAdamState(contents, *model, adam);
    writeSafetensors(file, contents);
}

RunState readCheckpoint(const std::filesystem::path& file, ShapeVae& model,
                        torch::optim::Adam& adam, const nlohmann::json& fingerprint,
                        const torch::Device& device) {
    const SafetensorsContents contents = readCheckpointFile(file, kCheckpointFormat, fingerprint);
    const std::string what = "checkpoint " + file.string();
    auto meta = [&](const std::string& key) -> const std::string& {
        return checkpointMetadata(contents, key, what);
    };
    loadStateDict(*model, contents, what, "model.");
    RunState state;
    try {
        state.step = std::stoll(meta("step"));
    } catch (const std::logic_error&) {  // stoll
        throw Error(what + ": bad step counters in metadata");
    }
    loadAdamState(contents, *model, adam, device, what);
    state.seconds = parseExactNumber(meta("seconds"), what);
    state.sessions = checkpointSessions(contents, state.step, state.seconds, what);
    state.epochShapes = parseExactNumber(meta("epoch_shapes"), what);
    state.heldOutL1 = parseExactNumber(meta("held_out_l1"), what);
    for (const auto& [name, field] : kLossFigureNames) {
        // Older checkpoints lack the blend figures (written before the blend objective) and the
        // epoch means (before they were kept).
        const bool always = field != &LossFigures::blend;
        auto read = [&](const std::string& key) {
            return always ? parseExactNumber(meta(key), what) : optionalCheckpointNumber(contents, key, 0, what);
        };
        state.epochSum.*field = read(std::string("epoch_") + name);
        state.last.*field = read(std::string("last_") + name);
        state.epochMean.*field = optionalCheckpointNumber(contents, std::string("epoch_mean_") + name, 0, what);
    }
    return state;
}

struct Pca {
    torch::Tensor mean, directions, sigma;
};

// The training codes (posterior means), [N, L] float64 on the CPU.
torch::Tensor trainingCodes(ShapeVae& model, const SdfDatasetTensor& data, const std::vector<std::int64_t>& rows,
                            int batch, const torch::Device& device) {
    torch::NoGradGuard noGrad;
    model->eval();
    std::vector<torch::Tensor> codes;
    for (std::size_t i = 0; i < rows.size(); i += batch) {
        const std::vector<std::int64_t> part(rows.begin() + i,
                                             rows.begin() + std::min(rows.size(), i + batch));
        const auto x = gatherBatch(data, part, model->config.gridResolution, device);
        codes.push_back(model->encoder->forward(x).first.to(torch::kCPU).to(torch::kFloat64));
    }
    model->train();
    return torch::cat(codes);
}

struct LabelledCodes {
    std::vector<float> values;  // N x L row-major
    std::vector<int> labels;    // index into names
    std::vector<std::string> names;
};
LabelledCodes labelledCodes(const torch::Tensor& codes, const SdfDatasetTensor& data, const std::vector<std::int64_t>& rows) {
    LabelledCodes out;
    const auto flat = codes.to(torch::kFloat32).contiguous();
    out.values.assign(flat.data_ptr<float>(), flat.data_ptr<float>() + flat.numel());
    for (const std::int64_t r : rows) out.labels.push_back(data.family[std::size_t(r)]);
    for (const auto& f : shapeFamilies()) out.names.push_back(f->name());
    return out;
}

// Seeds' density (core/ml/LatentPrior.h): a Gaussian per family over the training codes; none
// when the dataset has no family labels.
LatentPrior familyPrior(const torch::Tensor& codes, const SdfDatasetTensor& data, const std::vector<std::int64_t>& rows) {
    if (data.family.empty()) return {};
    const LabelledCodes c = labelledCodes(codes, data, rows);
    return fitLatentPrior(c.values, int(codes.size(1)), c.labels, c.names);
}

// GANSpace-style principal directions of the training codes, via SVD of the centred codes.
Pca latentPca(const torch::Tensor& all, int components) {
    Pca pca;
    const auto mean = all.mean(0);
    pca.mean = mean.to(torch::kFloat32);
    const std::int64_t n = all.size(0);
    const std::int64_t k = std::min<std::int64_t>({components, all.size(1), n - 1});
    if (k <= 0) {
        pca.directions = torch::zeros({0, all.size(1)});
        pca.sigma = torch::zeros({0});
        return pca;
    }
    const auto svd = torch::linalg_svd(all - mean, /*full_matrices=*/false);
    auto vh = std::get<2>(svd).slice(0, 0, k);
    // Fix each direction's sign (SVD's is arbitrary): largest-magnitude component positive.
    const auto pivot = vh.abs().argmax(1, /*keepdim=*/true);
    vh = vh * vh.gather(1, pivot).sign();
    pca.directions = vh.to(torch::kFloat32).contiguous();
    pca.sigma = (std::get<1>(svd).slice(0, 0, k) / std::sqrt(double(n - 1))).to(torch::kFloat32);
    return pca;
}

void validateOptions(const ShapeVaeTrainingOptions& o) {
    if (o.epochs < 1) throw Error("training: epochs must be at least 1");
    checkLearningRateDecay(o.lrDecayEpochs, o.epochs);
    if (o.batchSize < 1 || o.batchSize > 4096) throw Error("training: batch size must be in 1..4096");
    if (!(o.learningRate > 0) || o.learningRate > 1) throw Error("training: learning rate must be in (0, 1]");
    if (!(o.heldOutFraction >= 0 && o.heldOutFraction < 0.9)) {
        throw Error("training: held-out fraction must be in [0, 0.9)");
    }
    if (!(o.klWeight >= 0) || !(o.klWarmupEpochs >= 0) || !(o.nearSurfaceWeight >= 0)) {
        throw Error("training: KL weight, warm-up and near-surface weight must be non-negative");
    }
    if (!(o.blendWeight >= 0) || !(o.blendUnion >= 0 && o.blendUnion <= 1))
        throw Error("training: blend weight must be non-negative and blend union in [0, 1]");
    if (o.checkpointEverySteps < 0 || o.stopAfterSteps < 0) {
        throw Error("training: checkpoint interval and stop step must be non-negative");
    }
    if (o.outDir.empty()) throw Error("training: no output directory given");
}

// Stores the typical shapes in the package saved at `package` (see storeTypicalShapes): its
// network, as stored, encodes `rows` of `data`; each family's most typical row is then encoded
// as `encode` does it (refined) - the decoder's reconstruction of a real shape, where the
// encoder's one-shot guess leaves thin sloped walls (a bottle's shoulder) open.
void addTypicalShapes(const std::filesystem::path& package, const SdfDatasetTensor& data,
                      const std::vector<std::int64_t>& rows, const std::string& dataName) {
    ModelPackage p = loadModelPackage(package);
    const std::string what = (package / kManifestFileName).string();
    if (p.manifest.kind != ModelKind::ShapeVae) throw Error(what + ": not a shape VAE package");
    if (data.family.empty()) throw Error(dataName + ": has no family labels (not a generate-shapes dataset)");
    const ShapeModel model = ShapeModel::load(package);
    LatentPrior prior = model.prior();
    if (prior.empty()) throw Error(what + ": the package has no latent prior to add typical shapes to");

    ShapeVae vae(model.config());
    loadShapeVaeWeights(vae, p.weights, what);
    const LabelledCodes c = labelledCodes(trainingCodes(vae, data, rows, 32, torch::kCPU), data, rows);
    const std::vector<std::ptrdiff_t> typicalRows = mostTypicalCodes(prior, c.values, c.labels, c.names);
    nlohmann::json chosen = nlohmann::json::object();
    for (std::size_t k = 0; k < prior.components.size(); ++k) {
        if (typicalRows[k] < 0) continue;
        const std::int64_t row = rows[std::size_t(typicalRows[k])];
        SdfGrid grid;
        grid.resolution = data.resolution;
        grid.truncation = data.truncation;
        const torch::Tensor values = data.sdf[row].to(torch::kFloat32).contiguous();
        grid.values.assign(values.data_ptr<float>(), values.data_ptr<float>() + values.numel());
        prior.components[k].typical = model.encode(grid, kDefaultRefinement);
        chosen[prior.components[k].name] = row;
    }

    // The prior goes back bit for bit (its floats round-trip), now with the typical shapes.
    for (const auto& name : latentPriorTensorNames())
        std::erase_if(p.weights.tensors, [&](const TensorRecord& r) { return r.name == name; });
    appendLatentPrior(p.weights, prior);
    p.manifest.extras["typical_shapes"] = {
        {"dataset_rows", chosen},
        {"dataset", dataName},
        {"refinement", {{"steps", kDefaultRefinement.steps}, {"learning_rate", kDefaultRefinement.learningRate}}},
        {"rule", "per family, the training code nearest the family's prior mean (Mahalanobis), encoded as `encode` does it"}};
    saveModelPackage(package, p.manifest, p.weights);
}

}  // namespace

ShapeVaeTrainingResult trainShapeVae(const ShapeVaeTrainingOptions& options,
                                     const std::function<void(const ShapeVaeProgress&)>& progress) {
    validateOptions(options);
    const auto sessionStart = std::chrono::steady_clock::now();
    const torch::Device device = chooseTrainingDevice(options.device);
    setUpTrainingProcess(options.threads);

    const std::optional<BasePackage> base = loadBasePackage(options.initFrom);
    const SdfDatasetTensor data = loadSdfDataset(options.dataset);
    ShapeVaeConfig config;
    if (base) {
        config = base->config;
    } else {
        config = ShapeVaeConfig::defaults(options.latentSize,
                                          options.gridResolution > 0 ? options.gridResolution : data.resolution);
        if (!options.encoderWidths.empty()) config.encoderWidths = options.encoderWidths;
        if (!options.decoderWidths.empty()) config.decoderWidths = options.decoderWidths;
    }
    config.validate();
    const int resolution = config.gridResolution;

    const Split split = splitDataset(data.count(), options.heldOutFraction, options.seed);
    const std::int64_t batch = options.batchSize;
    const std::int64_t stepsPerEpoch = (std::int64_t(split.train.size()) + batch - 1) / batch;
    const std::int64_t totalSteps = stepsPerEpoch * options.epochs;
    const double warmupSteps = options.klWarmupEpochs * double(stepsPerEpoch);

    torch::manual_seed(options.seed);
    ShapeVae model(config);
    if (base) loadShapeVaeWeights(model, base->package.weights, base->what);
    model->to(device);
    model->train();
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(options.learningRate));

    std::filesystem::create_directories(options.outDir);
    const auto checkpointFile = options.outDir / kCheckpointFileName;
    const auto fingerprint = runFingerprint(options, config, data.count(), base);
    RunState state;
    if (options.resume) state = readCheckpoint(checkpointFile, model, adam, fingerprint, device);
    checkResumeStep(state.step, totalSteps, options.epochs);

    TrainingClock clock(sessionStart, batch, totalSteps, options.epochs);
    clock.resumed(state.step, state.seconds, state.sessions);
    auto report = [&](ShapeVaeProgress p) {
        if (!progress) return;
        clock.stamp(p, state.step);
        progress(p);
    };
    auto checkpoint = [&] {
        RunState saved = state;
        saved.seconds = clock.runSeconds();
        writeCheckpoint(checkpointFile, model, adam, saved, fingerprint, clock.sessions(state.step, options.commandLine));
        ShapeVaeProgress p;
        p.phase = ShapeVaeProgress::Phase::Checkpoint;
        p.epoch = int(std::max<std::int64_t>(1, (state.step + stepsPerEpoch - 1) / stepsPerEpoch));
        p.message = checkpointFile.string();
        report(p);
    };

    ShapeVaeTrainingResult result;
    result.config = config;
    result.checkpoint = checkpointFile;
    std::vector<std::int64_t> order;
    std::int64_t orderEpoch = -1;
    while (state.step < totalSteps) {
        const std::int64_t epoch = state.step / stepsPerEpoch;
        const std::int64_t position = state.step % stepsPerEpoch;
        if (orderEpoch != epoch) {
            order = epochOrder(split.train, options.seed, epoch);
            orderEpoch = epoch;
        }
        const auto first = order.begin() + position * batch;
        const std::vector<std::int64_t> rows(first, first + std::min<std::int64_t>(batch, order.end() - first));
        const auto x = gatherBatch(data, rows, resolution, device);
        auto generator = at::detail::createCPUGenerator(splitMix64(options.seed ^ splitMix64(std::uint64_t(state.step))));
        const auto noise = torch::randn({std::int64_t(rows.size()), config.latentSize}, generator).to(device);
        const double beta = warmupSteps > 0
                                ? options.klWeight * std::min(1.0, double(state.step + 1) / warmupSteps)
                                : options.klWeight;

        setLearningRate(adam, scheduledLearningRate(options.learningRate, state.step, stepsPerEpoch,
                                                    options.epochs, options.lrDecayEpochs));
        adam.zero_grad();
        const BlendPairs pairs = options.blendWeight > 0 ? blendPairs(rows, data.family, generator, device) : BlendPairs{};
        const Losses losses = computeLosses(model, x, noise, beta, options, pairs);
        losses.total.backward();
        adam.step();
        ++state.step;

        const double n = double(rows.size());
        state.last = {losses.total.item<double>(), losses.recon.item<double>(), losses.kl.item<double>(),
                      losses.blend.item<double>()};
        if (!std::isfinite(state.last.loss)) {
            throw Error("training diverged at step " + std::to_string(state.step) +
                        " (loss is not finite); try a lower --lr");
        }
        for (const auto& [name, field] : kLossFigureNames) state.epochSum.*field += n * state.last.*field;
        state.epochShapes += n;

        ShapeVaeProgress p;
        p.epoch = int(epoch + 1);
        showLosses(p, state.last);
        p.beta = beta;
        report(p);

        const bool epochEnd = state.step % stepsPerEpoch == 0;
        if (epochEnd) {
            state.heldOutL1 = meanL1(model, data, split.heldOut, options.batchSize, device);
            for (const auto& [name, field] : kLossFigureNames)
                state.epochMean.*field = state.epochSum.*field / state.epochShapes;
            ShapeVaeProgress e = p;
            e.phase = ShapeVaeProgress::Phase::EpochEnd;
            showLosses(e, state.epochMean);
            e.heldOutL1 = state.heldOutL1;
            report(e);
            state.epochSum = {};
            state.epochShapes = 0;
        }
        const auto due = checkpointDue(state.step, totalSteps, epochEnd, options.checkpointEverySteps,
                                       options.stopAfterSteps);
        if (due.write) checkpoint();
        if (due.stopNow) {
            setTrainFigures(result, state.epochMean);
            result.steps = state.step;
            result.seconds = clock.runSeconds();
            result.heldOutL1 = state.heldOutL1;
            return result;
        }
    }
    // The last epoch's means; a run resumed exactly at its end from a checkpoint too old to hold
    // them reports the last step's values.
    setTrainFigures(result, state.epochMean.loss > 0 ? state.epochMean : state.last);
    result.heldOutL1 = state.heldOutL1;

    // The package: fp16 network weights + fp32 latent PCA, then model.json.
    ShapeVaeProgress packaging;
    packaging.phase = ShapeVaeProgress::Phase::Packaging;
    packaging.epoch = options.epochs;
    packaging.message = options.outDir.string();
    report(packaging);
    const torch::Tensor codes = trainingCodes(model, data, split.train, options.batchSize, device);
    const Pca pca = latentPca(codes, options.pcaComponents);
    const LatentPrior prior = familyPrior(codes, data, split.train);
    SafetensorsContents weights;
    weights.metadata[kArchitectureMetadataKey] = config.toJson().dump();
    weights.metadata[kTruncationMetadataKey] = std::to_string(data.truncation);
    appendStateDict(weights, *model, "", /*storeAsF16=*/true);
    weights.tensors.push_back(tensorToRecord(kLatentMeanTensor, pca.mean));
    weights.tensors.push_back(tensorToRecord(kLatentDirectionsTensor, pca.directions));
    weights.tensors.push_back(tensorToRecord(kLatentSigmaTensor, pca.sigma));
    appendLatentPrior(weights, prior);

    result.steps = state.step;
    result.seconds = clock.runSeconds();
    ModelManifest manifest;
    manifest.id = packageIdFor(options.outDir, options.modelId, "shape-vae");
    manifest.kind = ModelKind::ShapeVae;
    manifest.name = "Shape VAE " + std::to_string(resolution) + "^3";
    manifest.description =
        "3D-convolutional VAE over truncated SDF grids (coarse " +
        std::to_string(config.coarseResolution()) + "^3 head for dragging, fine " +
        std::to_string(resolution) + "^3 head on release); latent PCA directions and a per-family latent prior for seeds included.";
    manifest.architecture = config.toJson();
    manifest.latentSize = config.latentSize;
    manifest.gridResolution = resolution;
    manifest.training.data = options.dataset.filename().string() + " (" + std::to_string(data.count()) +
                             " shapes, " + std::to_string(data.resolution) + "^3, truncation " +
                             std::to_string(data.truncation) + ", " + std::to_string(split.train.size()) +
                             " train / " + std::to_string(split.heldOut.size()) + " held out)";
    manifest.training.commandLine = options.commandLine;
    manifest.training.seed = options.seed;
    manifest.training.epochs = options.epochs;
    manifest.training.device = device.is_cuda() ? "cuda" : "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
    manifest.training.durationSeconds = result.seconds;
    manifest.metrics = {{"train_loss", result.trainLoss},
                        {"train_recon_weighted_l1", result.trainRecon},
                        {"train_kl", result.trainKl},
                        {"train_blend", result.trainBlend},
                        {"held_out_sdf_l1", result.heldOutL1},
                        {"held_out_count", split.heldOut.size()},
                        {"steps", result.steps}};
    manifest.weights.dtype = "F16";
    std::string lossDescription = "near-surface-weighted truncated-SDF L1 (fine + 0.5 coarse) + beta*KL";
    if (options.blendWeight > 0)
        lossDescription += " + blend_weight * the same L1 of cross-family slerp blends against their grids' "
                           "material-keeping blend";
    manifest.extras = {{"training_hyperparameters",
                        {{"batch", options.batchSize},
                         {"learning_rate", options.learningRate},
                         {"lr_decay_epochs", options.lrDecayEpochs},
                         {"optimizer", "Adam"},
                         {"kl_weight", options.klWeight},
                         {"kl_warmup_epochs", options.klWarmupEpochs},
                         {"near_surface_weight", options.nearSurfaceWeight},
                         {"held_out_fraction", options.heldOutFraction},
                         {"blend_weight", options.blendWeight},
                         {"blend_union", options.blendUnion},
                         {"loss", lossDescription}}},
                       {"training_sessions", clock.sessions(state.step, options.commandLine)}};
    if (base) {
        const ModelManifest& from = base->package.manifest;
        manifest.extras["fine_tuned_from"] = {{"id", from.id},
                                              {"weights_sha256", from.weights.sha256},
                                              {"command_line", from.training.commandLine},
                                              {"epochs", from.training.epochs},
                                              {"duration_seconds", from.training.durationSeconds}};
        // A chain of fine-tunings keeps its history.
        if (const auto earlier = from.extras.find("fine_tuned_from"); earlier != from.extras.end())
            manifest.extras["fine_tuned_from"]["fine_tuned_from"] = *earlier;
    }
    saveModelPackage(options.outDir, manifest, weights);
    if (!prior.empty()) addTypicalShapes(options.outDir, data, split.train, options.dataset.filename().string());
    result.finished = true;
    result.package = options.outDir;

    ShapeVaeProgress done;
    done.phase = ShapeVaeProgress::Phase::Finished;
    done.epoch = options.epochs;
    done.loss = result.trainLoss;
    done.recon = result.trainRecon;
    done.kl = result.trainKl;
    done.heldOutL1 = result.heldOutL1;
    done.message = (options.outDir / kManifestFileName).string();
    report(done);
    return result;
}

void storeTypicalShapes(const std::filesystem::path& package, const std::filesystem::path& dataset) {
    const ModelManifest manifest = loadModelPackage(package).manifest;
    const std::string what = (package / kManifestFileName).string();
    const auto hyper = manifest.extras.find("training_hyperparameters");
    if (hyper == manifest.extras.end() || !hyper->contains("held_out_fraction") ||
        !(*hyper)["held_out_fraction"].is_number())
        throw Error(what + ": training_hyperparameters.held_out_fraction is missing (the training split is unknown)");
    const SdfDatasetTensor data = loadSdfDataset(dataset);
    // The trainer records "<file> (<count> shapes, ...)": another set would split differently.
    const std::string count = " (" + std::to_string(data.count()) + " shapes";
    if (manifest.training.data.find(" shapes") != std::string::npos && manifest.training.data.find(count) == std::string::npos)
        throw Error(dataset.string() + ": " + std::to_string(data.count()) + " shapes, but the package was trained on " +
                    manifest.training.data);
    const Split split = splitDataset(data.count(), (*hyper)["held_out_fraction"].get<double>(), manifest.training.seed);
    addTypicalShapes(package, data, split.train, dataset.filename().string());
}

}  // namespace lf::ml

#include "core/ml/ProcessDiffusionTrainer.h"

#include "core/ml/DiffusionSampler.h"
#include "core/ml/TorchSafetensors.h"
#include "core/ml/TrainingCheckpoint.h"
#include "core/model/ModelManifest.h"
#include "core/process/ProcessDataset.h"
#include "core/process/ProcessSimulator.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>

namespace lf::ml {
namespace {

constexpr const char* kCheckpointFormat = "latentforge-process-diffusion-checkpoint";

struct TrainingData {
    torch::Tensor images;     // U8 [N,H,W,3]
    torch::Tensor condition;  // F32 [N,5]
    int dropped = 0;
    std::optional<int> simulatorRevision;  // of the renderer that drew the images; unknown for an old file
    std::string description;
};

TrainingData loadTrainingData(const ProcessDiffusionTrainingOptions& o, int imageSize,
                              const std::function<void(int, int)>& progress) {
    SafetensorsContents contents;
    std::string what;
    if (!o.dataset.empty()) {
        what = "process dataset " + o.dataset.string();
        contents = readSafetensors(o.dataset);
        const auto it = contents.metadata.find("format");
        if (it == contents.metadata.end() || it->second != "latentforge-process-dataset") {
            throw Error(what + ": not a process dataset (metadata format is not latentforge-process-dataset)");
        }
    } else {
        what = "simulated data";
        process::ProcessDatasetOptions d;
        d.count = o.count;
        d.width = d.height = imageSize;
        d.seed = o.dataSeed;
        contents = process::makeProcessDataset(d, progress);
    }
    const auto* images = contents.find("images");
    const auto* params = contents.find("params_normalised");
    if (!images || !params) throw Error(what + ": needs tensors 'images' and 'params_normalised'");
    if (images->dtype != DType::U8 || images->shape.size() != 4 || images->shape[3] != 3 ||
        images->shape[1] != imageSize || images->shape[2] != imageSize) {
        throw Error(what + ": 'images' must be U8 [N," + std::to_string(imageSize) + "," +
                    std::to_string(imageSize) + ",3]");
    }
    if (params->shape != std::vector<std::int64_t>{images->shape[0], std::int64_t(process::kParameterCount)}) {
        throw Error(what + ": 'params_normalised' must be [N,5] with N matching 'images'");
    }
    const auto allImages = recordToTensor(*images);
    const auto allParams = recordToTensor(*params).to(torch::kFloat32).contiguous();
    if (!torch::isfinite(allParams).all().item<bool>()) throw Error(what + ": non-finite parameters");
    std::vector<std::int64_t> keep;
    const float* p = allParams.data_ptr<float>();
    TrainingData data;
    for (std::int64_t i = 0; i < allParams.size(0); ++i) {
        std::array<double, process::kParameterCount> u{};
        for (std::size_t k = 0; k < u.size(); ++k) u[k] = p[i * 5 + std::int64_t(k)];
        if (nearHeldOutPoint(u)) ++data.dropped;
        else keep.push_back(i);
    }
    if (keep.empty()) throw Error(what + ": no training samples left");
    const auto index = torch::tensor(keep, torch::kInt64);
    data.images = allImages.index_select(0, index).contiguous();
    data.condition = allParams.index_select(0, index).contiguous();
    // Which renderer drew the images comes first: a model is measured against the simulator, so
    // a package must say which revision of it taught the model (a dataset file written before
    // revisions were recorded, or with a value that is not one, says "unknown").
    // The same rule as a package's field (ProcessModel::load): a non-negative whole number.
    if (const auto revision = contents.metadata.find("simulator_revision"); revision != contents.metadata.end())
        data.simulatorRevision = nonNegativeIntOf(nlohmann::json::parse(revision->second, nullptr, /*allow_exceptions=*/false));
    data.description = "simulator revision " +
                       (data.simulatorRevision ? std::to_string(*data.simulatorRevision) : std::string("unknown")) + ", ";
    if (o.dataset.empty()) {
        data.description += std::to_string(o.count) + " images, data seed " + std::to_string(o.dataSeed);
    } else {
        data.description += o.dataset.filename().string() + ", " + std::to_string(images->shape[0]) + " images";
    }
    data.description += ", " + std::to_string(keep.size()) + " used (" + std::to_string(data.dropped) + " within " +
                        std::to_string(kHeldOutRadius) + " of held-out points dropped)";
    return data;
}

// Batch rows as [B,3,H,W] in [-1, 1] and conditions [B,5] on `device`.
std::pair<torch::Tensor, torch::Tensor> gatherBatch(const TrainingData& data,
                                                    const std::vector<std::int64_t>& rows,
                                                    const torch::Device& device) {
    const auto index = torch::tensor(rows, torch::kInt64);
    auto x = data.images.index_select(0, index).to(device).permute({0, 3, 1, 2}).to(torch::kFloat32);
    x = x * (2.0 / 255.0) - 1.0;
    return {x.contiguous(), data.condition.index_select(0, index).to(device)};
}

struct RunState {
    std::int64_t step = 0;
    double seconds = 0;
    double epochLoss = 0, epochImages = 0, lastLoss = 0, firstEpochLoss = 0;
    double epochMeanLoss = 0;  // the last finished epoch's mean (kept in checkpoints for an exact-end resume)
    nlohmann::json sessions = nlohmann::json::array();  // the earlier sessions (checkpointSessions)
};

void validateOptions(const ProcessDiffusionTrainingOptions& o) {
    if (o.epochs < 1) throw Error("training: epochs must be at least 1");
    checkLearningRateDecay(o.lrDecayEpochs, o.epochs);
    if (o.batchSize < 1 || o.batchSize > 4096) throw Error("training: batch size must be in 1..4096");
    if (!(o.learningRate > 0) || o.learningRate > 1) throw Error("training: learning rate must be in (0, 1]");
    if (o.dataset.empty() && (o.count < 1 || o.count > 10000000)) throw Error("training: count must be in 1..10000000");
    if (!(o.conditionDropout >= 0 && o.conditionDropout < 1)) throw Error("training: condition dropout must be in [0, 1)");
    if (!(o.emaDecay >= 0 && o.emaDecay < 1)) throw Error("training: EMA decay must be in [0, 1)");
    if (o.checkpointEverySteps < 0 || o.stopAfterSteps < 0) {
        throw Error("training: checkpoint interval and stop step must be non-negative");
    }
    if (o.outDir.empty()) throw Error("training: no output directory given");
}

}  // namespace

ProcessDiffusionTrainingResult trainProcessDiffusion(
    const ProcessDiffusionTrainingOptions& options,
    const std::function<void(const ProcessDiffusionProgress&)>& progress) {
    validateOptions(options);
    const auto sessionStart = std::chrono::steady_clock::now();
    const torch::Device device = chooseTrainingDevice(options.device);
    setUpTrainingProcess(options.threads);

    ProcessDiffusionConfig config;
    config.imageSize = options.imageSize;
    config.baseChannels = options.baseChannels;
    if (!options.channelMultipliers.empty()) config.channelMultipliers = options.channelMultipliers;
    config.resBlocksPerLevel = options.resBlocksPerLevel;
    config.validate();

    const TrainingData data = loadTrainingData(options, config.imageSize, [&](int done, int total) {
        if (!progress) return;
        ProcessDiffusionProgress p;
        p.phase = ProcessDiffusionProgress::Phase::Data;
        p.imagesDone = done;
        p.imagesTotal = total;
        progress(p);
    });
    const std::int64_t n = data.images.size(0);
    const std::int64_t batch = std::min<std::int64_t>(options.batchSize, n);
    const std::int64_t stepsPerEpoch = (n + batch - 1) / batch;
    const std::int64_t totalSteps = stepsPerEpoch * options.epochs;

    torch::manual_seed(options.seed);
    ProcessUNet model(config);
    model->to(device);
    model->train();
    torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(options.learningRate));
    const auto schedule = ScheduleTensors::make(config.schedule, device);
    std::vector<torch::Tensor> ema;
    for (const auto& p : model->parameters()) ema.push_back(p.detach().clone());

    std::filesystem::create_directories(options.outDir);
    const auto checkpointFile = options.outDir / kProcessCheckpointFileName;
    const nlohmann::json fingerprint = {
        {"architecture", config.toJson()},           {"batch", batch},
        {"lr", exactNumber(options.learningRate)},   {"seed", std::to_string(options.seed)},
        {"data", data.description},                  {"condition_dropout", exactNumber(options.conditionDropout)},
        {"ema_decay", exactNumber(options.emaDecay)}};
    RunState state;
    if (options.resume) {
        const auto contents = readCheckpointFile(checkpointFile, kCheckpointFormat, fingerprint);
        const std::string what = "checkpoint " + checkpointFile.string();
        loadStateDict(*model, contents, what, "model.");
        loadAdamState(contents, *model, adam, device, what);
        const auto params = model->named_parameters(true);
        for (std::size_t i = 0; i < params.size(); ++i) {
            const auto* r = contents.find("ema." + params[i].key());
            if (!r) throw Error(what + ": EMA weights for '" + params[i].key() + "' are missing");
            const auto t = recordToTensor(*r).to(torch::kFloat32);
            if (t.sizes() != ema[i].sizes()) throw Error(what + ": EMA weights for '" + params[i].key() + "' have the wrong shape");
            ema[i] = t.to(device);
        }
        try {
            state.step = std::stoll(checkpointMetadata(contents, "step", what));
        } catch (const std::logic_error&) {
            throw Error(what + ": bad step in metadata");
        }
        state.seconds = parseExactNumber(checkpointMetadata(contents, "seconds", what), what);
        state.sessions = checkpointSessions(contents, state.step, state.seconds, what);
        state.epochLoss = parseExactNumber(checkpointMetadata(contents, "epoch_loss", what), what);
        state.epochImages = parseExactNumber(checkpointMetadata(contents, "epoch_images", what), what);
        state.lastLoss = parseExactNumber(checkpointMetadata(contents, "last_loss", what), what);
        state.firstEpochLoss = parseExactNumber(checkpointMetadata(contents, "first_epoch_loss", what), what);
        state.epochMeanLoss = optionalCheckpointNumber(contents, "epoch_mean_loss", 0, what);  // newer checkpoints
        checkResumeStep(state.step, totalSteps, options.epochs);
    }

    TrainingClock clock(sessionStart, batch, totalSteps, options.epochs);
    clock.resumed(state.step, state.seconds, state.sessions);
    auto report = [&](ProcessDiffusionProgress p) {
        if (!progress) return;
        clock.stamp(p, state.step);
        progress(p);
    };
    auto checkpoint = [&] {
        SafetensorsContents c;
        c.metadata["format"] = kCheckpointFormat;
        c.metadata["format_version"] = "1";
        c.metadata["run"] = fingerprint.dump();
        c.metadata["step"] = std::to_string(state.step);
        c.metadata["seconds"] = exactNumber(clock.runSeconds());
        c.metadata[kSessionsMetadataKey] = clock.sessions(state.step, options.commandLine).dump();
        c.metadata["epoch_loss"] = exactNumber(state.epochLoss);
        c.metadata["epoch_images"] = exactNumber(state.epochImages);
        c.metadata["last_loss"] = exactNumber(state.lastLoss);
        c.metadata["first_epoch_loss"] = exactNumber(state.firstEpochLoss);
        c.metadata["epoch_mean_loss"] = exactNumber(state.epochMeanLoss);
        appendStateDict(c, *model, "model.");
        const auto params = model->named_parameters(true);
        for (std::size_t i = 0; i < params.size(); ++i) c.tensors.push_back(tensorToRecord("ema." + params[i].key(), ema[i]));
        appendAdamState(c, *model, adam);
        writeSafetensors(checkpointFile, c);
        ProcessDiffusionProgress p;
        p.phase = ProcessDiffusionProgress::Phase::Checkpoint;
        p.message = checkpointFile.string();
        report(p);
    };

    ProcessDiffusionTrainingResult result;
    result.config = config;
    result.checkpoint = checkpointFile;
    result.trainingImages = int(n);
    result.droppedNearHeldOut = data.dropped;
    std::vector<std::int64_t> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    std::vector<std::int64_t> order;
    std::int64_t orderEpoch = -1;
    const auto parameters = model->parameters();
    while (state.step < totalSteps) {
        const std::int64_t epoch = state.step / stepsPerEpoch;
        const std::int64_t position = state.step % stepsPerEpoch;
        if (orderEpoch != epoch) {
            order = epochOrder(all, options.seed, epoch);
            orderEpoch = epoch;
        }
        const auto first = order.begin() + position * batch;
        const std::vector<std::int64_t> rows(first, first + std::min<std::int64_t>(batch, order.end() - first));
        const auto [x0, condition] = gatherBatch(data, rows, device);
        auto generator = at::detail::createCPUGenerator(splitMix64(options.seed ^ splitMix64(std::uint64_t(state.step))));

        setLearningRate(adam, scheduledLearningRate(options.learningRate, state.step, stepsPerEpoch,
                                                    options.epochs, options.lrDecayEpochs));
        adam.zero_grad();
        const auto loss = diffusionLoss(model, schedule, x0, condition, options.conditionDropout, generator).loss;
        loss.backward();
        adam.step();
        {
            torch::NoGradGuard noGrad;
            // EMA warm-up: early averages would otherwise be dominated by the random init.
            const double decay = std::min(options.emaDecay, (1.0 + double(state.step)) / (10.0 + double(state.step)));
            for (std::size_t i = 0; i < ema.size(); ++i) ema[i].mul_(decay).add_(parameters[i].detach(), 1 - decay);
        }
        ++state.step;
        state.lastLoss = loss.item<double>();
        if (!std::isfinite(state.lastLoss)) {
            throw Error("training diverged at step " + std::to_string(state.step) + " (loss is not finite); try a lower --lr");
        }
        state.epochLoss += double(rows.size()) * state.lastLoss;
        state.epochImages += double(rows.size());

        ProcessDiffusionProgress p;
        p.epoch = int(epoch + 1);
        p.loss = state.lastLoss;
        report(p);

        const bool epochEnd = state.step % stepsPerEpoch == 0;
        if (epochEnd) {
            state.epochMeanLoss = state.epochLoss / state.epochImages;
            if (epoch == 0) state.firstEpochLoss = state.epochMeanLoss;
            ProcessDiffusionProgress e = p;
            e.phase = ProcessDiffusionProgress::Phase::EpochEnd;
            e.loss = state.epochMeanLoss;
            report(e);
            state.epochLoss = state.epochImages = 0;
        }
        const auto due = checkpointDue(state.step, totalSteps, epochEnd, options.checkpointEverySteps,
                                       options.stopAfterSteps);
        if (due.write) checkpoint();
        if (due.stopNow) {
            result.trainLoss = state.epochMeanLoss;
            result.steps = state.step;
            result.seconds = clock.runSeconds();
            result.lossFirstEpoch = state.firstEpochLoss;
            return result;
        }
    }
    // The last epoch's mean; resumed exactly at the end from an older checkpoint: the last step's.
    result.trainLoss = state.epochMeanLoss > 0 ? state.epochMeanLoss : state.lastLoss;
    result.lossFirstEpoch = state.firstEpochLoss;

    // The package: the EMA weights (F32: small, and bit-exact against the reference).
    {
        torch::NoGradGuard noGrad;
        for (std::size_t i = 0; i < ema.size(); ++i) parameters[i].copy_(ema[i]);
    }
    SafetensorsContents weights;
    weights.metadata[kProcessDiffusionArchitectureKey] = config.toJson().dump();
    model->to(torch::kCPU);
    appendStateDict(weights, *model);
    std::int64_t parameterCount = 0;
    for (const auto& p : parameters) parameterCount += p.numel();

    result.steps = state.step;
    result.seconds = clock.runSeconds();
    ModelManifest manifest;
    manifest.id = packageIdFor(options.outDir, options.modelId, "process-diffusion");
    manifest.kind = ModelKind::ProcessDiffusion;
    manifest.name = "Process what-if diffusion " + std::to_string(config.imageSize) + "x" + std::to_string(config.imageSize);
    manifest.description =
        "Pixel-space conditional DDPM (cosine schedule, v-prediction, classifier-free guidance) of an "
        "injection-moulded ABS lid as the process simulator renders it, conditioned on five process parameters.";
    manifest.architecture = config.toJson();
    manifest.architecture["parameter_count"] = parameterCount;
    manifest.latentSize = 3 * config.imageSize * config.imageSize;
    manifest.training.data = data.description;
    manifest.training.commandLine = options.commandLine;
    manifest.training.seed = options.seed;
    manifest.training.epochs = options.epochs;
    manifest.training.device = device.is_cuda() ? "cuda" : "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
    manifest.training.durationSeconds = result.seconds;
    manifest.metrics = {{"train_loss_last_epoch", result.trainLoss},
                        {"train_loss_first_epoch", result.lossFirstEpoch},
                        {"steps", result.steps}};
    manifest.weights.dtype = "F32";
    nlohmann::json heldOut = nlohmann::json::array();
    for (const auto& u : heldOutNormalisedPoints()) heldOut.push_back(u);
    manifest.extras = {{"parameters", processParametersJson()},
                       {"schedule", config.schedule.toJson()},
                       {"held_out", {{"normalised_points", heldOut}, {"radius_linf", kHeldOutRadius}}},
                       {"training_hyperparameters",
                        {{"batch", batch},
                         {"learning_rate", options.learningRate},
                         {"lr_decay_epochs", options.lrDecayEpochs},
                         {"optimizer", "Adam"},
                         {"condition_dropout", options.conditionDropout},
                         {"ema_decay", options.emaDecay},
                         {"loss", config.prediction + "-prediction MSE, uniform timesteps"}}},
                       {"sampling_defaults", ProcessSampling{}.toJson()},
                       {"training_sessions", clock.sessions(state.step, options.commandLine)},
                       {"simulator_revision", data.simulatorRevision ? nlohmann::json(*data.simulatorRevision)
                                                                     : nlohmann::json(nullptr)}};
    saveModelPackage(options.outDir, manifest, weights);
    result.finished = true;
    result.package = options.outDir;

    ProcessDiffusionProgress done;
    done.phase = ProcessDiffusionProgress::Phase::Finished;
    done.epoch = options.epochs;
    done.loss = result.trainLoss;
    done.message = (options.outDir / kManifestFileName).string();
    report(done);
    return result;
}

}  // namespace lf::ml

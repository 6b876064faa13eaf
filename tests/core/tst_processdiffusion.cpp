// Process diffusion: schedule values, sampler determinism/guidance/cancellation/progress,
// training (loss falls, resume continues bit-exactly), ProcessModel and its evaluation.
#include "core/ml/DiffusionSampler.h"
#include "core/ml/NoiseSchedule.h"
#include "core/ml/ProcessDiffusionEval.h"
#include "core/ml/ProcessDiffusionTrainer.h"
#include "core/ml/ProcessModel.h"
#include "core/model/ModelManifest.h"
#include "core/process/ProcessSimulator.h"
#include "core/util/Error.h"
#include "tests/common/EditedManifest.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <numbers>
#include <optional>

using namespace lf;
using namespace lf::ml;

namespace {

ProcessDiffusionConfig tinyConfig() {
    ProcessDiffusionConfig c;
    c.imageSize = 32;
    c.baseChannels = 8;
    c.channelMultipliers = {1, 2};
    c.embeddingSize = 16;
    c.groups = 4;
    return c;
}

// A tiny network whose output is not identically zero (conv_out starts at zero by design).
ProcessUNet randomTinyNet() {
    torch::manual_seed(3);
    ProcessUNet net(tinyConfig());
    torch::NoGradGuard g;
    for (auto& p : net->parameters()) p.normal_(0, 0.05);
    net->eval();
    return net;
}

ProcessDiffusionTrainingOptions tinyTraining(const std::filesystem::path& out) {
    ProcessDiffusionTrainingOptions o;
    o.count = 8;
    o.dataSeed = 4;
    o.outDir = out;
    o.imageSize = 32;
    o.epochs = 5;
    o.batchSize = 4;
    o.learningRate = 2e-3;
    o.seed = 9;
    o.baseChannels = 8;
    o.channelMultipliers = {1, 2};
    o.threads = 1;
    o.commandLine = "tst_processdiffusion";
    return o;
}

std::filesystem::path dirPath(const QTemporaryDir& dir, const char* name) {
    return std::filesystem::path(dir.path().toStdString()) / name;
}

}  // namespace

class TestProcessDiffusion : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::filesystem::path package_;  // trained once in initTestCase, used by the model tests

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        // One thread: these networks are tiny, and on a loaded 2-core machine OpenMP's
        // spin-waiting made 2 threads ~10x slower than 1.
        torch::set_num_threads(1);
        package_ = dirPath(dir_, "tiny-model");
        const auto result = trainProcessDiffusion(tinyTraining(package_));
        QVERIFY(result.finished);
        QCOMPARE(result.steps, std::int64_t(10));
        // The loss of a v-prediction network starts near E[v^2] = 1 and must fall.
        QVERIFY2(result.trainLoss < result.lossFirstEpoch,
                 qPrintable(QString("first %1 last %2").arg(result.lossFirstEpoch).arg(result.trainLoss)));
        QVERIFY(std::filesystem::exists(package_ / "model.json"));
    }

    void cosineScheduleMatchesClosedForm() {
        const auto s = NoiseSchedule::cosine(1000);
        auto f = [](double t) {
            const double c = std::cos((t / 1000 + 0.008) / 1.008 * std::numbers::pi / 2);
            return c * c;
        };
        for (int t : {0, 1, 250, 499, 900}) {
            QVERIFY2(std::abs(s.alphaBar(t) - f(t + 1) / f(0)) < 1e-12, qPrintable(QString::number(t)));
            QVERIFY(std::abs(s.alphas()[std::size_t(t)] - (1 - s.betas()[std::size_t(t)])) < 1e-15);
        }
        // Known values: alphaBar(499) = cos^2(0.508/1.008 pi/2) / cos^2(0.008/1.008 pi/2) ~ 0.49371.
        QVERIFY(std::abs(s.alphaBar(499) - 0.4937) < 1e-3);
        QCOMPARE(s.betas().back(), 0.999);  // clipped at the end
        for (std::size_t t = 1; t < 1000; ++t) QVERIFY(s.alphaBars()[t] < s.alphaBars()[t - 1]);
    }

    void linearScheduleMatchesClosedForm() {
        const auto s = NoiseSchedule::linear(1000, 1e-4, 0.02);
        QCOMPARE(s.betas().front(), 1e-4);
        QVERIFY(std::abs(s.betas().back() - 0.02) < 1e-15);
        QVERIFY(std::abs(s.alphaBar(0) - (1 - 1e-4)) < 1e-15);
        const double beta1 = 1e-4 + (0.02 - 1e-4) / 999;
        QVERIFY(std::abs(s.alphaBar(1) - (1 - 1e-4) * (1 - beta1)) < 1e-15);
        // log alphaBar_T-1 = sum log(1 - beta_t) ~ -(T/2)(b0 + bT) for small betas: ~ -10.05.
        QVERIFY(std::abs(std::log(s.alphaBar(999)) + 10.05) < 0.1);
    }

    void scheduleJsonRoundTripAndTimesteps() {
        const auto s = NoiseSchedule::fromJson(NoiseSchedule::cosine(1000).toJson());
        QCOMPARE(s.alphaBar(321), NoiseSchedule::cosine(1000).alphaBar(321));
        const auto ts = s.samplingTimesteps(20);
        QCOMPARE(int(ts.size()), 20);
        QCOMPARE(ts.front(), 999);
        QCOMPARE(ts.back(), 0);
        for (std::size_t i = 1; i < ts.size(); ++i) QVERIFY(ts[i] < ts[i - 1]);
        QCOMPARE(int(s.samplingTimesteps(1000).size()), 1000);
        QVERIFY_THROWS_EXCEPTION(Error, s.samplingTimesteps(0));
        QVERIFY_THROWS_EXCEPTION(Error, s.samplingTimesteps(1001));
        QVERIFY_THROWS_EXCEPTION(Error, NoiseSchedule::fromJson(nlohmann::json{{"kind", "quadratic"}, {"steps", 10}}));
    }

    void ddimEtaZeroIsDeterministicPerSeed() {
        torch::InferenceMode mode;
        auto net = randomTinyNet();
        const auto cond = torch::tensor({0.1f, -0.2f, 0.3f, 0.0f, 0.5f}).view({1, 5});
        ProcessSampling o{10, 2.0, 0.0};
        const auto a = ddimSample(net, cond, {5}, o).images;
        const auto b = ddimSample(net, cond, {5}, o).images;
        const auto c = ddimSample(net, cond, {6}, o).images;
        QVERIFY(torch::equal(a, b));
        QVERIFY(!torch::equal(a, c));
        // An image depends on its own seed only: seed 5 inside a batch equals seed 5 alone.
        const auto batch = ddimSample(net, cond.expand({2, 5}).contiguous(), {6, 5}, o).images;
        QVERIFY((batch.slice(0, 1, 2) - a).abs().max().item<float>() < 1e-4);
        // eta > 0 draws fresh noise each step (from the seed: still reproducible, but different).
        ProcessSampling stochastic{10, 2.0, 1.0};
        const auto d = ddimSample(net, cond, {5}, stochastic).images;
        QVERIFY(torch::equal(d, ddimSample(net, cond, {5}, stochastic).images));
        QVERIFY(!torch::equal(a, d));
    }

    void guidanceOneIsTheConditionalPrediction() {
        torch::InferenceMode mode;
        auto net = randomTinyNet();
        const auto x = torch::randn({2, 3, 32, 32});
        const auto t = torch::tensor({10, 700}, torch::kInt64);
        const auto cond = torch::rand({2, 5}) * 2 - 1;
        const auto conditional = net->forward(x, t, cond, torch::ones({2}));
        const auto unconditional = net->forward(x, t, cond, torch::zeros({2}));
        QVERIFY(!torch::allclose(conditional, unconditional));
        QVERIFY(torch::equal(guidedPrediction(net, x, t, cond, 1.0), conditional));
        QVERIFY(torch::allclose(guidedPrediction(net, x, t, cond, 0.0), unconditional, 1e-5, 1e-5));
        const auto expected = unconditional + 3.0 * (conditional - unconditional);
        QVERIFY(torch::allclose(guidedPrediction(net, x, t, cond, 3.0), expected, 1e-4, 1e-5));
    }

    void cancellationStopsWithinOneStep() {
        torch::InferenceMode mode;
        auto net = randomTinyNet();
        const auto cond = torch::zeros({1, 5});
        std::atomic<bool> cancel{false};
        int calls = 0;
        const auto r = ddimSample(net, cond, {1}, ProcessSampling{20, 2.0, 0.0}, [&](int done, int, const torch::Tensor*) {
            ++calls;
            if (done == 3) cancel = true;
            return true;
        }, false, &cancel);
        QVERIFY(r.cancelled);
        QCOMPARE(r.stepsDone, 3);
        QCOMPARE(calls, 3);
        QVERIFY(!r.images.defined());
        const auto byCallback = ddimSample(net, cond, {1}, ProcessSampling{20, 2.0, 0.0},
                                           [](int done, int, const torch::Tensor*) { return done < 5; });
        QVERIFY(byCallback.cancelled);
        QCOMPARE(byCallback.stepsDone, 5);
    }

    void modelProgressIsMonotonicWithPreviews() {
        const auto model = ProcessModel::load(package_, "cpu");
        ProcessSampleRequest request;
        request.seeds = {1, 2};
        request.sampling.steps = 12;
        request.previews = true;
        // On the CPU the two images are sampled one after the other: 24 steps, a preview of the
        // image in progress, and each image handed over on its last step, before the result.
        std::vector<int> steps;
        std::vector<std::vector<std::uint8_t>> early;
        const auto result = model.sample(request, [&](const ProcessSampleProgress& p) {
            steps.push_back(p.step);
            if (!p.previews || p.previews->size() != 1 || (*p.previews)[0].width != 32) return false;
            if (p.finished) {
                if (p.step % 12 != 0 || p.firstFinished != int(early.size()) || p.finished->size() != 1 ||
                    p.finishedMetadata->size() != 1 || p.finishedMetadata->front().seed != request.seeds[early.size()])
                    return false;
                early.push_back(p.finished->front().pixels);
            } else if (p.step % 12 == 0) {
                return false;  // a last step without its image
            }
            return p.steps == 24;
        });
        QVERIFY(!result.cancelled);
        QCOMPARE(int(steps.size()), 24);
        for (std::size_t i = 0; i < steps.size(); ++i) QCOMPARE(steps[i], int(i) + 1);
        QCOMPARE(int(result.images.size()), 2);
        QCOMPARE(early.size(), std::size_t(2));
        for (std::size_t i = 0; i < 2; ++i) QVERIFY(early[i] == result.images[i].pixels);
        QCOMPARE(result.images[0].pixels.size(), std::size_t(32 * 32 * 3));
        const auto meta = result.metadata[1].toJson();
        QCOMPARE(meta["seed"].get<int>(), 2);
        QCOMPARE(meta["model_id"].get<std::string>(), std::string("tiny-model"));
        QCOMPARE(meta["weights_sha256"].get<std::string>(), model.manifest().weights.sha256);
        QCOMPARE(meta["device"].get<std::string>(), std::string("cpu"));
        QCOMPARE(meta["parameters"]["melt_temperature"]["unit"].get<std::string>(), std::string("C"));
        // Same request, same pixels.
        request.previews = false;
        const auto again = model.sample(request);
        QVERIFY(again.images[0].pixels == result.images[0].pixels);
        QVERIFY(again.images[0].pixels != again.images[1].pixels);
    }

    void modelCancellationReturnsWithinOneStep() {
        const auto model = ProcessModel::load(package_, "cpu");
        std::atomic<bool> cancel{false};
        ProcessSampleRequest request;
        request.sampling.steps = 30;
        int last = 0;
        const auto result = model.sample(request, [&](const ProcessSampleProgress& p) {
            last = p.step;
            if (p.step == 4) cancel = true;
            return true;
        }, &cancel);
        QVERIFY(result.cancelled);
        QCOMPARE(result.stepsDone, 4);
        QCOMPARE(last, 4);
        QVERIFY(result.images.empty());

        // In the second of two images (after the first was handed over): stops there too.
        cancel = false;
        request.seeds = {1, 2};
        request.sampling.steps = 10;
        int handed = 0;
        const auto second = model.sample(request, [&](const ProcessSampleProgress& p) {
            last = p.step;
            if (p.finished) ++handed;
            if (p.step == 14) cancel = true;
            return true;
        }, &cancel);
        QVERIFY(second.cancelled);
        QCOMPARE(second.stepsDone, 14);
        QCOMPARE(last, 14);
        QCOMPARE(handed, 1);
        QVERIFY(second.images.empty() && second.metadata.empty());

        // Refused at the first image's hand-over: nothing more is sampled or returned.
        cancel = false;
        int reports = 0;
        const auto refused = model.sample(request, [&](const ProcessSampleProgress& p) {
            ++reports;
            return !p.finished;
        }, &cancel);
        QVERIFY(refused.cancelled);
        QCOMPARE(refused.stepsDone, 10);
        QCOMPARE(reports, 10);
        QVERIFY(refused.images.empty() && refused.metadata.empty());
    }

    void outOfRangeParametersAreReported() {
        const auto model = ProcessModel::load(package_, "cpu");
        ProcessSampleRequest request;
        request.sampling.steps = 2;
        request.parameters.meltTemperatureC = 330;  // range 200-300: 0.6 normalised units above
        const auto result = model.sample(request);
        QCOMPARE(int(result.outOfRange.size()), 1);
        QCOMPARE(result.outOfRange[0].parameter, process::ProcessParameter::MeltTemperature);
        QVERIFY(std::abs(result.outOfRange[0].excess - 0.6) < 1e-9);
        QCOMPARE(int(result.metadata[0].warnings.size()), 1);
        QVERIFY(QString::fromStdString(result.metadata[0].warnings[0]).contains("melt temperature"));
        request.parameters.meltTemperatureC = 240;
        QVERIFY(model.sample(request).outOfRange.empty());
        request.parameters.coolingTimeS = std::nan("");
        QVERIFY_THROWS_EXCEPTION(Error, model.sample(request));
        request.parameters.coolingTimeS = 20;
        request.seeds.clear();
        QVERIFY_THROWS_EXCEPTION(Error, model.sample(request));
        request.seeds = {1};
        request.sampling.guidance = -1;
        QVERIFY_THROWS_EXCEPTION(Error, model.sample(request));
    }

    void resumeContinuesToTheSameWeights() {
        auto straight = tinyTraining(dirPath(dir_, "straight"));
        straight.epochs = 2;
        const auto a = trainProcessDiffusion(straight);
        auto split = tinyTraining(dirPath(dir_, "split"));
        split.epochs = 2;
        split.stopAfterSteps = 2;
        const auto first = trainProcessDiffusion(split);
        QVERIFY(!first.finished);
        QCOMPARE(first.steps, std::int64_t(2));
        split.stopAfterSteps = 0;
        split.resume = true;
        const auto b = trainProcessDiffusion(split);
        QVERIFY(b.finished);
        QCOMPARE(b.steps, a.steps);
        const auto ma = loadModelPackage(straight.outDir).manifest;
        const auto mb = loadModelPackage(split.outDir).manifest;
        QCOMPARE(ma.weights.sha256, mb.weights.sha256);
        // The package says it was made in two sessions: steps 0-2, then 2 to the end.
        const auto& sessions = mb.extras["training_sessions"];
        QCOMPARE(sessions.size(), std::size_t(2));
        QCOMPARE(sessions[0]["from_step"].get<std::int64_t>(), std::int64_t(0));
        QCOMPARE(sessions[0]["to_step"].get<std::int64_t>(), std::int64_t(2));
        QCOMPARE(sessions[1]["from_step"].get<std::int64_t>(), std::int64_t(2));
        QCOMPARE(sessions[1]["to_step"].get<std::int64_t>(), b.steps);
        QCOMPARE(sessions[1]["command_line"].get<std::string>(), split.commandLine);
        QCOMPARE(ma.extras["training_sessions"].size(), std::size_t(1));
        // A different learning rate must not resume this checkpoint.
        split.learningRate = 1e-3;
        QVERIFY_THROWS_EXCEPTION(Error, trainProcessDiffusion(split));
        // No checkpoint: a clear error.
        auto none = tinyTraining(dirPath(dir_, "none"));
        none.resume = true;
        QVERIFY_THROWS_EXCEPTION(Error, trainProcessDiffusion(none));
    }

    void manifestDescribesTheModel() {
        const auto package = loadModelPackage(package_);
        const auto& m = package.manifest;
        QCOMPARE(m.kind, ModelKind::ProcessDiffusion);
        QCOMPARE(m.extras["parameters"].size(), std::size_t(5));
        QCOMPARE(m.extras["parameters"][0]["name"].get<std::string>(), std::string("melt_temperature"));
        QCOMPARE(m.extras["parameters"][0]["min"].get<double>(), 200.0);
        QCOMPARE(m.extras["schedule"]["kind"].get<std::string>(), std::string("cosine"));
        QCOMPARE(m.architecture["base_channels"].get<int>(), 8);
        QCOMPARE(m.training.seed, std::uint64_t(9));
        QCOMPARE(m.training.commandLine, std::string("tst_processdiffusion"));
        // Which renderer drew the training images.
        QVERIFY2(m.training.data.starts_with("simulator revision " + std::to_string(lf::process::kSimulatorRevision) + ","),
                 m.training.data.c_str());
        QVERIFY(m.metrics.contains("train_loss_last_epoch"));
    }

    void simulatorRevisionComesFromThePackage() {
        // The trainer records the revision of the renderer that drew its images, structured.
        QCOMPARE(loadModelPackage(package_).manifest.extras["simulator_revision"].get<int>(),
                 lf::process::kSimulatorRevision);
        QCOMPARE(ProcessModel::load(package_, "cpu").simulatorRevision(), std::optional<int>(lf::process::kSimulatorRevision));
        const auto copy = dirPath(dir_, "simulator-revision");
        auto loadWith = [&](const std::optional<nlohmann::json>& revision) {  // nullopt: no key
            lf::test::writeEditedManifest(package_, [&](nlohmann::json& json) {
                if (!revision) json.erase("simulator_revision");
                else json["simulator_revision"] = *revision;
            }, copy);
            return ProcessModel::load(copy, "cpu").simulatorRevision();
        };
        QCOMPARE(loadWith(1), std::optional<int>(1));
        QCOMPARE(loadWith(nlohmann::json(nullptr)), std::optional<int>());  // trained on a file that did not say
        QCOMPARE(loadWith(std::nullopt), std::optional<int>());            // an older package
        for (const nlohmann::json& bad : {nlohmann::json("2"), nlohmann::json(2.5), nlohmann::json(-1),
                                          nlohmann::json(4294967298LL)}) {  // the last would narrow to 2
            try {
                loadWith(bad);
                QFAIL(qPrintable(QString("loaded with simulator_revision ") + bad.dump().c_str()));
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains("simulator_revision must be"), e.what());
            }
            // Figures measured against such a "revision" count as unrecorded (the panel cautions).
            QCOMPARE(storedFidelity({{"evaluation", {{"simulator_revision", bad}}}}).simulatorRevision, std::optional<int>());
        }
        QCOMPARE(storedFidelity({{"evaluation", {{"simulator_revision", 2}}}}).simulatorRevision, std::optional<int>(2));
        QCOMPARE(storedFidelity({{"evaluation", nullptr}}).simulatorRevision, std::optional<int>());
    }

    void loadRefusesBadPackages() {
        QVERIFY_THROWS_EXCEPTION(Error, ProcessModel::load(dirPath(dir_, "missing")));
        const auto copy = dirPath(dir_, "corrupt");
        std::filesystem::copy(package_, copy);
        {
            std::fstream f(copy / "weights.safetensors", std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(-3, std::ios::end);
            f.put('\x7f');
        }
        try {
            ProcessModel::load(copy);
            QFAIL("corrupt weights loaded");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("SHA-256", Qt::CaseInsensitive) ||
                         QString(e.what()).contains("sha256", Qt::CaseInsensitive), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(Error, ProcessModel::load(package_, "tpu"));
    }

    void samplingDefaultsComeFromThePackage() {
        // The trainer records ProcessSampling{}; an edited manifest's values are what load returns.
        QCOMPARE(ProcessModel::load(package_, "cpu").samplingDefaults().guidance, ProcessSampling{}.guidance);
        const auto copy = dirPath(dir_, "sampling-defaults");
        auto loadWith = [&](const nlohmann::json& defaults) {
            lf::test::writeEditedManifest(package_, [&](nlohmann::json& json) {
                if (defaults.is_null()) json.erase("sampling_defaults");
                else json["sampling_defaults"] = defaults;
            }, copy);
            return ProcessModel::load(copy, "cpu").samplingDefaults();
        };
        const auto edited = loadWith({{"sampler", "ddim"}, {"steps", 7}, {"guidance", 1.25}, {"eta", 0.5}});
        QCOMPARE(edited.steps, 7);
        QCOMPARE(edited.guidance, 1.25);
        QCOMPARE(edited.eta, 0.5);
        QCOMPARE(loadWith({{"guidance", 1.5}}).steps, ProcessSampling{}.steps);  // a missing key keeps its default
        QCOMPARE(loadWith(nullptr).guidance, ProcessSampling{}.guidance);        // an older package
        // A value the sampler cannot take fails at load, naming the key.
        const std::vector<std::pair<nlohmann::json, const char*>> bad = {
            {{{"steps", 0}}, "sampling_defaults: steps"},
            {{{"steps", 2000}}, "sampling_defaults: steps"},
            {{{"steps", 2.5}}, "sampling_defaults.steps"},
            {{{"steps", 4294967297LL}}, "sampling_defaults.steps"},  // 2^32 + 1: would narrow to 1
            {{{"guidance", "high"}}, "sampling_defaults.guidance"},
            {{{"guidance", 31}}, "sampling_defaults: guidance"},
            {{{"eta", 1.5}}, "sampling_defaults: eta"},
            {{{"sampler", "ddpm"}}, "sampling_defaults.sampler"},
            {nlohmann::json::array({20}), "sampling_defaults must be an object"},
        };
        for (const auto& [defaults, message] : bad) {
            try {
                loadWith(defaults);
                QFAIL(qPrintable(QString("loaded with sampling_defaults ") + defaults.dump().c_str()));
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains(message), e.what());
            }
        }
        // The evaluation samples at the package's defaults unless told otherwise.
        loadWith({{"steps", 2}, {"guidance", 1.25}});
        ProcessEvalOptions o;
        o.gridPoints = 3;
        o.seedsPerPoint = 1;
        o.ddpmPoints = 0;
        const auto metrics = evaluateProcessModel(ProcessModel::load(copy, "cpu"), o);
        QCOMPARE(metrics["sampling"]["steps"].get<int>(), 2);
        QCOMPARE(metrics["sampling"]["guidance"].get<double>(), 1.25);
    }

    void evaluationWritesMetrics() {
        const auto copy = dirPath(dir_, "evaluated");
        std::filesystem::copy(package_, copy);
        const auto model = ProcessModel::load(copy, "cpu");
        ProcessEvalOptions o;
        o.gridPoints = 3;
        o.seedsPerPoint = 1;
        o.sampling = ProcessSampling{.steps = 2};
        o.ddpmPoints = 0;
        const auto metrics = evaluateProcessModel(model, o);
        QVERIFY(metrics.contains("spearman_severity_vs_measured"));
        QVERIFY(metrics["same_seed_reproducible"].get<bool>());
        QCOMPARE(metrics["points"]["held_out"].get<int>(), int(heldOutNormalisedPoints().size()));
        // The simulator's own images are the ceiling: its rho exists for every effect.
        for (const auto& [name, entry] : metrics["spearman_severity_vs_measured"].items()) {
            QVERIFY2(entry["simulator"].is_number(), name.c_str());
        }
        const auto before = loadModelPackage(copy).manifest;
        writeEvaluationMetrics(copy, metrics);
        const auto after = loadModelPackage(copy).manifest;  // still valid, same weights
        QCOMPARE(after.weights.sha256, before.weights.sha256);
        QVERIFY(after.metrics["evaluation"]["same_seed_reproducible"].get<bool>());
        QVERIFY(after.metrics.contains("train_loss_last_epoch"));
    }

    void heldOutPointsAreExcludedFromTraining() {
        for (const auto& p : heldOutNormalisedPoints()) {
            QVERIFY(nearHeldOutPoint(p));
            auto q = p;
            q[0] += kHeldOutRadius * 1.01;
            QVERIFY(!nearHeldOutPoint(q) || q[0] > 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestProcessDiffusion)
#include "tst_processdiffusion.moc"

#include "SyntheticSdfDataset.h"

#include "core/formats/Safetensors.h"
#include "core/ml/LatentMath.h"
#include "core/ml/ShapeBlend.h"
#include "core/ml/ShapeModel.h"
#include "core/ml/ShapeVae.h"
#include "core/ml/ShapeVaeTrainer.h"
#include "core/ml/TrainingCheckpoint.h"
#include "core/model/ModelManifest.h"
#include "core/procedural/ShapeDataset.h"
#include "core/procedural/ShapeFamily.h"
#include "core/util/Error.h"
#include "tests/common/ErrorOf.h"
#include "tests/common/FileSizeLimit.h"

#include <torch/torch.h>

#include <QtTest>

#include <cmath>
#include <csignal>
#include <fstream>

#include <sys/resource.h>

using namespace lf;
using namespace lf::ml;

namespace {

std::filesystem::path path(const QTemporaryDir& dir, const char* name) {
    return std::filesystem::path(dir.path().toStdString()) / name;
}

ShapeVaeTrainingOptions tinyOptions(const std::filesystem::path& data, const std::filesystem::path& out) {
    ShapeVaeTrainingOptions o;
    o.dataset = data;
    o.outDir = out;
    o.epochs = 3;
    o.batchSize = 4;
    o.learningRate = 3e-3;
    o.seed = 11;
    o.latentSize = 8;
    o.encoderWidths = {4, 8};
    o.decoderWidths = {8, 4};
    o.heldOutFraction = 0.2;
    o.klWarmupEpochs = 1;
    o.pcaComponents = 4;
    o.commandLine = "tst_shapevaetrainer";
    return o;
}

using lf::test::errorOf;

// A tiny procedural set at 16^3 with family labels (the synthetic one has none).
SafetensorsContents labelledDataset(int count, std::vector<std::string> families) {
    ShapeDatasetOptions d;
    d.count = count;
    d.resolution = 16;
    d.truncation = 0.25f;
    d.seed = 5;
    d.families = std::move(families);
    return makeShapeDataset(d);
}

// Every "model.*" tensor of two checkpoints, byte for byte.
bool sameModelTensors(const SafetensorsContents& a, const SafetensorsContents& b) {
    int compared = 0;
    for (const auto& t : a.tensors) {
        const auto* u = b.find(t.name);
        if (!u || u->data != t.data || u->shape != t.shape) return false;
        ++compared;
    }
    return compared == int(b.tensors.size()) && compared > 0;
}

}  // namespace

class TestShapeVaeTrainer : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::filesystem::path data_;

private Q_SLOTS:
    void initTestCase() {
        torch::set_num_threads(2);
        QVERIFY(dir_.isValid());
        data_ = path(dir_, "shapes.safetensors");
        test::writeSyntheticDataset(data_, 20, 16);
    }

    void lossFallsAndPackageIsWritten() {
        auto o = tinyOptions(data_, path(dir_, "fall"));
        o.epochs = 10;
        o.klWeight = 1e-4;
        std::vector<double> recon;
        std::vector<double> heldOut;
        int steps = 0, checkpoints = 0;
        double lastEta = -1;
        std::vector<ShapeVaeProgress::Phase> phases;
        const auto result = trainShapeVae(o, [&](const ShapeVaeProgress& p) {
            phases.push_back(p.phase);
            if (p.phase == ShapeVaeProgress::Phase::Step) {
                ++steps;
                lastEta = p.etaSeconds;
                QVERIFY(p.itemsPerSecond > 0);
                QVERIFY(p.beta >= 0 && p.beta <= o.klWeight);
            }
            if (p.phase == ShapeVaeProgress::Phase::EpochEnd) {
                recon.push_back(p.recon);
                heldOut.push_back(p.heldOutL1);
            }
            if (p.phase == ShapeVaeProgress::Phase::Checkpoint) ++checkpoints;
        });
        QVERIFY(result.finished);
        QCOMPARE(recon.size(), std::size_t(10));
        QCOMPARE(steps, 10 * 4);  // 16 training shapes / batch 4
        QCOMPARE(checkpoints, 10);
        QCOMPARE(lastEta, 0.0);
        // After the last checkpoint: the package is written (announced), then finished.
        QVERIFY(phases.size() >= 3);
        QCOMPARE(phases[phases.size() - 3], ShapeVaeProgress::Phase::Checkpoint);
        QCOMPARE(phases[phases.size() - 2], ShapeVaeProgress::Phase::Packaging);
        QCOMPARE(phases.back(), ShapeVaeProgress::Phase::Finished);
        QCOMPARE(std::count(phases.begin(), phases.end(), ShapeVaeProgress::Phase::Packaging), 1);
        qInfo("recon epoch 1 %.4f -> epoch 10 %.4f; held-out L1 %.4f -> %.4f", recon.front(),
              recon.back(), heldOut.front(), heldOut.back());
        QVERIFY(recon.back() < 0.7 * recon.front());
        QVERIFY(heldOut.back() < heldOut.front());

        const ModelPackage package = loadModelPackage(o.outDir);
        QCOMPARE(package.manifest.kind, ModelKind::ShapeVae);
        QCOMPARE(package.manifest.latentSize, 8);
        QCOMPARE(package.manifest.gridResolution.value_or(0), 16);
        QCOMPARE(package.manifest.training.seed, std::uint64_t(11));
        QCOMPARE(package.manifest.training.commandLine, std::string("tst_shapevaetrainer"));
        QCOMPARE(package.manifest.weights.dtype, std::string("F16"));
        QVERIFY(package.manifest.metrics.contains("held_out_sdf_l1"));
        QCOMPARE(package.weights.at("decoder.project.weight").dtype, DType::F16);
        QCOMPARE(package.weights.at("latent_pca.directions").shape, (std::vector<std::int64_t>{4, 8}));
        QCOMPARE(package.weights.at("latent_pca.stddev").shape, (std::vector<std::int64_t>{4}));

        // The inference wrapper loads it and decodes deterministically at both heads.
        const ShapeModel model = ShapeModel::load(o.outDir);
        QCOMPARE(model.latentSize(), 8);
        QCOMPARE(model.coarseResolution(), 8);
        QCOMPARE(model.directions().count(), 4);
        const auto sigma = model.directions().sigma;
        QVERIFY(sigma[0] >= sigma[1] && sigma[1] >= sigma[2] && sigma[3] >= 0);
        const auto z = model.directions().mean;
        const SdfGrid fine = model.decode(z, 16);
        QCOMPARE(fine.values.size(), std::size_t(16 * 16 * 16));
        QCOMPARE(model.decode(z, 16).values, fine.values);
        QCOMPARE(model.decode(z, 8).values.size(), std::size_t(8 * 8 * 8));
        QCOMPARE(model.decode(z, 32).resolution, 32);
        for (float v : fine.values) QVERIFY(std::abs(v) <= model.truncation());
        // Encoding a decoded shape lands near the code it came from (a trained, not random, model).
        SdfGrid grid;
        grid.resolution = 16;
        grid.truncation = 0.25f;
        const auto sdf = test::syntheticSdf(1, 16, 0.25f, 99).contiguous();
        grid.values.assign(sdf.data_ptr<float>(), sdf.data_ptr<float>() + sdf.numel());
        QCOMPARE(model.encode(grid).size(), std::size_t(8));
        QVERIFY_THROWS_EXCEPTION(lf::Error, model.decode(Latent(7, 0.f), 16));
        QVERIFY_THROWS_EXCEPTION(lf::Error, model.decode(Latent(8, NAN), 16));
        QVERIFY_THROWS_EXCEPTION(lf::Error, model.decode(z, 4));
        grid.values.pop_back();
        QVERIFY_THROWS_EXCEPTION(lf::Error, model.encode(grid));
    }

    void resumeMatchesUninterruptedRun() {
        auto whole = tinyOptions(data_, path(dir_, "whole"));
        whole.checkpointEverySteps = 5;
        const auto a = trainShapeVae(whole);
        QVERIFY(a.finished);

        auto part = tinyOptions(data_, path(dir_, "part"));
        part.checkpointEverySteps = 5;
        part.stopAfterSteps = 6;  // mid-epoch (4 steps per epoch)
        const auto first = trainShapeVae(part);
        QVERIFY(!first.finished);
        QCOMPARE(first.steps, std::int64_t(6));
        QVERIFY(!std::filesystem::exists(part.outDir / "model.json"));
        part.stopAfterSteps = 0;
        part.resume = true;
        std::int64_t firstReported = -1;
        const auto second = trainShapeVae(part, [&](const ShapeVaeProgress& p) {
            if (firstReported < 0 && p.phase == ShapeVaeProgress::Phase::Step) firstReported = p.step;
        });
        QVERIFY(second.finished);
        QCOMPARE(firstReported, std::int64_t(7));
        QCOMPARE(second.steps, a.steps);

        const auto ca = readSafetensors(whole.outDir / kCheckpointFileName);
        const auto cb = readSafetensors(part.outDir / kCheckpointFileName);
        QVERIFY(sameModelTensors(ca, cb));
        QCOMPARE(ca.metadata.at("epoch_loss"), cb.metadata.at("epoch_loss"));
        const auto wa = readSafetensors(whole.outDir / "weights.safetensors");
        const auto wb = readSafetensors(part.outDir / "weights.safetensors");
        QVERIFY(sameModelTensors(wa, wb));
        QCOMPARE(a.trainLoss, second.trainLoss);
        // The packages say how they were made: one session, or two split at step 6.
        const auto sessions = loadModelPackage(part.outDir).manifest.extras["training_sessions"];
        QCOMPARE(sessions.size(), std::size_t(2));
        QCOMPARE(sessions[0]["to_step"].get<std::int64_t>(), std::int64_t(6));
        QCOMPARE(sessions[1]["from_step"].get<std::int64_t>(), std::int64_t(6));
        QCOMPARE(sessions[1]["to_step"].get<std::int64_t>(), a.steps);
        QCOMPARE(sessions[1]["command_line"].get<std::string>(), part.commandLine);
        QVERIFY(sessions[0]["seconds"].get<double>() > 0 && sessions[1]["seconds"].get<double>() > 0);
        QCOMPARE(loadModelPackage(whole.outDir).manifest.extras["training_sessions"].size(), std::size_t(1));

        // A different seed is a different run and must differ (the comparison above can fail).
        auto other = tinyOptions(data_, path(dir_, "other"));
        other.seed = 12;
        other.epochs = 1;
        trainShapeVae(other);
        QVERIFY(!sameModelTensors(readSafetensors(other.outDir / kCheckpointFileName), ca));
    }

    void learningRateSchedule() {
        // 4 epochs of 10 steps, the last 2 decayed: constant for steps 0..19, then a half cosine
        // from the base at step 20 down to 2 % at step 39.
        auto lr = [](std::int64_t step, int decay) { return scheduledLearningRate(1e-3, step, 10, 4, decay); };
        for (const std::int64_t s : {0, 7, 19}) QCOMPARE(lr(s, 2), 1e-3);
        QCOMPARE(lr(20, 2), 1e-3);
        QVERIFY(std::abs(lr(39, 2) - 2e-5) < 1e-12);
        // A half cosine is point-symmetric about the window's middle.
        for (int k = 0; k < 20; ++k) QVERIFY(std::abs(lr(20 + k, 2) + lr(39 - k, 2) - (1e-3 + 2e-5)) < 1e-12);
        for (std::int64_t s = 20; s < 39; ++s) QVERIFY(lr(s + 1, 2) < lr(s, 2));
        for (const std::int64_t s : {0, 20, 39}) QCOMPARE(lr(s, 0), 1e-3);  // no decay: constant
        QCOMPARE(lr(0, 4), 1e-3);
        QVERIFY(lr(1, 4) < 1e-3);  // the whole run decays
        QVERIFY_THROWS_EXCEPTION(lf::Error, checkLearningRateDecay(5, 4));
        QVERIFY_THROWS_EXCEPTION(lf::Error, checkLearningRateDecay(-1, 4));
        checkLearningRateDecay(4, 4);
    }

    void extendingARunWithDecayMatchesAFreshRun() {
        // The shipped model was trained this way: N constant epochs, then resumed with more
        // epochs and a decay window that starts where the first run ended.
        auto fresh = tinyOptions(data_, path(dir_, "decay-fresh"));
        fresh.lrDecayEpochs = 1;
        QVERIFY(trainShapeVae(fresh).finished);

        auto extended = tinyOptions(data_, path(dir_, "decay-extended"));
        extended.epochs = 2;
        QVERIFY(trainShapeVae(extended).finished);
        extended.epochs = 3;
        extended.lrDecayEpochs = 1;
        extended.resume = true;
        QVERIFY(trainShapeVae(extended).finished);

        const auto a = readSafetensors(fresh.outDir / kCheckpointFileName);
        QVERIFY(sameModelTensors(a, readSafetensors(extended.outDir / kCheckpointFileName)));
        // And the decay changed the weights: a constant-LR run of 3 epochs differs.
        auto constant = tinyOptions(data_, path(dir_, "decay-constant"));
        QVERIFY(trainShapeVae(constant).finished);
        QVERIFY(!sameModelTensors(a, readSafetensors(constant.outDir / kCheckpointFileName)));
        QCOMPARE(loadModelPackage(fresh.outDir).manifest.extras["training_hyperparameters"]["lr_decay_epochs"].get<int>(), 1);
    }

    void resumingAtTheEndKeepsTheLastEpochsMeans() {
        // Re-writing a finished run's package (--resume with the same epochs) reports the same
        // epoch means, not the last step's loss.
        auto o = tinyOptions(data_, path(dir_, "rewrite"));
        o.epochs = 1;
        const auto first = trainShapeVae(o);
        o.resume = true;
        const auto again = trainShapeVae(o);
        QVERIFY(again.finished);
        QCOMPARE(again.steps, first.steps);
        QCOMPARE(again.trainLoss, first.trainLoss);
        QCOMPARE(again.trainRecon, first.trainRecon);
        QCOMPARE(again.trainKl, first.trainKl);
        const auto checkpoint = readSafetensors(o.outDir / kCheckpointFileName);
        QVERIFY(checkpoint.metadata.at("epoch_mean_loss") != checkpoint.metadata.at("last_loss"));
        // The re-write is a session that ran no steps.
        const auto sessions = loadModelPackage(o.outDir).manifest.extras["training_sessions"];
        QCOMPARE(sessions.size(), std::size_t(2));
        QCOMPARE(sessions[1]["from_step"], sessions[1]["to_step"]);
    }

    void checkpointsWithoutSessionsStillResume() {
        // A checkpoint from before sessions were recorded: one session of unknown command.
        auto o = tinyOptions(data_, path(dir_, "sessionless"));
        o.epochs = 1;
        trainShapeVae(o);
        const auto file = o.outDir / kCheckpointFileName;
        auto contents = readSafetensors(file);
        const std::int64_t steps = std::stoll(contents.metadata.at("step"));
        contents.metadata.erase(kSessionsMetadataKey);
        writeSafetensors(file, contents);
        o.epochs = 2;
        o.resume = true;
        QVERIFY(trainShapeVae(o).finished);
        const auto sessions = loadModelPackage(o.outDir).manifest.extras["training_sessions"];
        QCOMPARE(sessions.size(), std::size_t(2));
        QVERIFY(sessions[0]["command_line"].is_null());
        QCOMPARE(sessions[0]["to_step"].get<std::int64_t>(), steps);
        // A damaged list is refused with a clear error.
        contents = readSafetensors(file);
        contents.metadata[kSessionsMetadataKey] = "{not json";
        writeSafetensors(file, contents);
        const std::string msg = errorOf([&] { trainShapeVae(o); });
        QVERIFY2(msg.find("not a list of sessions") != std::string::npos, msg.c_str());
    }

    void resumeRefusesMismatchedOrMissingCheckpoint() {
        auto o = tinyOptions(data_, path(dir_, "whole"));  // has a checkpoint from the test above
        o.resume = true;
        o.batchSize = 5;
        std::string msg = errorOf([&] { trainShapeVae(o); });
        QVERIFY2(msg.find("different batch") != std::string::npos, msg.c_str());
        o = tinyOptions(data_, path(dir_, "whole"));
        o.resume = true;
        o.decoderWidths = {8, 6};
        msg = errorOf([&] { trainShapeVae(o); });
        QVERIFY2(msg.find("different architecture") != std::string::npos, msg.c_str());
        o = tinyOptions(data_, path(dir_, "nothing-here"));
        o.resume = true;
        msg = errorOf([&] { trainShapeVae(o); });
        QVERIFY2(msg.find("no checkpoint") != std::string::npos, msg.c_str());
        // A corrupt checkpoint is refused with a clear error, not a crash.
        const auto corrupt = path(dir_, "corrupt");
        std::filesystem::create_directories(corrupt);
        { std::ofstream(corrupt / kCheckpointFileName) << "not a safetensors file"; }
        o = tinyOptions(data_, corrupt);
        o.resume = true;
        QVERIFY_THROWS_EXCEPTION(lf::Error, trainShapeVae(o));
    }

    void fineTuningStartsFromAPackage() {
        auto base = tinyOptions(data_, path(dir_, "tune-base"));
        base.epochs = 6;
        const auto baseResult = trainShapeVae(base);
        QVERIFY(baseResult.finished);
        const ModelManifest baseManifest = loadModelPackage(base.outDir).manifest;

        // One epoch from the package against one from a random start, same data, seed and rate.
        auto firstLoss = [](const ShapeVaeTrainingOptions& o, ShapeVaeTrainingResult& result) {
            double first = -1;
            result = trainShapeVae(o, [&](const ShapeVaeProgress& p) {
                if (first < 0 && p.phase == ShapeVaeProgress::Phase::Step) first = p.recon;
            });
            return first;
        };
        auto tuned = tinyOptions(data_, path(dir_, "tune-tuned"));
        tuned.epochs = 1;
        tuned.initFrom = base.outDir;
        tuned.latentSize = 5;  // ignored: the package's architecture is used
        tuned.decoderWidths = {6, 6};
        auto fresh = tinyOptions(data_, path(dir_, "tune-fresh"));
        fresh.epochs = 1;
        ShapeVaeTrainingResult tunedResult, freshResult;
        const double tunedFirst = firstLoss(tuned, tunedResult);
        const double freshFirst = firstLoss(fresh, freshResult);
        qInfo("first step recon: fine-tuned %.4f, fresh %.4f, the package's last epoch %.4f; held-out L1 after one "
              "epoch %.4f vs %.4f", tunedFirst, freshFirst, baseResult.trainRecon, tunedResult.heldOutL1,
              freshResult.heldOutL1);
        // The fine-tuning starts where the package ended, a fresh run far above it.
        QVERIFY(tunedFirst > 0 && tunedFirst < 1.25 * baseResult.trainRecon);
        QVERIFY(freshFirst > 1.5 * baseResult.trainRecon);
        QVERIFY(tunedResult.heldOutL1 < freshResult.heldOutL1);
        QCOMPARE(tunedResult.config.toJson(), ShapeVaeConfig::fromJson(baseManifest.architecture).toJson());

        const ModelManifest manifest = loadModelPackage(tuned.outDir).manifest;
        const auto& from = manifest.extras["fine_tuned_from"];
        QCOMPARE(from["id"].get<std::string>(), baseManifest.id);
        QCOMPARE(from["weights_sha256"].get<std::string>(), baseManifest.weights.sha256);
        QCOMPARE(from["epochs"].get<int>(), 6);
        QCOMPARE(from["command_line"].get<std::string>(), baseManifest.training.commandLine);
        QVERIFY(!from.contains("fine_tuned_from"));
        QVERIFY(ShapeModel::load(tuned.outDir).latentSize() == 8);

        // A fine-tuning of the fine-tuned package keeps the chain.
        auto again = tinyOptions(data_, path(dir_, "tune-again"));
        again.epochs = 1;
        again.initFrom = tuned.outDir;
        QVERIFY(trainShapeVae(again).finished);
        const auto chain = loadModelPackage(again.outDir).manifest.extras["fine_tuned_from"];
        QCOMPARE(chain["weights_sha256"].get<std::string>(), manifest.weights.sha256);
        QCOMPARE(chain["fine_tuned_from"]["weights_sha256"].get<std::string>(), baseManifest.weights.sha256);

        // Its checkpoint resumes only from the same package.
        tuned.resume = true;
        tuned.initFrom = again.outDir;
        std::string msg = errorOf([&] { trainShapeVae(tuned); });
        QVERIFY2(msg.find("different init_from_weights_sha256") != std::string::npos, msg.c_str());
        tuned.initFrom.clear();  // and the package's architecture given instead: still another run
        tuned.latentSize = base.latentSize;
        tuned.decoderWidths = base.decoderWidths;
        msg = errorOf([&] { trainShapeVae(tuned); });
        QVERIFY2(msg.find("different init_from_weights_sha256") != std::string::npos, msg.c_str());
        tuned.initFrom = base.outDir;
        QVERIFY(trainShapeVae(tuned).finished);  // the run's own end: re-written, nothing lost

        // A missing or damaged package is refused before anything is written.
        auto bad = tinyOptions(data_, path(dir_, "tune-missing"));
        bad.initFrom = path(dir_, "no-such-package");
        msg = errorOf([&] { trainShapeVae(bad); });
        QVERIFY2(msg.find("--init-from") != std::string::npos, msg.c_str());
        QVERIFY(!std::filesystem::exists(bad.outDir));
        const auto damaged = path(dir_, "tune-damaged");
        std::filesystem::copy(base.outDir, damaged);
        std::filesystem::resize_file(damaged / "weights.safetensors",
                                     std::filesystem::file_size(damaged / "weights.safetensors") / 2);
        bad.initFrom = damaged;
        msg = errorOf([&] { trainShapeVae(bad); });
        QVERIFY2(msg.find("--init-from") != std::string::npos, msg.c_str());
        QVERIFY(!std::filesystem::exists(bad.outDir));
    }

    void fullDiskKeepsTheLastCheckpoint() {
        auto o = tinyOptions(data_, path(dir_, "full"));
        o.epochs = 1;
        o.pcaComponents = 2;
        trainShapeVae(o);
        const auto file = o.outDir / kCheckpointFileName;
        const auto before = readSafetensors(file);
        QCOMPARE(before.metadata.at("step"), std::string("4"));
        std::filesystem::remove(o.outDir / "model.json");

        // Writes beyond 16 KiB fail (root ignores permissions, not RLIMIT_FSIZE).
        o.epochs = 2;
        o.resume = true;
        std::string msg;
        {
            const lf::test::FileSizeLimit limit(16 * 1024);
            QVERIFY(limit.applied());
            msg = errorOf([&] { trainShapeVae(o); });
        }
        QVERIFY2(msg.find(kCheckpointFileName) != std::string::npos, msg.c_str());

        const auto after = readSafetensors(file);  // intact, still the step-4 checkpoint
        QCOMPARE(after.metadata.at("step"), std::string("4"));
        QVERIFY(sameModelTensors(before, after));
        QVERIFY(!std::filesystem::exists(o.outDir / "model.json"));
        // And the run can go on once there is space again.
        QVERIFY(trainShapeVae(o).finished);
    }

    void badInputsAreRefused() {
        auto o = tinyOptions(path(dir_, "missing.safetensors"), path(dir_, "bad"));
        QVERIFY_THROWS_EXCEPTION(lf::Error, trainShapeVae(o));

        const auto noSdf = path(dir_, "nosdf.safetensors");
        SafetensorsContents c;
        c.tensors.push_back(ml::tensorToRecord("other", torch::zeros({2, 16, 16, 16})));
        writeSafetensors(noSdf, c);
        o = tinyOptions(noSdf, path(dir_, "bad"));
        std::string msg = errorOf([&] { trainShapeVae(o); });
        QVERIFY2(msg.find("no \"sdf\" tensor") != std::string::npos, msg.c_str());

        const auto flat = path(dir_, "flat.safetensors");
        c.tensors = {ml::tensorToRecord("sdf", torch::zeros({2, 16, 16}))};
        writeSafetensors(flat, c);
        o = tinyOptions(flat, path(dir_, "bad"));
        QVERIFY_THROWS_EXCEPTION(lf::Error, trainShapeVae(o));

        o = tinyOptions(data_, path(dir_, "bad"));
        o.epochs = 0;
        QVERIFY_THROWS_EXCEPTION(lf::Error, trainShapeVae(o));
        o = tinyOptions(data_, path(dir_, "bad"));
        o.lrDecayEpochs = 4;  // more than the 3 epochs
        msg = errorOf([&] { trainShapeVae(o); });
        QVERIFY2(msg.find("--lr-decay-epochs") != std::string::npos, msg.c_str());
        o = tinyOptions(data_, path(dir_, "bad"));
        o.device = "tpu";
        QVERIFY_THROWS_EXCEPTION(lf::Error, trainShapeVae(o));
        if (!torch::cuda::is_available()) {
            o.device = "cuda";
            msg = errorOf([&] { trainShapeVae(o); });
            QVERIFY2(msg.find("CUDA is not available") != std::string::npos, msg.c_str());
        }
        o = tinyOptions(data_, path(dir_, "bad"));
        o.encoderWidths = {4};
        QVERIFY_THROWS_EXCEPTION(lf::Error, trainShapeVae(o));
    }

    void blendTargetsKeepBothShapesMaterial() {
        const auto grids = test::syntheticSdf(2, 16, 0.25f, 5).unsqueeze(1);
        const auto a = grids[0].unsqueeze(0), b = grids[1].unsqueeze(0);
        auto blend = [&](double t, double unionAmount) {
            return blendTarget(a, b, torch::full({1}, float(t)), unionAmount);
        };
        QVERIFY(torch::allclose(blend(0, 1), a));
        QVERIFY(torch::allclose(blend(1, 0.85), b));
        QVERIFY(torch::allclose(blend(0.5, 1), torch::min(a, b)));
        QVERIFY(torch::allclose(blend(0.5, 0), 0.5 * (a + b)));
        // Between the lerp (all that plain training asks for) and the union, deeper with t -> 0.5.
        const auto lerp = 0.75 * a + 0.25 * b;
        const auto quarter = blend(0.25, 0.85);
        QVERIFY((quarter <= lerp + 1e-6).all().item<bool>());
        QVERIFY((quarter >= torch::min(a, b) - 1e-6).all().item<bool>());
        QVERIFY((quarter - lerp).abs().sum().item<double>() > 1);
        QVERIFY((blend(0.5, 0.85) - quarter).sum().item<double>() < 0);
        // Per-row t: row k blends at its own t.
        const auto rows = blendTarget(torch::cat({a, a}), torch::cat({b, b}), torch::tensor({0.0f, 0.5f}), 1);
        QVERIFY(torch::allclose(rows[0], a[0]));
        QVERIFY(torch::allclose(rows[1], torch::min(a, b)[0]));

        // slerpRows is LatentMath's slerp row by row, parallel and zero rows included.
        torch::manual_seed(3);
        auto za = torch::randn({4, 8}), zb = torch::randn({4, 8});
        zb[2] = 2 * za[2];
        za[3].zero_();
        const auto t = torch::tensor({0.3f, 0.5f, 0.7f, 0.4f});
        const auto z = slerpRows(za, zb, t);
        auto latent = [](const torch::Tensor& row) {
            const auto c = row.contiguous();
            return Latent(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        };
        for (int k = 0; k < 4; ++k) {
            const Latent expected = slerp(latent(za[k]), latent(zb[k]), t[k].item<double>());
            const Latent got = latent(z[k]);
            for (std::size_t i = 0; i < got.size(); ++i) QVERIFY(std::abs(got[i] - expected[i]) < 1e-5f);
        }
        // Training differentiates through it: finite gradients for parallel and opposite codes too.
        auto codes = torch::randn({2, 8}).requires_grad_(true);
        slerpRows(codes, torch::stack({2 * codes[0], -codes[1]}), torch::tensor({0.5f, 0.5f})).sum().backward();
        QVERIFY(codes.grad().isfinite().all().item<bool>());
    }

    void blendObjectiveTeachesTheDecoderWhatLiesBetween() {
        // The same tiny run with and without the blend objective: its halfway decodes between
        // training shapes come closer to the material-keeping blend, its reconstructions stay.
        auto plain = tinyOptions(data_, path(dir_, "plain"));
        plain.epochs = 100;
        auto blended = tinyOptions(data_, path(dir_, "blended"));
        blended.epochs = 100;
        blended.blendWeight = 1;
        blended.blendUnion = 0.85;
        double plainBlendSeen = 0, blendSeen = 0;
        const auto a = trainShapeVae(plain, [&](const ShapeVaeProgress& p) { plainBlendSeen += p.blend; });
        const auto b = trainShapeVae(blended, [&](const ShapeVaeProgress& p) {
            if (p.phase == ShapeVaeProgress::Phase::Step) QVERIFY(p.blend > 0);
            blendSeen += p.blend;
        });
        QCOMPARE(plainBlendSeen, 0.0);
        QVERIFY(blendSeen > 0 && b.trainBlend > 0);
        QCOMPARE(a.trainBlend, 0.0);

        auto halfwayError = [&](const std::filesystem::path& package) {
            ShapeVae vae(ShapeVaeConfig::fromJson(loadModelPackage(package).manifest.architecture));
            loadShapeVaeWeights(vae, readSafetensors(package / "weights.safetensors"), package.string());
            vae->eval();
            torch::NoGradGuard noGrad;
            const auto x = test::syntheticSdf(20, 16, 0.25f, 7).unsqueeze(1);  // the training set
            const auto first = torch::arange(0, 10), second = torch::arange(10, 20);
            const auto mu = vae->encoder->forward(x).first;
            const auto t = torch::full({10}, 0.5f);
            const auto decoded = vae->decoder->forward(slerpRows(mu.index_select(0, first), mu.index_select(0, second), t));
            const auto target = blendTarget(x.index_select(0, first), x.index_select(0, second), t, 0.85);
            return (decoded - target).abs().mean().item<double>();
        };
        const double plainError = halfwayError(plain.outDir), blendError = halfwayError(blended.outDir);
        qInfo("halfway L1 to the blend target: plain %.4f, blend objective %.4f; held-out L1 %.4f, %.4f",
              plainError, blendError, a.heldOutL1, b.heldOutL1);
        QVERIFY(blendError < 0.8 * plainError);
        QVERIFY(b.heldOutL1 < 1.3 * a.heldOutL1);

        const auto manifest = loadModelPackage(blended.outDir).manifest;
        const auto& hyper = manifest.extras.at("training_hyperparameters");
        QCOMPARE(hyper.at("blend_weight").get<double>(), 1.0);
        QCOMPARE(hyper.at("blend_union").get<double>(), 0.85);
        QVERIFY(manifest.metrics.at("train_blend").get<double>() > 0);

        // The objective is part of the run: resuming with another weight is refused.
        blended.resume = true;
        blended.blendWeight = 0.5;
        const std::string msg = errorOf([&] { trainShapeVae(blended); });
        QVERIFY2(msg.find("different blend_weight") != std::string::npos, msg.c_str());
        // Turned off, too: the checkpoint records it only when on, and its extra entry counts.
        blended.blendWeight = 0;
        const std::string off = errorOf([&] { trainShapeVae(blended); });
        QVERIFY2(off.find("different blend_") != std::string::npos && off.find("vs none") != std::string::npos,
                 off.c_str());
    }

    void blendObjectiveSkipsPairsOfOneFamily() {
        // Blends within a family hold together on their own: a one-family set has no pairs.
        const auto dataPath = path(dir_, "bottles.safetensors");
        writeSafetensors(dataPath, labelledDataset(8, {"bottle"}));
        auto o = tinyOptions(dataPath, path(dir_, "bottles"));
        o.epochs = 1;
        o.heldOutFraction = 0;
        o.blendWeight = 1;
        int steps = 0;
        const auto result = trainShapeVae(o, [&](const ShapeVaeProgress& p) {
            if (p.phase != ShapeVaeProgress::Phase::Step) return;
            ++steps;
            QCOMPARE(p.blend, 0.0);
        });
        QVERIFY(result.finished);
        QCOMPARE(steps, 2);
    }

    void packagesStoreEachFamilysTypicalShape() {
        // A procedural set with family labels (the synthetic one has none: no prior, no typical
        // shapes, which lossFallsAndPackageIsWritten covers).
        const auto dataPath = path(dir_, "families.safetensors");
        const SafetensorsContents data = labelledDataset(15, {"bottle", "knob", "mug"});
        writeSafetensors(dataPath, data);
        auto o = tinyOptions(dataPath, path(dir_, "typical"));
        o.epochs = 2;
        QVERIFY(trainShapeVae(o).finished);

        // Each family's typical shape is the refined encoding (as `encode` does it) of one of its
        // training shapes, named in the manifest.
        const ShapeModel model = ShapeModel::load(o.outDir);
        const nlohmann::json& typical = model.manifest().extras.at("typical_shapes");
        QCOMPARE(int(model.prior().components.size()), 3);
        for (const auto& family : model.prior().components) {
            const int row = typical.at("dataset_rows").at(family.name).get<int>();
            QCOMPARE(shapeFamilies()[std::size_t(shapeDatasetFamily(data, row))]->name(), family.name);
            QCOMPARE(family.typical.size(), std::size_t(8));
            QCOMPARE(family.typical, model.encode(shapeDatasetGrid(data, row), kDefaultRefinement));
            QVERIFY(family.typical != family.mean);
        }
        QCOMPARE(typical.at("refinement").at("steps").get<int>(), kDefaultRefinement.steps);

        // A package made before typical shapes were stored gets the same ones from
        // storeTypicalShapes; everything else in its weights stays byte for byte.
        const auto older = path(dir_, "typical-older");
        ModelPackage p = loadModelPackage(o.outDir);
        std::erase_if(p.weights.tensors, [](const TensorRecord& r) { return r.name == "latent_prior.typical"; });
        p.manifest.extras.erase("typical_shapes");
        saveModelPackage(older, p.manifest, p.weights);
        QVERIFY(ShapeModel::load(older).prior().components[0].typical.empty());
        storeTypicalShapes(older, dataPath);
        const ModelPackage stored = loadModelPackage(older), original = loadModelPackage(o.outDir);
        QVERIFY(sameModelTensors(stored.weights, original.weights));
        QCOMPARE(stored.manifest.extras.at("typical_shapes"), typical);
        QCOMPARE(stored.manifest.weights.sha256, original.manifest.weights.sha256);

        // Refused: another dataset, one without family labels, a package that does not say how
        // it split its data, no package.
        std::string msg = errorOf([&] { storeTypicalShapes(older, data_); });
        QVERIFY2(msg.find("20 shapes, but the package was trained on families.safetensors (15 shapes") != std::string::npos,
                 msg.c_str());
        // labelled, but not the set it was trained on
        writeSafetensors(path(dir_, "other.safetensors"), labelledDataset(20, {"bottle", "knob", "mug"}));
        msg = errorOf([&] { storeTypicalShapes(older, path(dir_, "other.safetensors")); });
        QVERIFY2(msg.find("20 shapes, but") != std::string::npos, msg.c_str());
        test::writeSyntheticDataset(path(dir_, "unlabelled.safetensors"), 15, 16);  // the right size, no labels
        msg = errorOf([&] { storeTypicalShapes(older, path(dir_, "unlabelled.safetensors")); });
        QVERIFY2(msg.find("family labels") != std::string::npos, msg.c_str());
        ModelPackage unsplit = loadModelPackage(older);
        unsplit.manifest.extras.erase("training_hyperparameters");
        saveModelPackage(older, unsplit.manifest, unsplit.weights);
        msg = errorOf([&] { storeTypicalShapes(older, dataPath); });
        QVERIFY2(msg.find("held_out_fraction") != std::string::npos, msg.c_str());
        QVERIFY(!errorOf([&] { storeTypicalShapes(path(dir_, "no-such-package"), dataPath); }).empty());
    }

    void modelLoadRefusesBrokenPackages() {
        // Reuses the package from lossFallsAndPackageIsWritten.
        const auto pkg = path(dir_, "fall");
        const auto copy = path(dir_, "fall-copy");
        std::filesystem::copy(pkg, copy, std::filesystem::copy_options::recursive);
        auto package = loadModelPackage(copy);
        // Remove a network tensor and re-save (fresh hash): strict load must name it.
        auto weights = package.weights;
        weights.tensors.erase(std::remove_if(weights.tensors.begin(), weights.tensors.end(),
                                             [](const TensorRecord& t) { return t.name == "decoder.fine_head.bias"; }),
                              weights.tensors.end());
        saveModelPackage(copy, package.manifest, weights);
        const std::string msg = errorOf([&] { ShapeModel::load(copy); });
        QVERIFY2(msg.find("missing tensor 'decoder.fine_head.bias'") != std::string::npos, msg.c_str());
        QVERIFY_THROWS_EXCEPTION(lf::Error, ShapeModel::load(path(dir_, "no-such-package")));
    }
};

QTEST_GUILESS_MAIN(TestShapeVaeTrainer)
#include "tst_shapevaetrainer.moc"

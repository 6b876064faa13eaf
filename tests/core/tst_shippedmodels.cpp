// The shipped default packages in models/: they load (hash, architecture), say how they were made
// (our training command, seed, data) and carry their evaluation; and they work: the default shape
// model's start shape and seeded samples decode to one watertight body, the what-if model gives
// identical images for identical requests.
#include "core/geometry/MeshReport.h"
#include "core/geometry/ShapeMeshing.h"
#include "core/ml/ProcessModel.h"
#include "core/ml/ShapeModel.h"
#include "core/model/ModelLocator.h"
#include "core/process/EffectMeasures.h"
#include "core/process/ProcessSimulator.h"
#include "latentforge/Version.h"

#include <QtTest>

#include <filesystem>
#include <optional>

namespace {

std::filesystem::path shipped(const char* id) { return std::filesystem::path(lf::kSourceDir) / "models" / id; }

}  // namespace

class TestShippedModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { lf::ml::setInferenceThreads(2); }

    void shapeModelIsTrainedEvaluatedAndDecodesToOneBody() {
        const auto model = lf::ml::ShapeModel::load(shipped(lf::kDefaultShapeModelId));
        const lf::ModelManifest& m = model.manifest();
        QVERIFY(m.training.commandLine.find("train shape-vae") != std::string::npos);
        QVERIFY(!m.training.data.empty());
        QCOMPARE(m.weights.dtype, std::string("F16"));  // compact: fp16 storage
        QVERIFY(model.gridResolution() >= 64);
        QVERIFY(model.directions().count() >= 8);
        QCOMPARE(int(model.prior().components.size()), 8);  // one Gaussian per family

        // The evaluation (eval shape-vae) is stored, at the sample sizes.
        const auto& e = m.metrics.at("evaluation");
        QVERIFY(e.at("held_out").at("shapes").get<int>() >= 200);
        QCOMPARE(e.at("samples").at("count").get<int>(), 200);
        QCOMPARE(e.at("samples").at("psi").get<double>(), 0.7);
        QCOMPARE(e.at("midpoints").at("count").get<int>(), 200);
        // Held-out shapes are encoded as `encode` does it (refined latent), the encoder alone beside.
        QCOMPARE(e.at("held_out").at("refinement").at("steps").get<int>(), lf::ml::kDefaultRefinement.steps);
        const double iou = e.at("held_out").at("iou").at("mean").get<double>();
        const double encoderIou = e.at("held_out").at("encoder_only").at("iou").at("mean").get<double>();
        QVERIFY2(iou > encoderIou + 0.03, qPrintable(QStringLiteral("%1 vs %2").arg(iou).arg(encoderIou)));
        const double samples = e.at("samples").at("one_watertight_body").get<double>();
        const double midpoints = e.at("midpoints").at("one_watertight_body").get<double>();
        qInfo("shapes-default: held-out IoU %.3f (encoder alone %.3f), one watertight body: samples %.3f, "
              "midpoints %.3f", iou, encoderIou, samples, midpoints);
        // Samples are new designs, not copies: as far from the training set as unseen shapes are.
        QVERIFY(e.at("novelty").at("samples").at("median").get<double>() >=
                e.at("novelty").at("held_out").at("median").get<double>());
        QVERIFY(samples >= 0.95);  // the bars for random samples and reconstruction
        QVERIFY(iou >= 0.90);
        // The midpoint bar (95 % one body) is not reached (docs/SHAPES.md: across families the
        // training shapes' own voxel average holds together no more often); an improved package
        // makes this check XPASS, which fails the suite until the expectation is updated.
        const double average = e.at("midpoints").at("training_grid_average").at("one_watertight_body").get<double>();
        qInfo("shapes-default: midpoint pairs' training grids averaged: %.3f one watertight body", average);
        QEXPECT_FAIL("", "shapes-default: midpoints below 95 % one watertight body", Continue);
        QVERIFY(midpoints >= 0.95);

        // What the GUI starts on (the first family's typical shape at the default psi) and every
        // family jump at it, and seeds as `sample` draws them, decode in the product pipeline to
        // one watertight body.
        for (const auto& family : model.prior().components) {
            QVERIFY2(family.typical.size() == family.mean.size(), family.name.c_str());
            const auto shown = lf::computeMeshReport(lf::decodeToMesh(
                model, lf::ml::truncate(family.typical, family.mean, lf::ml::kDefaultPsi), model.gridResolution()));
            QVERIFY2(shown.watertight && shown.bodies == 1, family.name.c_str());
        }
        int good = 0;
        for (std::uint64_t seed = 1; seed <= 20; ++seed) {
            const auto r = lf::computeMeshReport(
                lf::decodeToMesh(model, lf::ml::seededLatent(model, seed, 0.7), model.gridResolution()));
            good += r.watertight && r.bodies == 1;
        }
        QVERIFY2(good >= 16, qPrintable(QString::number(good)));

        // The interpolation panel's cross-family hint names the family a latent resembles: on
        // seeded designs that is the family the seed drew from.
        int attributed = 0;
        for (std::uint64_t seed = 1; seed <= 200; ++seed) {
            attributed += lf::ml::likeliestComponent(model.prior(), lf::ml::seededLatent(model, seed, 0.7)) ==
                          lf::ml::samplePrior(model.prior(), seed, 0.7).component;
        }
        qInfo("shapes-default: %d of 200 seeded designs attributed to their own family", attributed);
        QVERIFY2(attributed >= 190, qPrintable(QString::number(attributed)));
    }

    void processModelIsTrainedAndReproducible() {
        const auto model = lf::ml::ProcessModel::load(shipped(lf::kDefaultProcessModelId), "cpu");
        const lf::ModelManifest& m = model.manifest();
        QVERIFY(m.training.commandLine.find("train process-diffusion") != std::string::npos);
        // Trained on the pictures this build's simulator draws and measured against it, so that
        // its evaluation and the What-if panel's comparison against the simulator mean what they say.
        QCOMPARE(model.simulatorRevision(), std::optional<int>(lf::process::kSimulatorRevision));
        QVERIFY2(m.training.data.starts_with("simulator revision " + std::to_string(lf::process::kSimulatorRevision) + ","),
                 m.training.data.c_str());
        // The evaluation (eval process-diffusion) is stored: reproducible, every effect measured,
        // held-out points included.
        const auto& e = m.metrics.at("evaluation");
        QCOMPARE(e.at("simulator_revision").get<int>(), lf::process::kSimulatorRevision);
        QVERIFY(e.at("same_seed_reproducible").get<bool>());
        QVERIFY(e.at("points").at("held_out").get<int>() >= 4);
        QVERIFY(e.at("points").at("grid").get<int>() >= 120);  // enough images for a stable rank correlation
        QCOMPARE(int(e.at("spearman_severity_vs_measured").size()), 8);
        int below = 0;
        for (const auto& [name, rho] : e.at("spearman_severity_vs_measured").items()) {
            qInfo("process-default %s: Spearman %.3f (simulator %.3f)", name.c_str(), rho.at("generated").get<double>(),
                  rho.at("simulator").get<double>());
            below += rho.at("generated").get<double>() < 0.9;
        }
        // The bar: rho >= 0.9 for every effect on the stored grid (burn marks, the last
        // to get there, at 0.912; docs/PROCESS_DIFFUSION.md).
        QCOMPARE(below, 0);
        lf::ml::ProcessSampleRequest request;
        request.parameters = lf::process::ProcessParameters::nominal();
        request.seeds = {5};
        request.sampling.steps = 4;
        const auto a = model.sample(request), b = model.sample(request);
        QCOMPARE(a.images.size(), std::size_t(1));
        QVERIFY(a.images[0].pixels == b.images[0].pixels);
        // A moulded part, not noise: the image-only measures find it on the tray (they throw
        // when nothing stands out).
        const auto effects = lf::process::measureEffects(lf::process::toFloat(a.images[0]));
        QVERIFY(effects.values[0] < 0.5);  // at nominal settings the lid is not a short shot
    }
};

QTEST_GUILESS_MAIN(TestShippedModels)
#include "tst_shippedmodels.moc"

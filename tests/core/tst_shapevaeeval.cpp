// eval shape-vae's logic (core/geometry/ShapeVaeEval.h) on a tiny trained model: every metric is
// present and in range, the numbers are reproducible, a trained model scores above an untrained
// one, held-out shapes come from the training set's families, and bad input is refused.
#include "core/formats/Safetensors.h"
#include "core/geometry/ShapeMeshing.h"
#include "core/geometry/ShapeVaeEval.h"
#include "core/procedural/ShapeDataset.h"
#include "core/ml/ShapeModel.h"
#include "core/ml/ShapeVaeTrainer.h"
#include "core/util/Error.h"
#include "tests/common/ErrorOf.h"
#include "tests/ui/ShapeModelFixture.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

#include <optional>
#include <utility>
#include <vector>

namespace {

lf::ShapeEvalOptions smallEvaluation() {
    lf::ShapeEvalOptions o;
    o.heldOutShapes = 6;
    o.samples = 6;
    o.midpoints = 6;
    o.chamferPoints = 400;
    return o;
}

bool inUnitRange(const nlohmann::json& x) { return x.is_number() && x.get<double>() >= 0 && x.get<double>() <= 1; }

}  // namespace

class TestShapeVaeEval : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::filesystem::path root_;
    std::optional<lf::ml::ShapeModel> model_;
    lf::SafetensorsContents data_;
    nlohmann::json metrics_;

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QString error;
        const QString package = lf::test::trainTinyShapeModel(dir_.path(), &error);
        QVERIFY2(!package.isEmpty(), qPrintable(error));
        root_ = dir_.path().toStdString();
        model_.emplace(lf::ml::ShapeModel::load(package.toStdString()));
        data_ = lf::readSafetensors(root_ / "shapes.safetensors");
        metrics_ = lf::evaluateShapeModel(*model_, data_, smallEvaluation());
    }

    void everyMetricIsPresentAndInRange() {
        const auto& h = metrics_["held_out"];
        QCOMPARE(h["shapes"].get<int>(), 6);
        QCOMPARE(h["iou"]["count"].get<int>(), 6);
        QVERIFY(inUnitRange(h["iou"]["mean"]));
        QVERIFY(h["chamfer"]["mean"].get<double>() > 0 && h["chamfer"]["mean"].get<double>() < 2);
        for (const char* part : {"samples", "midpoints"}) {
            const auto& v = metrics_[part];
            QCOMPARE(v["count"].get<int>(), 6);
            for (const char* share : {"one_watertight_body", "one_watertight_shell", "watertight", "empty"})
                QVERIFY2(inUnitRange(v[share]), share);
            // One shell implies one body (a shell is a body or a void).
            QVERIFY(v["one_watertight_shell"].get<double>() <= v["one_watertight_body"].get<double>());
        }
        // The midpoints split into same- and cross-family pairs whose shares recombine.
        const auto& m = metrics_["midpoints"];
        const int same = m["same_family"]["count"].get<int>(), cross = m["cross_family"]["count"].get<int>();
        QCOMPARE(same + cross, 6);
        QVERIFY(inUnitRange(m["same_family"]["one_watertight_body"]));
        QVERIFY(inUnitRange(m["cross_family"]["one_watertight_body"]));
        const double recombined = (same * m["same_family"]["one_watertight_body"].get<double>() +
                                   cross * m["cross_family"]["one_watertight_body"].get<double>()) / 6.0;
        QVERIFY(std::abs(recombined - m["one_watertight_body"].get<double>()) < 1e-9);
        // Per family: a pair counts for both ends' families (once when they share one), only the
        // fixture's families appear, and the whole pairs' bodies add up across them.
        int pairEnds = 0;
        double bodies = 0;
        for (const auto& [family, figures] : m["per_family"].items()) {
            QVERIFY2(family == "bottle" || family == "knob" || family == "mug", family.c_str());
            QVERIFY(inUnitRange(figures["one_watertight_body"]));
            pairEnds += figures["count"].get<int>();
            bodies += figures["count"].get<int>() * figures["one_watertight_body"].get<double>();
        }
        QCOMPARE(pairEnds, same + 2 * cross);
        const double bodiesExpected = same * m["same_family"]["one_watertight_body"].get<double>() +
                                      2 * cross * m["cross_family"]["one_watertight_body"].get<double>();
        QVERIFY(std::abs(bodies - bodiesExpected) < 1e-9);
        // The same pairs' training grids averaged, counted the same way.
        const auto& average = m["training_grid_average"];
        QCOMPARE(average["count"].get<int>(), 6);
        QCOMPARE(average["same_family"]["count"].get<int>(), same);
        QCOMPARE(average["cross_family"]["count"].get<int>(), cross);
        for (const char* share : {"one_watertight_body", "watertight", "empty"}) QVERIFY2(inUnitRange(average[share]), share);
        // The panel's other path (lerp) over the same pairs, counted the same way.
        const auto& linear = m["linear"];
        QCOMPARE(linear["count"].get<int>(), 6);
        QCOMPARE(linear["same_family"]["count"].get<int>(), same);
        QVERIFY(linear["interpolation"].get<std::string>().starts_with("lerp"));
        for (const char* share : {"one_watertight_body", "watertight", "empty"}) QVERIFY2(inUnitRange(linear[share]), share);
        const auto& n = metrics_["novelty"];
        QVERIFY(inUnitRange(n["samples"]["median"]));
        QVERIFY(inUnitRange(n["held_out"]["median"]));
        QVERIFY(inUnitRange(n["samples_closer_than_held_out_p5"]));
    }

    void heldOutShapesComeFromTheTrainingFamilies() {
        // The fixture trains on bottle, knob and mug only.
        QStringList families;
        for (const auto& [name, value] : metrics_["held_out"]["per_family"].items()) {
            families << QString::fromStdString(name);
            QVERIFY(inUnitRange(value["iou_mean"]));
        }
        families.sort();
        QCOMPARE(families, QStringList({"bottle", "knob", "mug"}));
    }

    void reproducible() {
        nlohmann::json again = lf::evaluateShapeModel(*model_, data_, smallEvaluation());
        nlohmann::json first = metrics_;
        first.erase("seconds");
        again.erase("seconds");
        QCOMPARE(QString::fromStdString(again.dump()), QString::fromStdString(first.dump()));
    }

    void trainedModelScoresAboveAnUntrainedOne() {
        auto o = lf::test::tinyShapeTrainingOptions(root_);  // the same network, barely trained
        o.outDir = root_ / "untrained";
        o.epochs = 1;
        o.batchSize = 32;
        o.learningRate = 1e-6;
        o.modelId = "untrained";
        const auto untrained = lf::ml::ShapeModel::load(lf::ml::trainShapeVae(o).package);
        const auto poor = lf::evaluateShapeModel(untrained, data_, smallEvaluation());
        const double trainedIou = metrics_["held_out"]["iou"]["mean"].get<double>();
        const double untrainedIou = poor["held_out"]["iou"]["mean"].get<double>();
        QVERIFY2(trainedIou > untrainedIou + 0.1, qPrintable(QStringLiteral("%1 vs %2").arg(trainedIou).arg(untrainedIou)));
    }

    void refinementLowersTheReconstructionError() {
        // Shapes of the fixture, encoded by the encoder alone and then refined: the refined latent
        // decodes closer to the input near its surface (what gets meshed; the refinement's
        // objective weights it), for every shape; it is reproducible; and 0 steps is the
        // encoder's guess, the default of encode().
        const int r = model_->gridResolution();
        const float band = 2 * 2.0f / float(r);
        double oneShotSum = 0, refinedSum = 0;
        for (int i = 0; i < 4; ++i) {
            const lf::SdfGrid truth = lf::shapeDatasetGrid(data_, i);
            auto nearSurfaceError = [&](const lf::ml::Latent& z) {
                const lf::SdfGrid d = model_->decode(z, r);
                double sum = 0;
                int count = 0;
                for (std::size_t k = 0; k < d.values.size(); ++k) {
                    if (std::abs(truth.values[k]) >= band) continue;
                    sum += std::abs(d.values[k] - truth.values[k]);
                    ++count;
                }
                return sum / std::max(count, 1);
            };
            const auto oneShot = model_->encode(truth, {0, 0.1});
            QCOMPARE(model_->encode(truth), oneShot);
            lf::ml::Latent guess;
            const auto refined = model_->encode(truth, lf::ml::kDefaultRefinement, {}, &guess);
            QCOMPARE(guess, oneShot);  // where the refinement started, as the eval reports it
            QCOMPARE(model_->encode(truth, lf::ml::kDefaultRefinement), refined);
            const double before = nearSurfaceError(oneShot), after = nearSurfaceError(refined);
            qInfo("shape %d: near-surface |SDF error| encoder %.5f, refined %.5f", i, before, after);
            QVERIFY(after < before);
            oneShotSum += before;
            refinedSum += after;
        }
        QVERIFY(refinedSum < 0.95 * oneShotSum);
        const lf::SdfGrid truth = lf::shapeDatasetGrid(data_, 0);
        QVERIFY(lf::test::errorOf([&] { model_->encode(truth, {-1, 0.1}); }).find("refinement") != std::string::npos);
        QVERIFY(lf::test::errorOf([&] { model_->encode(truth, {10, 0}); }).find("refinement") != std::string::npos);
        // The evaluation reports the encoder alone beside the refined reconstruction.
        const auto& h = metrics_["held_out"];
        QCOMPARE(h["refinement"]["steps"].get<int>(), lf::ml::kDefaultRefinement.steps);
        QVERIFY(inUnitRange(h["encoder_only"]["iou"]["mean"]));
        QVERIFY(h["iou"]["mean"].get<double>() >= h["encoder_only"]["iou"]["mean"].get<double>() - 0.02);
    }

    void encodeTakesZUpMeshesAndPlacesInTheirFrame() {
        // encodeMesh takes a +z-up mesh (what decodeToMesh gives and the app shows): the same
        // latent as the model's own +y-up pipeline on the turned mesh, and a placement in the
        // mesh's own coordinates, so that decoding puts the shape back where the input stood.
        const lf::SdfGrid truth = lf::shapeDatasetGrid(data_, 0);
        lf::Mesh zUp = lf::closedShapeMesh(truth);
        for (lf::Vec3f& v : zUp.vertices) v = {40 * v[0] + 5, 40 * v[1] - 3, 40 * v[2] + 100};
        const lf::ml::LatentRefinement none{0, 0.1};
        const lf::EncodedShape encoded = lf::encodeMesh(*model_, zUp, none);
        lf::Mesh yUp = zUp;
        yUp.convertUpAxis(lf::UpAxis::Z, lf::UpAxis::Y);
        const lf::MeshSdfGrid sdf = lf::meshToSdfGrid(yUp, model_->gridResolution(), model_->truncation());
        QCOMPARE(encoded.latent, model_->encode(sdf.grid, none));
        // Encoding the mesh as it lies in the model's frame gives another latent.
        QVERIFY(lf::encodeMesh(*model_, yUp, none).latent != encoded.latent);
        const lf::BoundingBox in = zUp.bounds();
        for (int a = 0; a < 3; ++a)
            QVERIFY(std::abs(encoded.normalisation.centre[a] - in.center()[a]) < 1e-3f);
        const lf::BoundingBox normalised = [&] {
            lf::Mesh m = zUp;
            for (lf::Vec3f& v : m.vertices) v = encoded.normalisation.toNormalised(v);
            return m.bounds();
        }();
        for (int a = 0; a < 3; ++a) QVERIFY(std::abs(normalised.center()[a]) < 1e-4f);
    }
    void heldOutFiguresDoNotDependOnTheThreadCount() {
        // The held-out encodes run on `threads` workers (default 2, as metrics_ was made).
        auto o = smallEvaluation();
        o.threads = 1;
        o.samples = 1;
        o.midpoints = 0;
        const auto one = lf::evaluateShapeModel(*model_, data_, o);
        QCOMPARE(one["held_out"].dump(), metrics_["held_out"].dump());
        o.threads = 0;
        QVERIFY(lf::test::errorOf([&] { lf::evaluateShapeModel(*model_, data_, o); }).find("threads") != std::string::npos);
    }

    void refinementReportsProgressAndCancels() {
        const lf::SdfGrid truth = lf::shapeDatasetGrid(data_, 1);
        // Each step is announced in order, then the end (done == steps); reporting changes nothing.
        std::vector<std::pair<int, int>> calls;
        const auto z = model_->encode(truth, {5, 0.1}, [&](int done, int steps) {
            calls.emplace_back(done, steps);
            return true;
        });
        QCOMPARE(int(calls.size()), 6);
        for (int k = 0; k < 6; ++k) QCOMPARE(calls[std::size_t(k)], std::make_pair(k, 5));
        QCOMPARE(model_->encode(truth, {5, 0.1}), z);
        // Returning false stops before the next step: lf::Cancelled, an lf::Error, no latent.
        int seen = 0;
        bool cancelled = false;
        try {
            model_->encode(truth, {1000000, 0.1}, [&](int done, int) {
                seen = done;
                return done < 3;
            });
        } catch (const lf::Cancelled&) {
            cancelled = true;
        }
        QVERIFY(cancelled);
        QCOMPARE(seen, 3);
        // The encoder alone asks once, so it can be cancelled too.
        QVERIFY_THROWS_EXCEPTION(lf::Cancelled, model_->encode(truth, {0, 0.1}, [](int, int) { return false; }));
    }

    void badInputIsRefused() {
        auto o = smallEvaluation();
        o.samples = 0;
        QVERIFY(lf::test::errorOf([&] { lf::evaluateShapeModel(*model_, data_, o); }).find("at least 1") != std::string::npos);
        o = smallEvaluation();
        o.psi = 0;
        QVERIFY(lf::test::errorOf([&] { lf::evaluateShapeModel(*model_, data_, o); }).find("psi") != std::string::npos);
        // The model's weights are a safetensors file, but not a shape dataset.
        const auto weights = lf::readSafetensors(root_ / "tiny-shapes" / "weights.safetensors");
        QVERIFY(lf::test::errorOf([&] { lf::evaluateShapeModel(*model_, weights, smallEvaluation()); }).find("sdf") != std::string::npos);
        lf::SafetensorsContents noFamilies = data_;
        std::erase_if(noFamilies.tensors, [](const lf::TensorRecord& t) { return t.name == "family"; });
        QVERIFY(lf::test::errorOf([&] { lf::evaluateShapeModel(*model_, noFamilies, smallEvaluation()); }).find("family") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestShapeVaeEval)
#include "tst_shapevaeeval.moc"

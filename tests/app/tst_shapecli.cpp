// The shape-model commands of latentforge-cli (sample, interpolate, encode, decode, eval), run as a
// user would against a tiny trained model: outputs re-import, are deterministic, interpolation
// endpoints are the decodes of its ends, encode -> decode round-trips, and bad input fails with
// a one-line error.
#include "core/geometry/MeshReport.h"
#include "core/geometry/ShapeMeshing.h"
#include "core/io/MeshExport.h"
#include "core/io/MeshImport.h"
#include "core/ml/LatentMath.h"
#include "core/ml/ShapeModel.h"
#include "core/model/ModelManifest.h"
#include "tests/common/CliRunner.h"
#include "tests/ui/ShapeModelFixture.h"

#include <nlohmann/json.hpp>

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace {

using Result = lf::test::CliResult;

Result runCli(const QStringList& args) {
    return lf::test::runCli(args, 120000, lf::test::singleThreadTorchEnvironment());
}

QByteArray contents(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// One line of stderr, prefixed like every CLI error.
bool isOneLineError(const Result& r) {
    return r.exitCode != 0 && r.exitCode != -2 && r.err.startsWith("latentforge-cli: ") &&
           r.err.trimmed().count('\n') == 0;
}

}  // namespace

class TestShapeCli : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString model_;

    QString path(const QString& name) const { return dir_.filePath(name); }

private Q_SLOTS:
    void initTestCase() {
        QVERIFY(dir_.isValid());
        QString error;
        model_ = lf::test::trainTinyShapeModel(dir_.filePath("model"), &error);
        QVERIFY2(!model_.isEmpty(), qPrintable(error));
    }

    void sampleWritesAReimportableDeterministicMesh() {
        const Result r = runCli({"sample", "--model", model_, "--seed", "7", "--resolution", "32", "--out", path("a.stl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains("triangles") && r.out.contains("watertight") && r.out.trimmed().count('\n') == 0,
                 qPrintable(r.out));
        const lf::Mesh mesh = lf::importMesh(path("a.stl").toStdString());
        QVERIFY(mesh.triangles.size() > 10);
        QVERIFY(r.out.contains(QString::number(mesh.triangles.size()) + " triangles"));
        QCOMPARE(runCli({"sample", "--model", model_, "--seed", "7", "--resolution", "32", "--out", path("b.stl")}).exitCode, 0);
        QCOMPARE(contents(path("b.stl")), contents(path("a.stl")));
        // Another seed, another shape; another extension, another format.
        QCOMPARE(runCli({"sample", "--model", model_, "--seed", "8", "--resolution", "32", "--out", path("c.obj")}).exitCode, 0);
        QVERIFY(!lf::importMesh(path("c.obj").toStdString()).triangles.empty());
        QCOMPARE(runCli({"sample", "--model", model_, "--seed", "8", "--resolution", "32", "--out", path("c.stl")}).exitCode, 0);
        QVERIFY(contents(path("c.stl")) != contents(path("a.stl")));
    }

    void interpolateEndpointsAreTheDecodesOfItsEnds() {
        // Seeds: the endpoints are what sample writes for them.
        const QString out = path("interp");
        Result r = runCli({"interpolate", "--model", model_, "--from", "7", "--to", "8", "--steps", "4",
                           "--resolution", "32", "--out-dir", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto summary = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(summary["steps"].size(), std::size_t(4));
        QCOMPARE(summary["interpolation"].get<std::string>(), std::string("spherical"));
        // Each step says whether it is one part: the count of its mesh report, also on stderr.
        for (const auto& step : summary["steps"]) {
            QVERIFY(step["watertight"].is_boolean() && step["bodies"].is_number_unsigned());
            if (step["watertight"].get<bool>()) QVERIFY(step["bodies"].get<int>() >= 1);
            const auto file = QString::fromStdString(step["file"].get<std::string>());
            const int bodies = int(lf::computeMeshReport(lf::importMesh(file.toStdString())).bodies);
            QCOMPARE(step["bodies"].get<int>(), bodies);
        }
        QVERIFY2(r.err.contains(" body") || r.err.contains(" bodies"), qPrintable(r.err));
        QVERIFY(QFile::exists(out + "/interpolation.json"));
        for (int i = 0; i < 4; ++i) QVERIFY(QFile::exists(out + QString("/step_%1.stl").arg(i, 2, 10, QChar('0'))));
        QVERIFY(!QFile::exists(out + "/step_04.stl"));
        QCOMPARE(contents(out + "/step_00.stl"), contents(path("a.stl")));
        QCOMPARE(contents(out + "/step_03.stl"), contents(path("c.stl")));

        // Latent files: the endpoints are what decode writes for them.
        QCOMPARE(runCli({"encode", "--model", model_, path("a.stl"), "--out", path("za.json")}).exitCode, 0);
        {
            // zc: seed 8's latent (sample wrote its shape, c.stl, so it is not empty) at a.stl's
            // placement. Not an encode of c.stl: what this barely trained model makes of that
            // depends on the CPU's float kernels (on an AMD EPYC it decoded to nothing).
            std::ifstream in(path("za.json").toStdString());
            nlohmann::json zc = nlohmann::json::parse(in);
            const auto model = lf::ml::ShapeModel::load(model_.toStdString());
            zc["values"] = lf::ml::seededLatent(model, 8, lf::ml::kDefaultPsi);
            std::ofstream(path("zc.json").toStdString()) << zc.dump(2);
        }
        QCOMPARE(runCli({"decode", "--model", model_, path("za.json"), "--resolution", "32", "--out", path("da.obj")}).exitCode, 0);
        r = runCli({"decode", "--model", model_, path("zc.json"), "--resolution", "32", "--out", path("dc.obj")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QString out2 = path("interp2");
        r = runCli({"interpolate", "--model", model_, "--from", path("za.json"), "--to", path("zc.json"), "--steps", "3",
                    "--linear", "--format", "obj", "--resolution", "32", "--out-dir", out2});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(nlohmann::json::parse(r.out.toStdString())["interpolation"].get<std::string>(), std::string("linear"));
        QCOMPARE(contents(out2 + "/step_00.obj"), contents(path("da.obj")));
        QCOMPARE(contents(out2 + "/step_02.obj"), contents(path("dc.obj")));
    }

    void encodeDecodeRoundTrip() {
        Result r = runCli({"encode", "--model", model_, path("a.stl"), "--out", path("z.json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        std::ifstream in(path("z.json").toStdString());
        const lf::ml::Latent z = lf::ml::latentFromJson(nlohmann::json::parse(in), 12);
        QCOMPARE(z.size(), std::size_t(12));
        // --refine-steps 0 keeps the encoder's guess, which the refinement then moves.
        r = runCli({"encode", "--model", model_, path("a.stl"), "--out", path("z0.json"), "--refine-steps", "0"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        std::ifstream in0(path("z0.json").toStdString());
        QVERIFY(lf::ml::latentFromJson(nlohmann::json::parse(in0), 12) != z);
        r = runCli({"encode", "--model", model_, path("a.stl"), "--out", path("zbad.json"), "--refine-steps", "-3"});
        QVERIFY(r.exitCode != 0);
        QVERIFY(!QFile::exists(path("zbad.json")));
        r = runCli({"decode", "--model", model_, path("z.json"), "--out", path("round.obj")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const lf::Mesh round = lf::importMesh(path("round.obj").toStdString());
        QVERIFY(round.triangles.size() > 10);
        // a.stl was written at the default size (the model's cube at kDefaultDesignScale mm per
        // unit), so its decode comes back in that cube.
        for (const auto& v : round.vertices)
            for (float c : v) QVERIFY(std::abs(c) <= float(lf::kDefaultDesignScale));
    }

    void encodeReadsAnInsideOutMeshTheRightWayRound() {
        // a.stl saved with every face flipped (a badly written export): the same latent, not
        // the encoding of the mesh's complement (a solid block). inspect says it is inside out.
        lf::Mesh flipped = lf::importMesh(path("a.stl").toStdString());
        flipped.flipFaces();
        lf::exportMesh(flipped, path("a-flipped.stl").toStdString());
        Result r = runCli({"inspect", path("a-flipped.stl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(nlohmann::json::parse(r.out.toStdString())["insideOut"].get<bool>(), true);
        QVERIFY(runCli({"encode", "--model", model_, path("a.stl"), "--out", path("zs.json")}).exitCode == 0);
        r = runCli({"encode", "--model", model_, path("a-flipped.stl"), "--out", path("zf.json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        std::ifstream straight(path("zs.json").toStdString()), inverted(path("zf.json").toStdString());
        const auto zs = lf::ml::latentFromJson(nlohmann::json::parse(straight), 12);
        const auto zf = lf::ml::latentFromJson(nlohmann::json::parse(inverted), 12);
        for (std::size_t i = 0; i < zs.size(); ++i) QVERIFY2(std::abs(zs[i] - zf[i]) < 1e-3f, qPrintable(QString::number(i)));
    }

    void typicalShapesAreStoredInAnOlderPackage() {
        // The fixture's package as it would have been written before typical shapes: without
        // them the app starts on the family's mean; the command puts the trainer's back.
        const std::filesystem::path original = model_.toStdString(), older = path("older").toStdString();
        lf::ModelPackage p = lf::loadModelPackage(original);
        std::erase_if(p.weights.tensors, [](const lf::TensorRecord& t) { return t.name == "latent_prior.typical"; });
        p.manifest.extras.erase("typical_shapes");
        lf::saveModelPackage(older, p.manifest, p.weights);
        const QString data = dir_.filePath("model/shapes.safetensors");
        Result r = runCli({"train", "shape-vae", "--data", data, "--out", path("older"), "--typical-shapes-only"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("stored typical shapes"));
        const auto stored = lf::ml::ShapeModel::load(older), trained = lf::ml::ShapeModel::load(original);
        QCOMPARE(stored.prior().components.front().typical, trained.prior().components.front().typical);
        QVERIFY(!stored.prior().components.front().typical.empty());
        // A missing dataset: one line, the package untouched.
        const QByteArray before = contents(path("older/weights.safetensors"));
        r = runCli({"train", "shape-vae", "--data", path("nope.safetensors"), "--out", path("older"), "--typical-shapes-only"});
        QVERIFY(isOneLineError(r));
        QCOMPARE(contents(path("older/weights.safetensors")), before);
    }

    void trainWritesAPackageAndSaysWhenItPackages() {
        // The whole command line path: generate a tiny set, train one epoch of a tiny network.
        Result r = runCli({"generate-shapes", "--count", "6", "--resolution", "16", "--seed", "3", "--truncation", "0.25",
                           "--families", "bottle", "knob", "--quiet", "--out", path("tiny.safetensors")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"train", "shape-vae", "--data", path("tiny.safetensors"), "--out", path("cli-trained"), "--epochs", "1",
                    "--batch", "3", "--latent", "6", "--encoder-widths", "4,8", "--decoder-widths", "8,4",
                    "--held-out", "0", "--seed", "2", "--blend", "1", "--blend-union", "0.85"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains("trained shape VAE"));
        // The blend objective's loss is reported beside the others.
        QVERIFY2(r.err.contains(QRegularExpression("epoch 1/1 done: loss [0-9.]+ \\(recon [0-9.]+, kl [0-9.]+, blend [0-9.]+\\)")),
                 qPrintable(r.err));
        // The last lines: the final checkpoint, then the packaging (a minute or two on a full set,
        // which used to pass in silence).
        const QStringList lines = r.err.trimmed().split('\n');
        QVERIFY2(lines.size() >= 2, qPrintable(r.err));
        QVERIFY2(lines.last().startsWith("train shape-vae: packaging ") && lines.last().contains("typical shapes"),
                 qPrintable(lines.last()));
        QVERIFY2(lines[lines.size() - 2].contains("checkpoint"), qPrintable(lines[lines.size() - 2]));
        const auto trained = lf::ml::ShapeModel::load(path("cli-trained").toStdString());
        QCOMPARE(int(trained.prior().components.size()), 2);
        QCOMPARE(trained.prior().components.front().typical.size(), std::size_t(6));
        const auto manifest = lf::loadModelPackage(path("cli-trained").toStdString()).manifest;
        QVERIFY2(manifest.training.commandLine.find(" --blend 1 --blend-union 0.85") != std::string::npos,
                 manifest.training.commandLine.c_str());
        // A blend target beyond the union is refused before anything is written.
        r = runCli({"train", "shape-vae", "--data", path("tiny.safetensors"), "--out", path("cli-bad-blend"),
                    "--blend-union", "1.5"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("--blend-union"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(path("cli-bad-blend")));

        // Fine-tuning that package: its architecture, recorded as --init-from in the command.
        r = runCli({"train", "shape-vae", "--data", path("tiny.safetensors"), "--out", path("cli-tuned"), "--epochs", "1",
                    "--batch", "3", "--held-out", "0", "--seed", "2", "--init-from", path("cli-trained"), "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto tuned = lf::loadModelPackage(path("cli-tuned").toStdString()).manifest;
        QCOMPARE(tuned.latentSize, 6);
        QVERIFY2(tuned.training.commandLine.find(" --init-from " + path("cli-trained").toStdString()) != std::string::npos &&
                     tuned.training.commandLine.find("--latent") == std::string::npos,
                 tuned.training.commandLine.c_str());
        QCOMPARE(tuned.extras["fine_tuned_from"]["weights_sha256"].get<std::string>(), manifest.weights.sha256);
        // Setting the architecture beside it is refused: the package decides it.
        r = runCli({"train", "shape-vae", "--data", path("tiny.safetensors"), "--out", path("cli-tuned-latent"),
                    "--init-from", path("cli-trained"), "--latent", "8"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("--init-from") && r.err.contains("--latent"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(path("cli-tuned-latent")));
        r = runCli({"train", "shape-vae", "--data", path("tiny.safetensors"), "--out", path("cli-tuned-nothing"),
                    "--init-from", "no-such-model"});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains("--init-from") && r.err.contains("no-such-model"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(path("cli-tuned-nothing")));
    }

    void encodedMeshDecodesAtItsOwnSizeAndPlace() {
        // The same shape as a 60x larger part, moved off the origin (a mesh from CAD, in mm).
        lf::Mesh part = lf::importMesh(path("a.stl").toStdString());
        for (auto& v : part.vertices) v = {60 * v[0] + 200, 60 * v[1] - 30, 60 * v[2] + 5};
        lf::exportMesh(part, path("part.stl").toStdString(), lf::ExportFormat::StlBinary);
        Result r = runCli({"encode", "--model", model_, path("part.stl"), "--out", path("zp.json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"decode", "--model", model_, path("zp.json"), "--out", path("part-round.stl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runCli({"decode", "--model", model_, path("zp.json"), "--normalised", "--out", path("part-unit.stl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const lf::Mesh unit = lf::importMesh(path("part-unit.stl").toStdString());
        const lf::Mesh placed = lf::importMesh(path("part-round.stl").toStdString());
        for (const auto& v : unit.vertices)
            for (float c : v) QVERIFY(std::abs(c) <= 1.0f);
        // The placed decode is the unit one scaled by 1/scale and moved to the input's centre:
        // the bounding-box centre of the input, and 0.9 / (largest half extent) as the scale.
        const auto placement = nlohmann::json::parse(contents(path("zp.json")).toStdString())["placement"];
        const lf::BoundingBox in = part.bounds();
        const float halfExtent = 0.5f * std::max({in.size()[0], in.size()[1], in.size()[2]});
        QVERIFY(std::abs(placement["scale"].get<float>() - 0.9f / halfExtent) < 1e-4f);
        QCOMPARE(placed.vertices.size(), unit.vertices.size());
        for (int i = 0; i < 3; ++i) {
            QVERIFY(std::abs(placement["centre"][i].get<float>() - in.center()[i]) < 1e-3f);
            const float expected = unit.bounds().center()[i] / placement["scale"].get<float>() + in.center()[i];
            QVERIFY2(std::abs(placed.bounds().center()[i] - expected) < 1e-2f, qPrintable(QString::number(expected)));
            QVERIFY(std::abs(placed.bounds().size()[i] - unit.bounds().size()[i] / placement["scale"].get<float>()) < 1e-2f);
        }
        // A malformed placement is refused by name, not silently ignored.
        {
            auto json = nlohmann::json::parse(contents(path("zp.json")).toStdString());
            json["placement"]["scale"] = -1;
            std::ofstream(path("zbad.json").toStdString()) << json.dump();
        }
        r = runCli({"decode", "--model", model_, path("zbad.json"), "--out", path("xbad.stl")});
        QVERIFY2(isOneLineError(r) && r.err.contains("placement"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("xbad.stl")));
    }

    void designsAreSizedInMillimetres() {
        auto heightOf = [](const QString& file) { return double(lf::importMesh(file.toStdString()).bounds().size()[2]); };
        // sample: at the GUI's default scale, a shape in the model's [-1,1] cube is up to 120 mm.
        QCOMPARE(runCli({"sample", "--model", model_, "--seed", "7", "--resolution", "32", "--out", path("s.stl")}).exitCode, 0);
        const lf::Mesh byDefault = lf::importMesh(path("s.stl").toStdString());
        const double height = heightOf(path("s.stl"));
        QVERIFY2(height > 6 && height <= 2 * lf::kDefaultDesignScale, qPrintable(QString::number(height)));
        // --height: the same shape, uniformly scaled to that height.
        Result r = runCli({"sample", "--model", model_, "--seed", "7", "--resolution", "32", "--height", "250", "--out", path("s250.stl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const lf::Mesh tall = lf::importMesh(path("s250.stl").toStdString());
        QVERIFY(std::abs(heightOf(path("s250.stl")) - 250) < 1e-3);
        QCOMPARE(tall.vertices.size(), byDefault.vertices.size());
        for (std::size_t i = 0; i < tall.vertices.size(); i += 97)
            for (int k = 0; k < 3; ++k)
                QVERIFY(std::abs(tall.vertices[i][k] - byDefault.vertices[i][k] * 250 / height) < 1e-3);

        // --largest: sized by the largest dimension instead (flat parts); not with --height.
        r = runCli({"sample", "--model", model_, "--seed", "7", "--resolution", "32", "--largest", "300", "--out", path("s300.stl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        {
            const lf::Vec3f size = lf::importMesh(path("s300.stl").toStdString()).bounds().size();
            QVERIFY(std::abs(std::max({size[0], size[1], size[2]}) - 300) < 1e-3);
        }
        r = runCli({"sample", "--model", model_, "--seed", "7", "--height", "10", "--largest", "300", "--out", path("both.stl")});
        QVERIFY2(r.exitCode != 0 && r.err.contains("--largest") && !QFile::exists(path("both.stl")), qPrintable(r.err));

        // decode: a latent without a placement comes out as sample writes it; --normalised keeps
        // the model's cube; --height sizes even an encoded mesh's latent.
        {
            const auto model = lf::ml::ShapeModel::load(model_.toStdString());
            std::ofstream(path("z7.json").toStdString()) << lf::ml::latentToJson(lf::ml::seededLatent(model, 7, lf::ml::kDefaultPsi)).dump();
        }
        QCOMPARE(runCli({"decode", "--model", model_, path("z7.json"), "--resolution", "32", "--out", path("d7.stl")}).exitCode, 0);
        QCOMPARE(contents(path("d7.stl")), contents(path("s.stl")));
        QCOMPARE(runCli({"decode", "--model", model_, path("z7.json"), "--resolution", "32", "--normalised", "--out", path("d7n.stl")}).exitCode, 0);
        QVERIFY(std::abs(heightOf(path("d7n.stl")) - height / lf::kDefaultDesignScale) < 1e-4);
        QCOMPARE(runCli({"encode", "--model", model_, path("s.stl"), "--out", path("z7p.json")}).exitCode, 0);
        r = runCli({"decode", "--model", model_, path("z7p.json"), "--resolution", "32", "--height", "40", "--out", path("d40.stl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(std::abs(heightOf(path("d40.stl")) - 40) < 1e-3);
        r = runCli({"decode", "--model", model_, path("z7.json"), "--normalised", "--height", "40", "--out", path("dx.stl")});
        QVERIFY2(r.exitCode != 0 && r.err.contains("--height") && !QFile::exists(path("dx.stl")), qPrintable(r.err));

        // interpolate: the first step sets the scale, every step keeps it (proportions show).
        r = runCli({"interpolate", "--model", model_, "--from", "7", "--to", "8", "--steps", "3", "--resolution", "32",
                    "--height", "80", "--out-dir", path("sized")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto summary = nlohmann::json::parse(r.out.toStdString());
        QVERIFY(std::abs(heightOf(path("sized/step_00.stl")) - 80) < 1e-3);
        const double scale = summary["mm_per_model_unit"].get<double>();
        QVERIFY(std::abs(scale - 80 / (height / lf::kDefaultDesignScale)) < 1e-3 * scale);
        QCOMPARE(runCli({"sample", "--model", model_, "--seed", "8", "--resolution", "32", "--out", path("s8.stl")}).exitCode, 0);
        QVERIFY(std::abs(heightOf(path("sized/step_02.stl")) - heightOf(path("s8.stl")) * scale / lf::kDefaultDesignScale) < 1e-2);

        // A height that is not a size is refused in one line, nothing written.
        for (const char* bad : {"0", "-3", "abc"}) {
            r = runCli({"sample", "--model", model_, "--seed", "7", "--height", bad, "--out", path("bad.stl")});
            QVERIFY2(isOneLineError(r) && r.err.contains("--height"), qPrintable(r.err));
            QVERIFY(!QFile::exists(path("bad.stl")));
        }
    }

    void badInputFailsWithOneLine() {
        Result r = runCli({"sample", "--model", path("nope"), "--seed", "1", "--out", path("x.stl")});
        QVERIFY2(isOneLineError(r) && r.err.contains("nope"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("x.stl")));

        {
            std::ofstream(path("bad.json").toStdString()) << "{ not json";
        }
        r = runCli({"decode", "--model", model_, path("bad.json"), "--out", path("x.obj")});
        QVERIFY2(isOneLineError(r) && r.err.contains("bad.json") && r.err.contains("JSON"), qPrintable(r.err));
        r = runCli({"interpolate", "--model", model_, "--from", path("bad.json"), "--to", "2", "--out-dir", path("xi")});
        QVERIFY2(isOneLineError(r) && r.err.contains("bad.json"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("xi")));

        {
            std::ofstream(path("short.json").toStdString()) << lf::ml::latentToJson({0.1f, 0.2f, 0.3f}).dump();
        }
        r = runCli({"decode", "--model", model_, path("short.json"), "--out", path("x.obj")});
        QVERIFY2(isOneLineError(r) && r.err.contains("short.json") && r.err.contains("12"), qPrintable(r.err));

        r = runCli({"encode", "--model", model_, path("missing.stl"), "--out", path("x.json")});
        QVERIFY2(isOneLineError(r) && r.err.contains("missing.stl"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("x.json")));

        r = runCli({"decode", "--model", model_, path("missing.json"), "--out", path("x.obj")});
        QVERIFY2(isOneLineError(r) && r.err.contains("missing.json"), qPrintable(r.err));
        r = runCli({"sample", "--model", model_, "--seed", "1", "--resolution", "32", "--out", path("x.xyz")});
        QVERIFY2(isOneLineError(r) && r.err.contains("x.xyz"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("x.obj")));
    }

    void evalStoresMetricsInTheManifestAndRefusesAForeignDataset() {
        const QString data = dir_.filePath("model/shapes.safetensors");  // the fixture's training set
        const QByteArray before = contents(model_ + "/model.json");
        // The model's weights are a safetensors file, but not a shape dataset: refused, manifest untouched.
        Result r = runCli({"eval", "shape-vae", "--model", model_, "--data", model_ + "/weights.safetensors", "--quiet"});
        QVERIFY2(isOneLineError(r) && r.err.contains("sdf"), qPrintable(r.err));
        QCOMPARE(contents(model_ + "/model.json"), before);

        r = runCli({"eval", "shape-vae", "--model", model_, "--data", data, "--held-out", "4", "--samples", "4",
                    "--midpoints", "4", "--quiet"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto printed = nlohmann::json::parse(r.out.toStdString());
        QCOMPARE(printed["samples"]["count"].get<int>(), 4);
        const auto manifest = nlohmann::json::parse(contents(model_ + "/model.json").toStdString());
        QCOMPARE(manifest["metrics"]["evaluation"]["held_out"]["iou"]["mean"].get<double>(),
                 printed["held_out"]["iou"]["mean"].get<double>());
        QCOMPARE(manifest["weights"]["sha256"], nlohmann::json::parse(before.toStdString())["weights"]["sha256"]);
        // The package still loads: the rewritten manifest is valid and names the same weights.
        r = runCli({"sample", "--model", model_, "--seed", "3", "--resolution", "16", "--out", path("after-eval.stl")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }
};

QTEST_GUILESS_MAIN(TestShapeCli)
#include "tst_shapecli.moc"

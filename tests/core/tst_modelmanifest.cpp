#include "core/model/ModelManifest.h"
#include "core/model/Sha256.h"
#include "core/util/Error.h"
#include "tests/common/EditedManifest.h"
#include "tests/common/ErrorOf.h"
#include "tests/common/FileSizeLimit.h"

#include <QtTest>

#include <csignal>
#include <fstream>
#include <sys/resource.h>

using namespace lf;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

ModelManifest sampleManifest() {
    ModelManifest m;
    m.id = "shape-vae-64";
    m.kind = ModelKind::ShapeVae;
    m.name = "Shape VAE 64";
    m.description = "Test model";
    m.architecture = {{"channels", {32, 64, 128}}, {"activation", "silu"}};
    m.latentSize = 64;
    m.gridResolution = 64;
    m.training = {"8000 procedural shapes, seed 7", "latentforge-train --epochs 3", 7, 3,
                  "cpu", 12.5};
    m.metrics = {{"val_iou", 0.93}};
    m.extras = {{"latent_pca", "tensors latent_pca.* in the weights file"}};
    return m;
}

SafetensorsContents sampleWeights() {
    SafetensorsContents w;
    TensorRecord t{"encoder.weight", DType::F32, {2, 2}, {}};
    t.data.resize(16, std::byte{0x3f});
    w.tensors.push_back(t);
    return w;
}

std::string errorOf(const fs::path& dir) {
    return lf::test::errorOf([&] { loadModelPackage(dir); });
}

}  // namespace

class TestModelManifest : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    fs::path root() const { return fs::path(tmp_.path().toStdString()); }

    // Saves a valid package, lets `edit` change model.json, and returns the load error.
    std::string errorAfterEdit(const std::string& name, const std::function<void(json&)>& edit) {
        const fs::path dir = root() / name;
        saveModelPackage(dir, sampleManifest(), sampleWeights());
        lf::test::writeEditedManifest(dir, edit);
        return errorOf(dir);
    }
    void expectError(const std::string& message, const std::vector<std::string>& words) {
        QVERIFY2(!message.empty(), "the broken package was accepted");
        for (const std::string& w : words)
            QVERIFY2(message.find(w) != std::string::npos, (message + " lacks " + w).c_str());
    }

private Q_SLOTS:
    void sha256KnownVectors() {
        QCOMPARE(sha256Hex(std::vector<std::byte>{}),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        const std::string abc = "abc";
        QCOMPARE(sha256Hex(reinterpret_cast<const std::byte*>(abc.data()), abc.size()),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        const fs::path file = root() / "abc.txt";
        std::ofstream(file) << abc;
        QCOMPARE(sha256OfFile(file), sha256Hex(reinterpret_cast<const std::byte*>(abc.data()), 3));
        QVERIFY_THROWS_EXCEPTION(Error, sha256OfFile(root() / "missing"));
    }
    void roundTrip() {
        const fs::path dir = root() / "shape-vae-64";
        const ModelManifest written = saveModelPackage(dir, sampleManifest(), sampleWeights());
        QCOMPARE(written.weights.sha256, sha256OfFile(dir / "weights.safetensors"));
        const ModelPackage p = loadModelPackage(dir);
        QCOMPARE(p.manifest.id, std::string("shape-vae-64"));
        QCOMPARE(p.manifest.kind, ModelKind::ShapeVae);
        QCOMPARE(p.manifest.latentSize, 64);
        QCOMPARE(*p.manifest.gridResolution, 64);
        QCOMPARE(p.manifest.architecture, sampleManifest().architecture);
        QCOMPARE(p.manifest.training.commandLine, std::string("latentforge-train --epochs 3"));
        QCOMPARE(p.manifest.training.seed, std::uint64_t(7));
        QCOMPARE(p.manifest.training.durationSeconds, 12.5);
        QCOMPARE(p.manifest.metrics["val_iou"].get<double>(), 0.93);
        QCOMPARE(p.manifest.extras["latent_pca"].get<std::string>(),
                 std::string("tensors latent_pca.* in the weights file"));
        QCOMPARE(p.manifest.weights.sha256, written.weights.sha256);
        QVERIFY(p.weights.at("encoder.weight").data == sampleWeights().tensors[0].data);
        // manifestToJson/FromJson are inverse.
        QCOMPARE(manifestToJson(manifestFromJson(manifestToJson(p.manifest), "x")),
                 manifestToJson(p.manifest));
    }
    void diffusionModelNeedsNoGridResolution() {
        ModelManifest m = sampleManifest();
        m.id = "process";
        m.kind = ModelKind::ProcessDiffusion;
        m.gridResolution.reset();
        saveModelPackage(root() / "process", m, sampleWeights());
        const ModelPackage p = loadModelPackage(root() / "process");
        QCOMPARE(p.manifest.kind, ModelKind::ProcessDiffusion);
        QVERIFY(!p.manifest.gridResolution);
    }
    void missingFolderAndFiles() {
        expectError(errorOf(root() / "nope"), {"nope", "does not exist"});
        fs::create_directory(root() / "empty");
        expectError(errorOf(root() / "empty"), {"model.json", "missing"});
        saveModelPackage(root() / "noweights", sampleManifest(), sampleWeights());
        fs::remove(root() / "noweights" / "weights.safetensors");
        expectError(errorOf(root() / "noweights"), {"weights.file", "does not exist"});
    }
    void invalidJson() {
        const fs::path dir = root() / "badjson";
        saveModelPackage(dir, sampleManifest(), sampleWeights());
        std::ofstream(dir / "model.json") << "{\"id\": ";
        expectError(errorOf(dir), {"model.json", "invalid JSON"});
    }
    void missingAndIllTypedFields() {
        expectError(errorAfterEdit("m1", [](json& j) { j.erase("latent_size"); }),
                    {"model.json", "\"latent_size\"", "missing"});
        expectError(errorAfterEdit("m2", [](json& j) { j["latent_size"] = "64"; }),
                    {"\"latent_size\"", "integer"});
        expectError(errorAfterEdit("m3", [](json& j) { j["training"]["epochs"] = 2.5; }),
                    {"\"training.epochs\"", "integer"});
        expectError(errorAfterEdit("m4", [](json& j) { j["architecture"] = json::array(); }),
                    {"\"architecture\"", "object"});
        expectError(errorAfterEdit("m5", [](json& j) { j["weights"].erase("sha256"); }),
                    {"\"weights.sha256\"", "missing"});
        expectError(errorAfterEdit("m6", [](json& j) { j.erase("grid_resolution"); }),
                    {"\"grid_resolution\"", "missing"});
        expectError(errorAfterEdit("m7", [](json& j) { j["training"]["seed"] = -1; }),
                    {"\"training.seed\"", "non-negative"});
        expectError(errorAfterEdit("m8", [](json& j) { j["format_version"] = 99; }),
                    {"\"format_version\"", "99"});
        expectError(errorAfterEdit("m9", [](json& j) { j = json::array(); }), {"not a JSON object"});
    }
    void metricAtReadsStoredNumbersOnly() {
        const auto metrics = nlohmann::json::parse(
            R"({"evaluation": {"held_out": {"iou": {"mean": 0.883}}, "rho": {"generated_interval95": [0.68, 0.81]},
                               "text": "0.9", "empty": null, "list": [1]}})");
        QCOMPARE(lf::metricAt(metrics, "/evaluation/held_out/iou/mean").value_or(-1), 0.883);
        QCOMPARE(lf::metricAt(metrics, "/evaluation/rho/generated_interval95/1").value_or(-1), 0.81);
        // Missing, past the end, through a number, a string or a null: nothing, never a throw.
        for (const char* pointer : {"/evaluation/held_out/chamfer", "/evaluation/rho/generated_interval95/2",
                                    "/evaluation/held_out/iou/mean/x", "/evaluation/text", "/evaluation/empty",
                                    "/evaluation/empty/x", "/evaluation/list/x", "/nothing"})
            QVERIFY2(!lf::metricAt(metrics, pointer), pointer);
        QVERIFY(!lf::metricAt(nlohmann::json::array(), "/evaluation"));
    }

    void nonNegativeIntOfTakesWholeNumbersOnly() {
        QCOMPARE(lf::nonNegativeIntOf(json(0)), std::optional<int>(0));
        QCOMPARE(lf::nonNegativeIntOf(json(2)), std::optional<int>(2));
        QCOMPARE(lf::nonNegativeIntOf(json(2147483647)), std::optional<int>(2147483647));
        QCOMPARE(lf::nonNegativeIntOf(json::parse("3")), std::optional<int>(3));  // parsed: unsigned
        for (const json& bad : {json(2.5), json(2.0), json(-1), json(2147483648LL), json(4294967298ULL), json("2"),
                                json(nullptr), json::array({2})})
            QVERIFY2(!lf::nonNegativeIntOf(bad), bad.dump().c_str());
    }

    void unknownKind() {
        expectError(errorAfterEdit("k1", [](json& j) { j["kind"] = "gan"; }),
                    {"\"kind\"", "gan", "shape-vae"});
    }
    void weightsPathMustStayInsideThePackage() {
        expectError(errorAfterEdit("p1", [](json& j) { j["weights"]["file"] = "../other.safetensors"; }),
                    {"\"weights.file\"", "plain file name"});
    }
    void sha256Mismatch() {
        const fs::path dir = root() / "tampered";
        saveModelPackage(dir, sampleManifest(), sampleWeights());
        {
            std::fstream f(dir / "weights.safetensors", std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(-1, std::ios::end);
            f.put('\x01');
        }
        expectError(errorOf(dir), {"weights.safetensors", "SHA-256", "weights.sha256"});
    }
    void saveRefusesBadInputAndMissingParent() {
        ModelManifest m = sampleManifest();
        m.id = "../escape";
        QVERIFY_THROWS_EXCEPTION(Error, saveModelPackage(root() / "x", m, sampleWeights()));
        m = sampleManifest();
        m.gridResolution.reset();
        QVERIFY_THROWS_EXCEPTION(Error, saveModelPackage(root() / "y", m, sampleWeights()));
        QVERIFY_THROWS_EXCEPTION(Error, saveModelPackage(root() / "no" / "parent", sampleManifest(),
                                                         sampleWeights()));
        QVERIFY(!fs::exists(root() / "no"));
    }
    void fullDiskKeepsThePreviousPackage() {
        const fs::path dir = root() / "full";
        saveModelPackage(dir, sampleManifest(), sampleWeights());
        SafetensorsContents big;
        TensorRecord t{"big", DType::U8, {1 << 20}, {}};
        t.data.resize(1 << 20);
        big.tensors.push_back(t);
        bool threw = false;
        try {
            const lf::test::FileSizeLimit limit(64 * 1024);
            saveModelPackage(dir, sampleManifest(), big);
        } catch (const Error&) {
            threw = true;
        }
        QVERIFY(threw);
        const ModelPackage p = loadModelPackage(dir);  // the old package, intact and consistent
        QCOMPARE(p.weights.tensors[0].name, std::string("encoder.weight"));
    }
    void overwriteKeepsPackageLoadable() {
        const fs::path dir = root() / "again";
        saveModelPackage(dir, sampleManifest(), sampleWeights());
        SafetensorsContents w = sampleWeights();
        w.tensors[0].data[0] = std::byte{1};
        saveModelPackage(dir, sampleManifest(), w);
        QCOMPARE(loadModelPackage(dir).weights.tensors[0].data[0], std::byte{1});
    }
};

QTEST_GUILESS_MAIN(TestModelManifest)
#include "tst_modelmanifest.moc"

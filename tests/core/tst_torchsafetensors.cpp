#include "core/formats/Safetensors.h"
#include "core/ml/ShapeVae.h"
#include "core/ml/TorchSafetensors.h"
#include "core/util/Error.h"
#include "tests/common/TinyShapeVaeConfig.h"
#include "tests/common/ErrorOf.h"

#include <QtTest>

using namespace lf;
using namespace lf::ml;

namespace {

ShapeVaeConfig tiny() { return lf::test::tinyShapeVaeConfig(); }

bool sameParameters(const torch::nn::Module& a, const torch::nn::Module& b) {
    const auto pa = a.named_parameters(true), pb = b.named_parameters(true);
    if (pa.size() != pb.size()) return false;
    for (const auto& item : pa) {
        if (!torch::equal(item.value(), pb[item.key()])) return false;
    }
    return true;
}

using lf::test::errorOf;

TensorRecord* findMutable(SafetensorsContents& c, const std::string& name) {
    for (auto& t : c.tensors)
        if (t.name == name) return &t;
    return nullptr;
}

}  // namespace

class TestTorchSafetensors : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripF32ThroughAFile() {
        QTemporaryDir dir;
        torch::manual_seed(1);
        ShapeVae a(tiny());
        torch::manual_seed(2);
        ShapeVae b(tiny());
        QVERIFY(!sameParameters(*a, *b));
        SafetensorsContents contents;
        appendStateDict(contents, *a);
        QCOMPARE(contents.at("decoder.fine_head.weight").dtype, DType::F32);
        QCOMPARE(contents.at("encoder.head.weight").shape, (std::vector<std::int64_t>{16, 8 * 64}));
        const auto file = std::filesystem::path(dir.path().toStdString()) / "w.safetensors";
        writeSafetensors(file, contents);
        loadStateDict(*b, readSafetensors(file), file.string());
        QVERIFY(sameParameters(*a, *b));
    }

    void roundTripF16() {
        torch::manual_seed(1);
        ShapeVae a(tiny());
        ShapeVae b(tiny());
        SafetensorsContents contents;
        appendStateDict(contents, *a, "net.", /*storeAsF16=*/true);
        for (const auto& t : contents.tensors) {
            QCOMPARE(t.dtype, DType::F16);
            QVERIFY(t.name.rfind("net.", 0) == 0);
        }
        const auto parsed = parseSafetensors(serializeSafetensors(contents), "memory");
        loadStateDict(*b, parsed, "memory", "net.");
        const auto pb = b->named_parameters(true);
        for (const auto& item : a->named_parameters(true)) {
            const auto& loaded = pb[item.key()];
            QCOMPARE(loaded.scalar_type(), torch::kFloat32);
            // Exactly the fp16 rounding of the original, nothing else.
            QVERIFY(torch::equal(loaded, item.value().to(torch::kFloat16).to(torch::kFloat32)));
        }
    }

    void recordConversions() {
        const auto t = torch::arange(6, torch::kInt64).view({2, 3});
        const auto r = tensorToRecord("idx", t);
        QCOMPARE(r.dtype, DType::I64);
        QCOMPARE(r.data.size(), std::size_t(48));
        QVERIFY(torch::equal(recordToTensor(r), t));
        const auto h = tensorToRecord("h", torch::ones({4}), true);
        QCOMPARE(h.dtype, DType::F16);
        QCOMPARE(recordToTensor(h).scalar_type(), torch::kFloat16);
        // Integers are never narrowed to F16.
        QCOMPARE(tensorToRecord("i", t, true).dtype, DType::I64);
        auto broken = r;
        broken.data.pop_back();
        QVERIFY_THROWS_EXCEPTION(lf::Error, recordToTensor(broken));
    }

    void strictLoadErrors() {
        torch::manual_seed(1);
        ShapeVae a(tiny());
        SafetensorsContents good;
        appendStateDict(good, *a);
        torch::manual_seed(5);
        ShapeVae b(tiny());
        torch::manual_seed(5);
        ShapeVae untouched(tiny());

        auto missing = good;
        missing.tensors.erase(missing.tensors.begin());
        std::string msg = errorOf([&] { loadStateDict(*b, missing, "m.safetensors"); });
        QVERIFY2(msg.find("m.safetensors") != std::string::npos, msg.c_str());
        QVERIFY2(msg.find("missing tensor '" + good.tensors.front().name + "'") != std::string::npos, msg.c_str());

        auto wrongShape = good;
        auto* w = findMutable(wrongShape, "decoder.project.weight");
        w->shape = {w->shape[1], w->shape[0]};
        msg = errorOf([&] { loadStateDict(*b, wrongShape, "s.safetensors"); });
        QVERIFY2(msg.find("'decoder.project.weight' has shape [8,512]") != std::string::npos, msg.c_str());

        auto wrongType = good;
        auto* bias = findMutable(wrongType, "encoder.conv0.bias");
        bias->dtype = DType::I32;  // same byte count as F32
        msg = errorOf([&] { loadStateDict(*b, wrongType, "t.safetensors"); });
        QVERIFY2(msg.find("dtype I32") != std::string::npos, msg.c_str());

        auto extra = good;
        extra.tensors.push_back(tensorToRecord("decoder.surprise", torch::zeros({2})));
        msg = errorOf([&] { loadStateDict(*b, extra, "x.safetensors"); });
        QVERIFY2(msg.find("unexpected tensor 'decoder.surprise'") != std::string::npos, msg.c_str());
        // Allowed extras and tensors outside the prefix are fine.
        loadStateDict(*untouched, extra, "x", "", {"decoder.surprise"});
        QVERIFY(sameParameters(*a, *untouched));
        torch::manual_seed(5);
        untouched = ShapeVae(tiny());

        // Failed loads left b untouched (checks run before any copy).
        QVERIFY(sameParameters(*b, *untouched));

        auto otherArch = tiny();
        otherArch.decoderWidths = {8, 6};
        ShapeVae c(otherArch);
        msg = errorOf([&] { loadStateDict(*c, good, "arch.safetensors"); });
        QVERIFY2(msg.find("shape") != std::string::npos, msg.c_str());
    }
};

QTEST_GUILESS_MAIN(TestTorchSafetensors)
#include "tst_torchsafetensors.moc"

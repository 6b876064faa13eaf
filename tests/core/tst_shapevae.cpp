#include "core/ml/ShapeVae.h"
#include "core/util/Error.h"
#include "tests/common/TinyShapeVaeConfig.h"

#include <nlohmann/json.hpp>

#include <QtTest>

using namespace lf::ml;

namespace {
ShapeVaeConfig tiny() { return lf::test::tinyShapeVaeConfig(); }
}  // namespace

class TestShapeVae : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { torch::set_num_threads(2); }

    void outputShapesTiny() {
        torch::manual_seed(1);
        ShapeVae vae(tiny());
        const auto [mu, logvar] = vae->encoder->forward(torch::randn({3, 1, 16, 16, 16}));
        QCOMPARE(mu.sizes().vec(), (std::vector<std::int64_t>{3, 8}));
        QCOMPARE(logvar.sizes().vec(), (std::vector<std::int64_t>{3, 8}));
        const auto [coarse, fine] = vae->decoder->forwardBoth(mu);
        QCOMPARE(coarse.sizes().vec(), (std::vector<std::int64_t>{3, 1, 8, 8, 8}));
        QCOMPARE(fine.sizes().vec(), (std::vector<std::int64_t>{3, 1, 16, 16, 16}));
        QVERIFY(torch::equal(vae->decoder->forwardCoarse(mu), coarse));
        QVERIFY(torch::equal(vae->decoder->forward(mu), fine));
    }

    void outputShapesDefault() {
        const auto config = ShapeVaeConfig::defaults();
        QCOMPARE(config.gridResolution, 64);
        QCOMPARE(config.latentSize, 128);
        ShapeVae vae(config);
        torch::NoGradGuard noGrad;
        const auto mu = vae->encoder->forward(torch::zeros({1, 1, 64, 64, 64})).first;
        QCOMPARE(mu.sizes().vec(), (std::vector<std::int64_t>{1, 128}));
        const auto [coarse, fine] = vae->decoder->forwardBoth(torch::zeros({1, 128}));
        QCOMPARE(coarse.size(2), 32);
        QCOMPARE(fine.size(2), 64);
    }

    void decodingIsDeterministic() {
        torch::manual_seed(3);
        ShapeVae vae(tiny());
        vae->eval();
        c10::InferenceMode guard;
        const auto z = torch::randn({2, 8});
        const auto a = vae->decoder->forward(z);
        const auto b = vae->decoder->forward(z.clone());
        QVERIFY(torch::equal(a, b));
        QVERIFY(!torch::equal(a, vae->decoder->forward(z + 0.5)));
        // Same seed, same architecture: same initial weights (trainer determinism relies on it).
        torch::manual_seed(3);
        ShapeVae again(tiny());
        again->eval();
        QVERIFY(torch::equal(a, again->decoder->forward(z)));
    }

    void singleGridFastPathMatchesBatchedPath() {
        // One grid at inference upsamples with LibTorch's transposed convolutions and runs the
        // coarse head alone as a transposed convolution (speed); batches and training use the
        // sub-pixel and fused-head forms. All must give the same numbers.
        torch::manual_seed(4);
        ShapeVae vae(tiny());
        vae->eval();
        torch::NoGradGuard noGrad;
        const auto z = torch::randn({2, 8});
        const auto [coarse, fine] = vae->decoder->forwardBoth(z);
        for (int i = 0; i < 2; ++i) {
            const auto [c1, f1] = vae->decoder->forwardBoth(z.slice(0, i, i + 1));
            QVERIFY(torch::allclose(c1, coarse.slice(0, i, i + 1), 1e-4, 1e-5));
            QVERIFY(torch::allclose(f1, fine.slice(0, i, i + 1), 1e-4, 1e-5));
            const auto dragged = vae->decoder->forwardCoarse(z.slice(0, i, i + 1));
            QVERIFY(torch::allclose(dragged, coarse.slice(0, i, i + 1), 1e-4, 1e-5));
        }
        // And with gradients on (training), a single grid takes the ordinary path.
        torch::GradMode::set_enabled(true);
        const auto trained = vae->decoder->forward(z.slice(0, 0, 1));
        QVERIFY(trained.requires_grad());
        QVERIFY(torch::allclose(trained, fine.slice(0, 0, 1), 1e-4, 1e-5));
    }

    void batchesUpsampleAsTheTransposedConvolutionsWould() {
        // Batches run each ConvTranspose3d(k4, s2) as its sub-pixel Conv3d (speed); the features
        // and the gradient reaching every transposed weight must be the modules' own.
        torch::manual_seed(5);
        ShapeVae vae(tiny());
        auto& decoder = vae->decoder;
        const auto z = torch::randn({3, 8});
        const auto leaky = [](const torch::Tensor& t) { return torch::leaky_relu(t, 0.2); };
        const auto feats = decoder->features(z);
        auto reference = leaky(decoder->project->forward(z)).view({3, decoder->bottleneckChannels, 4, 4, 4});
        for (auto& up : decoder->ups) reference = leaky(up->forward(reference));
        QCOMPARE(feats.sizes().vec(), reference.sizes().vec());
        QVERIFY(torch::allclose(feats, reference, 1e-4, 1e-6));
        QVERIFY(!torch::allclose(feats, torch::zeros_like(feats)));

        const auto weights = torch::randn_like(reference);
        const auto gradients = [&](const torch::Tensor& out) {
            std::vector<torch::Tensor> params;
            for (auto& up : decoder->ups) params.push_back(up->weight), params.push_back(up->bias);
            return torch::autograd::grad({(out * weights).sum()}, params, {}, /*retain_graph=*/true);
        };
        const auto ours = gradients(feats), theirs = gradients(reference);
        for (std::size_t i = 0; i < ours.size(); ++i) {
            QVERIFY(ours[i].abs().sum().item<double>() > 0);
            QVERIFY2(torch::allclose(ours[i], theirs[i], 1e-4, 1e-5), qPrintable(QString::number(i)));
        }
    }

    void logvarIsClamped() {
        ShapeVae vae(tiny());
        torch::NoGradGuard noGrad;
        const auto logvar = vae->encoder->forward(torch::full({1, 1, 16, 16, 16}, 1e6)).second;
        QVERIFY(logvar.max().item<float>() <= 8.0f);
        QVERIFY(logvar.min().item<float>() >= -12.0f);
    }

    void shuffleMapsChannelsToOffsets() {
        // Channel 8o+4i+2j+k of voxel (d,h,w) must land at (2d+i, 2h+j, 2w+k) of channel o.
        const auto x = torch::arange(16 * 2 * 3 * 4, torch::kFloat32).view({1, 16, 2, 3, 4});
        const auto y = shuffle3d(x);
        QCOMPARE(y.sizes().vec(), (std::vector<std::int64_t>{1, 2, 4, 6, 8}));
        for (int c = 0; c < 16; ++c)
            for (int d = 0; d < 2; ++d)
                for (int h = 0; h < 3; ++h)
                    for (int w = 0; w < 4; ++w) {
                        const int o = c / 8, i = (c / 4) % 2, j = (c / 2) % 2, k = c % 2;
                        QCOMPARE(y[0][o][2 * d + i][2 * h + j][2 * w + k].item<float>(),
                                 x[0][c][d][h][w].item<float>());
                    }
    }

    void configValidationAndJson() {
        const auto config = ShapeVaeConfig::defaults(96, 32);
        QCOMPARE(config.encoderWidths.size(), std::size_t(3));
        QCOMPARE(config.decoderWidths.size(), std::size_t(3));
        const auto back = ShapeVaeConfig::fromJson(config.toJson());
        QCOMPARE(back.latentSize, 96);
        QCOMPARE(back.gridResolution, 32);
        QCOMPARE(back.encoderWidths, config.encoderWidths);
        QCOMPARE(back.decoderWidths, config.decoderWidths);

        auto bad = tiny();
        bad.encoderWidths = {4};
        QVERIFY_THROWS_EXCEPTION(lf::Error, bad.validate());
        bad = tiny();
        bad.gridResolution = 24;
        QVERIFY_THROWS_EXCEPTION(lf::Error, bad.validate());
        bad = tiny();
        bad.decoderWidths = {8, 0};
        QVERIFY_THROWS_EXCEPTION(lf::Error, ShapeVae{bad});
        QVERIFY_THROWS_EXCEPTION(lf::Error, ShapeVaeConfig::defaults(64, 100));
        auto json = tiny().toJson();
        json.erase("decoder_widths");
        try {
            ShapeVaeConfig::fromJson(json);
            QFAIL("missing decoder_widths accepted");
        } catch (const lf::Error& e) {
            QVERIFY(std::string(e.what()).find("decoder_widths") != std::string::npos);
        }
        QVERIFY_THROWS_EXCEPTION(lf::Error, ShapeVaeConfig::fromJson(nlohmann::json::array()));
    }
};

QTEST_GUILESS_MAIN(TestShapeVae)
#include "tst_shapevae.moc"

// The per-family latent prior that seeds are drawn from (core/ml/LatentPrior.h): fitted means,
// covariances and weights match the codes, each family's typical shape is its most central code,
// sampling is reproducible and scaled by psi, and the stored form round-trips and refuses
// malformed data.
#include "core/ml/LatentPrior.h"
#include "core/util/Error.h"
#include "tests/common/ErrorOf.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace lf;
using namespace lf::ml;

namespace {

// Two families in 3-D: "a" around (5, 0, 0) with sd (1, 0.5, 0.1), "b" (three times fewer)
// around (-5, 2, 0) with sd 0.2 in every dimension.
struct Codes {
    std::vector<float> values;
    std::vector<int> labels;
};

Codes syntheticCodes() {
    Codes c;
    std::mt19937_64 rng(3);
    std::normal_distribution<double> n(0.0, 1.0);
    for (int i = 0; i < 4000; ++i) {
        const bool a = i % 4 != 0;
        c.labels.push_back(a ? 0 : 1);
        if (a) {
            c.values.insert(c.values.end(), {float(5 + n(rng)), float(0.5 * n(rng)), float(0.1 * n(rng))});
        } else {
            c.values.insert(c.values.end(), {float(-5 + 0.2 * n(rng)), float(2 + 0.2 * n(rng)), float(0.2 * n(rng))});
        }
    }
    return c;
}

}  // namespace

class TestLatentPrior : public QObject {
    Q_OBJECT
    LatentPrior prior_;

private Q_SLOTS:
    void initTestCase() {
        const Codes c = syntheticCodes();
        prior_ = fitLatentPrior(c.values, 3, c.labels, {"a", "b", "unused"});
    }

    void fitRecoversMeansSpreadsAndWeights() {
        QCOMPARE(int(prior_.components.size()), 2);  // "unused" has no codes
        const auto& a = prior_.components[0];
        QCOMPARE(a.name, std::string("a"));
        QVERIFY(std::abs(a.weight - 0.75) < 1e-9);
        QVERIFY(std::abs(a.mean[0] - 5) < 0.1 && std::abs(a.mean[1]) < 0.05);
        // Diagonal of the Cholesky factor ~ the standard deviations (independent dimensions).
        QVERIFY(std::abs(a.cholesky[0] - 1.0) < 0.05);
        QVERIFY(std::abs(a.cholesky[4] - 0.5) < 0.03);
        QVERIFY(std::abs(a.cholesky[8] - 0.1) < 0.01);
        QCOMPARE(a.cholesky[1], 0.0f);  // lower-triangular
        QVERIFY(std::abs(prior_.components[1].mean[1] - 2) < 0.05);
    }

    void samplesAreReproducibleFollowTheWeightsAndPsi() {
        QCOMPARE(samplePrior(prior_, 9, 0.7).latent, samplePrior(prior_, 9, 0.7).latent);
        QVERIFY(samplePrior(prior_, 9, 1.0).latent != samplePrior(prior_, 10, 1.0).latent);
        int fromB = 0;
        for (std::uint64_t seed = 0; seed < 2000; ++seed) {
            const PriorSample s = samplePrior(prior_, seed, 1.0);
            fromB += s.component == 1;
            // A sample lies in its family's cloud.
            QVERIFY(std::abs(s.latent[0] - prior_.components[std::size_t(s.component)].mean[0]) < 6.0);
        }
        QVERIFY2(std::abs(fromB / 2000.0 - 0.25) < 0.04, qPrintable(QString::number(fromB)));
        // psi scales the offset from the family mean; psi 0 is the mean itself.
        const PriorSample one = samplePrior(prior_, 5, 1.0), half = samplePrior(prior_, 5, 0.5);
        QCOMPARE(one.component, half.component);
        const Latent& mean = prior_.components[std::size_t(one.component)].mean;
        for (int d = 0; d < 3; ++d) QVERIFY(std::abs((half.latent[d] - mean[d]) - 0.5 * (one.latent[d] - mean[d])) < 1e-5);
        QCOMPARE(samplePrior(prior_, 5, 0.0).latent, mean);
    }

    void latentsAreAttributedToTheirFamily() {
        // Every sample is attributed to the family it was drawn from (the clouds barely overlap).
        int right = 0;
        for (std::uint64_t seed = 0; seed < 500; ++seed) {
            const PriorSample s = samplePrior(prior_, seed, 1.0);
            right += likeliestComponent(prior_, s.latent) == s.component;
        }
        QVERIFY2(right >= 498, qPrintable(QString::number(right)));
        QCOMPARE(likeliestComponent(prior_, prior_.components[1].mean), 1);
        // The covariance counts, not the plain distance: (-0.5, 1.5, 0) is nearer b's mean (4.5
        // against 5.7) but 22 of b's standard deviations away, against about 6 of a's.
        QCOMPARE(likeliestComponent(prior_, Latent{-0.5f, 1.5f, 0.0f}), 0);
        QCOMPARE(likeliestComponent(prior_, Latent{-4.0f, 2.0f, 0.0f}), 1);
        QCOMPARE(likeliestComponent(LatentPrior{}, Latent{0.0f, 0.0f, 0.0f}), -1);
        QCOMPARE(likeliestComponent(prior_, Latent{0.0f, 0.0f}), -1);  // wrong size
    }

    void typicalShapeIsTheFamilysMostCentralCode() {
        // Each family's most typical code is one of its own.
        const Codes c = syntheticCodes();
        const std::vector<std::ptrdiff_t> rows = mostTypicalCodes(prior_, c.values, c.labels, {"a", "b", "unused"});
        QCOMPARE(rows.size(), std::size_t(2));
        QCOMPARE(c.labels[std::size_t(rows[0])], 0);
        QCOMPARE(c.labels[std::size_t(rows[1])], 1);
        // Central under the family's covariance, not in plain distance: x spreads 6.6, y 0.7, the
        // mean is (0.8, 0). (0, +-1) lie nearest in plain distance (1.3) but 1.4 standard
        // deviations out; (4, 0) lies 3.2 away but 0.5 standard deviations out.
        const std::vector<float> codes{-9, 0, 9, 0, 0, -1, 0, 1, 4, 0};
        const LatentPrior p = fitLatentPrior(codes, 2, {0, 0, 0, 0, 0}, {"x"});
        QCOMPARE(mostTypicalCodes(p, codes, {0, 0, 0, 0, 0}, {"x"}), (std::vector<std::ptrdiff_t>{4}));
        // Codes of other families do not count; a family without codes gets -1.
        QCOMPARE(mostTypicalCodes(p, {4, 0, 0, 1}, {1, 0}, {"x", "y"}), (std::vector<std::ptrdiff_t>{1}));
        QCOMPARE(mostTypicalCodes(p, {4, 0}, {0}, {"y"}), (std::vector<std::ptrdiff_t>{-1}));
        QVERIFY(!test::errorOf([&] { mostTypicalCodes(p, {4, 0}, {3}, {"x"}); }).empty());
        // The fit leaves typical shapes to the package (refined encodings); until then, and in
        // packages made before, the mean stands in.
        QVERIFY(p.components[0].typical.empty());
        QCOMPARE(p.components[0].typicalShape(), p.components[0].mean);
    }

    void fewerCodesThanDimensionsStillFactorise() {
        // 3 codes in 3-D: a singular covariance; the ridge keeps it positive definite.
        const LatentPrior p = fitLatentPrior({1, 2, 3, 2, 3, 4, 3, 4, 5.5f}, 3, {0, 0, 0}, {"x"});
        QCOMPARE(int(p.components.size()), 1);
        for (float v : samplePrior(p, 1, 1.0).latent) QVERIFY(std::isfinite(v));
    }

    void storedFormRoundTrips() {
        SafetensorsContents weights;
        LatentPrior withTypical = prior_;
        withTypical.components[0].typical = {5.5f, 0.25f, -0.05f};
        withTypical.components[1].typical = {-5.0f, 2.0f, 0.1f};
        appendLatentPrior(weights, withTypical);
        const LatentPrior back = readLatentPrior(weights, 3, "w");
        QCOMPARE(int(back.components.size()), 2);
        QCOMPARE(back.components[1].name, std::string("b"));
        QCOMPARE(back.components[0].mean, prior_.components[0].mean);
        QCOMPARE(back.components[0].cholesky, prior_.components[0].cholesky);
        QCOMPARE(back.components[0].typical, withTypical.components[0].typical);
        QCOMPARE(back.components[1].typicalShape(), withTypical.components[1].typical);
        QCOMPARE(samplePrior(back, 4, 0.7).latent, samplePrior(prior_, 4, 0.7).latent);
        QVERIFY(readLatentPrior(SafetensorsContents{}, 3, "w").empty());  // none stored: none
        // Packages made before typical shapes were stored (a prior without them is written so
        // too): their means stand in.
        SafetensorsContents older;
        appendLatentPrior(older, prior_);
        QCOMPARE(older.tensors.size(), weights.tensors.size() - 1);
        const LatentPrior old = readLatentPrior(older, 3, "w");
        QVERIFY(old.components[1].typical.empty());
        QCOMPARE(old.components[1].typicalShape(), prior_.components[1].mean);
        // One component without one: none are stored (no half-filled tensor).
        LatentPrior partly = withTypical;
        partly.components[1].typical.clear();
        SafetensorsContents partial;
        appendLatentPrior(partial, partly);
        QVERIFY(!partial.find("latent_prior.typical"));
    }

    void malformedInputIsRefused() {
        SafetensorsContents weights;
        LatentPrior withTypical = prior_;
        for (auto& c : withTypical.components) c.typical = c.mean;
        appendLatentPrior(weights, withTypical);
        // A different latent size: inconsistent shapes.
        QVERIFY(test::errorOf([&] { readLatentPrior(weights, 4, "pkg"); }).find("inconsistent") != std::string::npos);
        SafetensorsContents noNames = weights;
        noNames.metadata.clear();
        QVERIFY(test::errorOf([&] { readLatentPrior(noNames, 3, "pkg"); }).find("incomplete") != std::string::npos);
        SafetensorsContents partial = weights;
        std::erase_if(partial.tensors, [](const TensorRecord& r) { return r.name == "latent_prior.cholesky"; });
        QVERIFY(test::errorOf([&] { readLatentPrior(partial, 3, "pkg"); }).find("incomplete") != std::string::npos);
        // A typical-shape tensor of the wrong shape.
        SafetensorsContents badTypical = weights;
        for (TensorRecord& r : badTypical.tensors)
            if (r.name == "latent_prior.typical") {
                r.shape = {2, 2};
                r.data.resize(4 * sizeof(float));
            }
        QVERIFY(test::errorOf([&] { readLatentPrior(badTypical, 3, "pkg"); }).find("latent_prior.typical") != std::string::npos);
        QVERIFY(!test::errorOf([&] { fitLatentPrior({1, 2, 3}, 3, {0, 0}, {"x"}); }).empty());
        QVERIFY(!test::errorOf([&] { fitLatentPrior({1, 2, 3, 4, 5, 6}, 3, {0, 7}, {"x"}); }).empty());
        QVERIFY(!test::errorOf([&] { samplePrior(LatentPrior{}, 1, 1.0); }).empty());
    }
};

QTEST_GUILESS_MAIN(TestLatentPrior)
#include "tst_latentprior.moc"

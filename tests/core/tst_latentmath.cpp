#include "core/ml/LatentMath.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <QtTest>

#include <cmath>

using namespace lf::ml;

namespace {
double norm(const Latent& v) {
    double s = 0;
    for (float x : v) s += double(x) * x;
    return std::sqrt(s);
}
double dot(const Latent& a, const Latent& b) {
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i) s += double(a[i]) * b[i];
    return s;
}
}  // namespace

class TestLatentMath : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void lerpEndpointsAndMidpoint() {
        const Latent a{1, 2, 3}, b{3, -2, 5};
        QCOMPARE(lerp(a, b, 0), a);
        QCOMPARE(lerp(a, b, 1), b);
        QCOMPARE(lerp(a, b, 0.5), (Latent{2, 0, 4}));
        QVERIFY_THROWS_EXCEPTION(lf::Error, lerp(a, Latent{1, 2}, 0.5));
    }

    void slerpEndpointsNormsAndAngles() {
        const Latent a = sampleLatent(1, 64), b = sampleLatent(2, 64);
        QCOMPARE(slerp(a, b, 0), a);
        QCOMPARE(slerp(a, b, 1), b);
        // Unit vectors stay on the sphere, and the angle is split evenly.
        Latent ua = a, ub = b;
        for (auto& x : ua) x = float(x / norm(a));
        for (auto& x : ub) x = float(x / norm(b));
        const auto mid = slerp(ua, ub, 0.5);
        QVERIFY(std::abs(norm(mid) - 1.0) < 1e-5);
        QVERIFY(std::abs(dot(mid, ua) - dot(mid, ub)) < 1e-5);
        for (double t : {0.1, 0.3, 0.7, 0.9}) QVERIFY(std::abs(norm(slerp(ua, ub, t)) - 1.0) < 1e-5);
        // Lerp of the same unit vectors shrinks towards the origin; slerp must not.
        QVERIFY(norm(lerp(ua, ub, 0.5)) < 0.9);
    }

    void slerpNearParallelAndDegenerate() {
        const Latent a{1, 0, 0};
        const Latent nearly{1, 1e-9f, 0};
        const auto m = slerp(a, nearly, 0.5);
        for (float x : m) QVERIFY(std::isfinite(x));
        QVERIFY(std::abs(m[0] - 1.0f) < 1e-6f);
        const Latent twice{2, 0, 0};  // parallel, different norms: falls back to lerp
        QCOMPARE(slerp(a, twice, 0.5), (Latent{1.5f, 0, 0}));
        const Latent zero{0, 0, 0};
        QCOMPARE(slerp(zero, a, 0.25), (Latent{0.25f, 0, 0}));
        const Latent opposite{-1, 0, 0};
        for (float x : slerp(a, opposite, 0.5)) QVERIFY(std::isfinite(x));
    }

    void truncationPullsTowardsTheMean() {
        const Latent mean{1, 1}, z{3, -1};
        QCOMPARE(truncate(z, mean, 1.0), z);
        QCOMPARE(truncate(z, mean, 0.0), mean);
        QCOMPARE(truncate(z, mean, 0.5), (Latent{2, 0}));
        QVERIFY_THROWS_EXCEPTION(lf::Error, truncate(z, Latent{1}, 0.5));
    }

    void seedsAreReproducibleAndNormal() {
        QCOMPARE(sampleLatent(42, 128), sampleLatent(42, 128));
        QVERIFY(sampleLatent(42, 128) != sampleLatent(43, 128));
        QCOMPARE(sampleLatent(5, 7).size(), std::size_t(7));
        // Pinned values: the sampler must never change, or saved seeds would show other shapes.
        const Latent pinned{1.31285155f, 1.51594651f, 1.25060391f, 0.166171387f};
        const auto got = sampleLatent(1, 4);
        for (int i = 0; i < 4; ++i) QVERIFY(std::abs(got[i] - pinned[i]) < 1e-6f);
        QCOMPARE(sampleLatent(1, 3)[0], got[0]);  // a longer vector extends, never reshuffles
        const auto big = sampleLatent(9, 20000);
        double mean = 0, var = 0;
        for (float x : big) mean += x;
        mean /= big.size();
        for (float x : big) var += (x - mean) * (x - mean);
        var /= big.size();
        QVERIFY(std::abs(mean) < 0.03);
        QVERIFY(std::abs(var - 1.0) < 0.05);
        QVERIFY_THROWS_EXCEPTION(lf::Error, sampleLatent(1, -1));
    }

    void moveAlongDirection() {
        LatentDirections d;
        d.mean = {0, 0, 0};
        d.directions = {1, 0, 0, 0, 0.6f, 0.8f};
        d.sigma = {2, 0.5f};
        const Latent z{1, 1, 1};
        QCOMPARE(moveAlong(z, d, 0, 1.5), (Latent{4, 1, 1}));
        const auto moved = moveAlong(z, d, 1, -2);
        QVERIFY(std::abs(moved[1] - 0.4f) < 1e-6f);
        QVERIFY(std::abs(moved[2] - 0.2f) < 1e-6f);
        QVERIFY_THROWS_EXCEPTION(lf::Error, moveAlong(z, d, 2, 1));
        QVERIFY_THROWS_EXCEPTION(lf::Error, moveAlong(z, d, -1, 1));
        QVERIFY_THROWS_EXCEPTION(lf::Error, moveAlong(Latent{1, 1}, d, 0, 1));
    }

    void jsonRoundTrip() {
        const Latent z = sampleLatent(3, 16);
        const auto text = latentToJson(z).dump();
        QCOMPARE(latentFromJson(nlohmann::json::parse(text), 16), z);  // float -> double -> float is exact
        QCOMPARE(latentFromJson(latentToJson(z)), z);
    }

    void badJsonRefused() {
        const auto good = latentToJson(Latent{1, 2, 3});
        QVERIFY_THROWS_EXCEPTION(lf::Error, latentFromJson(good, 4));
        QVERIFY_THROWS_EXCEPTION(lf::Error, latentFromJson(nlohmann::json::array({1, 2, 3})));
        auto j = good;
        j["format"] = "something-else";
        QVERIFY_THROWS_EXCEPTION(lf::Error, latentFromJson(j));
        j = good;
        j["version"] = 2;
        QVERIFY_THROWS_EXCEPTION(lf::Error, latentFromJson(j));
        j = good;
        j["values"][1] = "two";
        QVERIFY_THROWS_EXCEPTION(lf::Error, latentFromJson(j));
        j = good;
        j["values"][1] = 1e300;  // does not fit a float
        QVERIFY_THROWS_EXCEPTION(lf::Error, latentFromJson(j));
        j = good;
        j.erase("values");
        QVERIFY_THROWS_EXCEPTION(lf::Error, latentFromJson(j));
    }
};

QTEST_GUILESS_MAIN(TestLatentMath)
#include "tst_latentmath.moc"

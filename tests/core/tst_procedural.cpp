#include "core/formats/Float16.h"
#include "core/formats/Safetensors.h"
#include "core/procedural/SdfGrid.h"
#include "core/procedural/ShapeDataset.h"
#include "core/procedural/ShapeFamily.h"
#include "core/util/Error.h"

#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <set>

using namespace lf;
using sdf::Point3;

class TestProcedural : public QObject {
    Q_OBJECT

    static QString label(const ShapeFamily& f, std::uint64_t seed) {
        return QString::fromStdString(f.name()) + " seed " + QString::number(seed);
    }

private Q_SLOTS:
    void registryHasDistinctDocumentedFamilies() {
        QVERIFY(shapeFamilies().size() >= 6);
        std::set<std::string> names;
        for (const auto& f : shapeFamilies()) {
            QVERIFY(names.insert(f->name()).second);
            QVERIFY(!f->description().empty());
            QVERIFY(f->parameters().size() >= 5);
            for (const ShapeParameter& p : f->parameters()) {
                QVERIFY2(p.min < p.max, p.name.c_str());
                QVERIFY(!p.unit.empty() && !p.description.empty());
            }
        }
        QCOMPARE(&shapeFamily("mug"), shapeFamilies()[std::size_t(shapeFamilyIndex("mug"))].get());
        QVERIFY_THROWS_EXCEPTION(Error, shapeFamily("teapot"));
    }
    void samplesStayInDocumentedRangesAndAreDeterministic() {
        for (const auto& f : shapeFamilies()) {
            for (std::uint64_t seed = 0; seed < 200; ++seed) {
                const ShapeParams p = f->sample(seed);
                QCOMPARE(p, f->sample(seed));
                f->validate(p);  // throws when out of range
                for (std::size_t i = 0; i < p.size(); ++i)
                    if (f->parameters()[i].integer) QCOMPARE(p[i], std::floor(p[i]));
            }
            QVERIFY(f->sample(1) != f->sample(2));
        }
        // Pinned values: a change in the sampler (or a standard library's engine) shows here.
        QCOMPARE(uniformUnit(0), 0.0);
        QVERIFY(uniformUnit(~0ull) < 1.0);
        std::mt19937_64 engine;
        engine.discard(9999);
        QCOMPARE(engine(), 9981545732273789042ull);  // fixed by the C++ standard
    }
    void integerParametersReachBothEnds() {
        const ShapeFamily& flange = shapeFamily("flange");
        std::set<double> bolts;
        for (std::uint64_t seed = 0; seed < 300; ++seed) bolts.insert(flange.sample(seed)[5]);
        QCOMPARE(bolts.size(), std::size_t(6));  // 3..8
    }
    void validateRejectsBadParameters() {
        const ShapeFamily& bottle = shapeFamily("bottle");
        ShapeParams p = bottle.sample(3);
        p[0] = 1000;
        QVERIFY_THROWS_EXCEPTION(Error, bottle.build(p));
        p = bottle.sample(3);
        p.pop_back();
        QVERIFY_THROWS_EXCEPTION(Error, bottle.build(p));
        p = bottle.sample(3);
        p[1] = std::nan("");
        QVERIFY_THROWS_EXCEPTION(Error, bottle.build(p));
        const ShapeFamily& flange = shapeFamily("flange");
        ShapeParams q = flange.sample(1);
        q[5] = 4.5;  // bolt_count must be whole
        QVERIFY_THROWS_EXCEPTION(Error, flange.build(q));
    }
    void signIsRightAtDesignProbes() {
        for (const auto& f : shapeFamilies()) {
            for (std::uint64_t seed = 0; seed < 40; ++seed) {
                const auto shape = f->build(f->sample(seed));
                const auto probes = shape->probes();
                QVERIFY(probes.size() >= 4);
                bool sawInside = false, sawOutside = false;
                for (const ShapeProbe& probe : probes) {
                    const float d = shape->distance(probe.point);
                    sawInside |= probe.inside;
                    sawOutside |= !probe.inside;
                    QVERIFY2(probe.inside ? d < 0 : d > 0,
                             qPrintable(label(*f, seed) + ": " +
                                        QString::fromStdString(probe.what) + " has distance " +
                                        QString::number(d)));
                }
                QVERIFY(sawInside && sawOutside);
                // Far outside the cube is outside the shape.
                for (Point3 p : {Point3{1.5f, 0, 0}, Point3{0, -1.5f, 0}, Point3{0, 0, 1.5f}})
                    QVERIFY(shape->distance(p) > 0.4f);
            }
        }
    }
    void shapesFillTheCubeWithTheMargin() {
        for (const auto& f : shapeFamilies()) {
            const auto shape = f->build(f->sample(11));
            const SdfGrid grid = makeSdfGrid(*shape, 48, 0.2f);
            // Nothing inside on the outermost layer of voxels (margin 0.1 > one voxel).
            float lo[3] = {1, 1, 1}, hi[3] = {-1, -1, -1};
            for (int z = 0; z < 48; ++z)
                for (int y = 0; y < 48; ++y)
                    for (int x = 0; x < 48; ++x) {
                        if (grid.at(x, y, z) >= 0) continue;
                        const float c[3] = {grid.coordinate(x), grid.coordinate(y), grid.coordinate(z)};
                        for (int k = 0; k < 3; ++k) lo[k] = std::min(lo[k], c[k]), hi[k] = std::max(hi[k], c[k]);
                    }
            float largest = 0;
            for (int k = 0; k < 3; ++k) {
                QVERIFY2(lo[k] > -0.95f && hi[k] < 0.95f, f->name().c_str());
                largest = std::max(largest, hi[k] - lo[k]);
            }
            // The largest extent is 1.8 (within a voxel or two of sampling).
            QVERIFY2(largest > 1.65f, qPrintable(QString::fromStdString(f->name()) + " extent " +
                                                 QString::number(largest)));
        }
    }
    void gradientNormIsRoughlyOne() {
        // Central differences at random points near the surface (|d| < 0.1): an SDF has |grad| = 1
        // almost everywhere; booleans and smooth blends only bound it, hence the tolerance
        // on the median and a looser bound on almost all samples.
        std::mt19937_64 engine(5);
        for (const auto& f : shapeFamilies()) {
            const auto shape = f->build(f->sample(21));
            std::vector<float> norms;
            const float h = 1e-3f;
            while (norms.size() < 400) {
                const Point3 p{float(uniformUnit(engine()) * 2 - 1), float(uniformUnit(engine()) * 2 - 1),
                               float(uniformUnit(engine()) * 2 - 1)};
                if (std::fabs(shape->distance(p)) > 0.1f) continue;
                const float gx = shape->distance({p.x + h, p.y, p.z}) - shape->distance({p.x - h, p.y, p.z});
                const float gy = shape->distance({p.x, p.y + h, p.z}) - shape->distance({p.x, p.y - h, p.z});
                const float gz = shape->distance({p.x, p.y, p.z + h}) - shape->distance({p.x, p.y, p.z - h});
                norms.push_back(std::sqrt(gx * gx + gy * gy + gz * gz) / (2 * h));
            }
            std::sort(norms.begin(), norms.end());
            const float median = norms[norms.size() / 2];
            const float p95 = norms[norms.size() * 95 / 100];
            const float p05 = norms[norms.size() * 5 / 100];
            QVERIFY2(std::fabs(median - 1) < 0.05f, qPrintable(QString::fromStdString(f->name()) +
                                                               " median |grad| " + QString::number(median)));
            QVERIFY2(p95 < 1.1f && p05 > 0.3f,
                     qPrintable(QString::fromStdString(f->name()) + " |grad| 5%..95% " +
                                QString::number(p05) + ".." + QString::number(p95)));
        }
    }
    void gridsAreDeterministicPerSeedAndDifferAcrossSeeds() {
        for (const auto& f : shapeFamilies()) {
            const SdfGrid a = makeSdfGrid(*f->build(f->sample(7)), 32, 0.1f, 2);
            const SdfGrid b = makeSdfGrid(*f->build(f->sample(7)), 32, 0.1f, 1);  // thread count
            const SdfGrid c = makeSdfGrid(*f->build(f->sample(8)), 32, 0.1f, 2);
            QVERIFY(a.values == b.values);
            QVERIFY(a.values != c.values);
            for (float v : a.values) QVERIFY(v >= -0.1f && v <= 0.1f);
            QVERIFY(std::any_of(a.values.begin(), a.values.end(), [](float v) { return v < 0; }));
        }
    }
    void blockSkippingMatchesPointByPointSampling() {
        for (const auto& f : shapeFamilies()) {
            for (std::uint64_t seed : {5ull, 6ull}) {
                const auto shape = f->build(f->sample(seed));
                const int R = 30;  // not a multiple of the block size: partial blocks too
                const SdfGrid grid = makeSdfGrid(*shape, R, 0.08f);
                std::size_t differing = 0;
                for (int z = 0; z < R; ++z)
                    for (int y = 0; y < R; ++y)
                        for (int x = 0; x < R; ++x) {
                            const float d = std::clamp(
                                shape->distance({grid.coordinate(x), grid.coordinate(y), grid.coordinate(z)}),
                                -0.08f, 0.08f);
                            differing += d != grid.at(x, y, z);
                        }
                QVERIFY2(differing == 0, qPrintable(label(*f, seed) + ": " + QString::number(differing)));
            }
        }
    }
    void gridLayoutIsZYXCellCentred() {
        // A sphere of radius 0.5 centred at (0.5, 0, 0): check an off-centre sample by hand.
        class Ball final : public Shape {
        public:
            float distance(Point3 p) const override {
                return sdf::length(p.x - 0.5f, p.y, p.z) - 0.5f;
            }
            std::vector<ShapeProbe> probes() const override { return {}; }
        } ball;
        const SdfGrid g = makeSdfGrid(ball, 8, 10.f);
        QCOMPARE(g.coordinate(0), -0.875f);
        QCOMPARE(g.values.size(), std::size_t(512));
        // ix = 6 -> x = 0.625; iy = 3 -> y = -0.125; iz = 1 -> z = -0.625
        const float expected = sdf::length(0.125f, -0.125f, -0.625f) - 0.5f;
        QVERIFY(std::fabs(g.values[(1 * 8 + 3) * 8 + 6] - expected) < 1e-6f);
        QVERIFY_THROWS_EXCEPTION(Error, makeSdfGrid(ball, 1, 0.1f));
        QVERIFY_THROWS_EXCEPTION(Error, makeSdfGrid(ball, 8, 0.f));
        QVERIFY_THROWS_EXCEPTION(Error, makeSdfGrid(ball, 8, 0.1f, 0));
    }
    void datasetHasDocumentedLayout() {
        ShapeDatasetOptions o;
        o.count = 10;
        o.resolution = 16;
        o.seed = 99;
        int calls = 0;
        const SafetensorsContents c = makeShapeDataset(o, [&](int done, int total) {
            ++calls;
            QCOMPARE(total, 10);
            QCOMPARE(done, calls);
        });
        QCOMPARE(calls, 10);
        QCOMPARE(c.at("sdf").dtype, DType::F16);
        QCOMPARE(c.at("sdf").shape, (std::vector<std::int64_t>{10, 16, 16, 16}));
        QCOMPARE(c.at("family").shape, (std::vector<std::int64_t>{10}));
        QCOMPARE(c.at("params").dtype, DType::F32);
        QCOMPARE(c.at("seed").dtype, DType::I64);
        QCOMPARE(c.metadata.at("resolution"), std::string("16"));
        QCOMPARE(c.metadata.at("format"), std::string("latentforge-shape-dataset"));
        const auto names = nlohmann::json::parse(c.metadata.at("families"));
        QCOMPARE(names.size(), shapeFamilies().size());

        // Row 9 regenerates from its own seed and family, independently of the others.
        std::int64_t family = 0, seed = 0;
        std::memcpy(&family, c.at("family").data.data() + 9 * 8, 8);
        std::memcpy(&seed, c.at("seed").data.data() + 9 * 8, 8);
        QCOMPARE(family, std::int64_t(9 % shapeFamilies().size()));
        QCOMPARE(std::uint64_t(seed), shapeSeed(99, 9));
        const ShapeFamily& f = *shapeFamilies()[std::size_t(family)];
        const ShapeParams p = f.sample(std::uint64_t(seed));
        float firstParam = 0;
        std::memcpy(&firstParam, c.at("params").data.data() + 9 * c.at("params").shape[1] * 4, 4);
        QCOMPARE(firstParam, float(p[0]));
        const SdfGrid grid = makeSdfGrid(*f.build(p), 16, o.truncation);
        const std::byte* row = c.at("sdf").data.data() + 9 * 4096 * 2;
        for (int i = 0; i < 4096; i += 97) {
            std::uint16_t h = 0;
            std::memcpy(&h, row + 2 * i, 2);
            QVERIFY(std::fabs(halfToFloat(h) - grid.values[std::size_t(i)]) < 1e-3f);
        }
        // Same options, same bytes.
        QVERIFY(makeShapeDataset(o).at("sdf").data == c.at("sdf").data);
    }
    void datasetRejectsBadOptions() {
        ShapeDatasetOptions o;
        o.count = 0;
        QVERIFY_THROWS_EXCEPTION(Error, makeShapeDataset(o));
        o.count = 2;
        o.families = {"bottle", "spaceship"};
        QVERIFY_THROWS_EXCEPTION(Error, makeShapeDataset(o));
        o.families = {"knob"};
        o.resolution = 1;
        QVERIFY_THROWS_EXCEPTION(Error, makeShapeDataset(o));
    }
};

QTEST_GUILESS_MAIN(TestProcedural)
#include "tst_procedural.moc"

#include "core/geometry/SdfContour.h"
#include "core/geometry/MeshShells.h"
#include "core/geometry/ShapeMeshing.h"
#include "core/procedural/SdfGrid.h"
#include "core/procedural/ShapeFamily.h"
#include "core/util/Error.h"

#include <QtTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>

using namespace lf;
using sdf::Point3;

namespace {

class Ball final : public Shape {
public:
    explicit Ball(float r) : r_(r) {}
    float distance(Point3 p) const override { return sdf::length(p.x, p.y, p.z) - r_; }
    std::vector<ShapeProbe> probes() const override { return {}; }

private:
    float r_;
};

struct Topology {
    int components = 0;
    std::size_t openEdges = 0;         // used by one triangle
    std::size_t nonManifoldEdges = 0;  // used by more than two
};

Topology topologyOf(const Mesh& m) {
    std::vector<std::uint32_t> parent(m.vertices.size());
    std::iota(parent.begin(), parent.end(), 0u);
    auto find = [&](std::uint32_t v) {
        while (parent[v] != v) v = parent[v] = parent[parent[v]];
        return v;
    };
    std::map<std::pair<std::uint32_t, std::uint32_t>, int> edges;
    for (const Triangle& t : m.triangles)
        for (int k = 0; k < 3; ++k) {
            const std::uint32_t a = t[k], b = t[(k + 1) % 3];
            ++edges[{std::min(a, b), std::max(a, b)}];
            parent[find(a)] = find(b);
        }
    Topology topo;
    for (const auto& [edge, uses] : edges) {
        topo.openEdges += uses == 1;
        topo.nonManifoldEdges += uses > 2;
    }
    std::vector<bool> used(m.vertices.size());
    for (const Triangle& t : m.triangles)
        for (std::uint32_t v : t) used[v] = true;
    for (std::uint32_t v = 0; v < m.vertices.size(); ++v)
        topo.components += used[v] && find(v) == v;
    return topo;
}

double area(const Mesh& m) {
    double total = 0;
    for (const Triangle& t : m.triangles) {
        const Vec3f &a = m.vertices[t[0]], &b = m.vertices[t[1]], &c = m.vertices[t[2]];
        const double ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
        const double vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
        total += 0.5 * std::sqrt(std::pow(uy * vz - uz * vy, 2) + std::pow(uz * vx - ux * vz, 2) +
                                 std::pow(ux * vy - uy * vx, 2));
    }
    return total;
}

// Nearest sample of `g` at a point in its coordinates; outside the cube counts as outside.
float sampleNearest(const SdfGrid& g, const Vec3f& p) {
    int i[3];
    for (int k = 0; k < 3; ++k) {
        i[k] = int(std::floor((p[k] + 1.0f) / g.spacing()));
        if (i[k] < 0 || i[k] >= g.resolution) return g.truncation;
    }
    return g.at(i[0], i[1], i[2]);
}

// Writes the mesh as OBJ when LF_SDF_DUMP_DIR is set (for looking at the shapes by eye).
void dumpIfAsked(const Mesh& m, const std::string& name) {
    const char* dir = std::getenv("LF_SDF_DUMP_DIR");
    if (!dir) return;
    std::ofstream out(std::string(dir) + "/" + name + ".obj");
    for (const Vec3f& v : m.vertices) out << "v " << v[0] << ' ' << v[1] << ' ' << v[2] << '\n';
    for (const Triangle& t : m.triangles)
        out << "f " << t[0] + 1 << ' ' << t[1] + 1 << ' ' << t[2] + 1 << '\n';
}

}  // namespace

class TestSdfContour : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sphereContoursToWatertightSphere() {
        const float r = 0.6f;
        const SdfGrid grid = makeSdfGrid(Ball(r), 64, 0.1f);
        const Mesh m = contourSdfGrid(grid);
        m.validate();
        const Topology topo = topologyOf(m);
        QCOMPARE(topo.components, 1);
        QCOMPARE(topo.openEdges, std::size_t(0));
        QCOMPARE(topo.nonManifoldEdges, std::size_t(0));
        for (const Vec3f& v : m.vertices)
            QVERIFY(std::fabs(std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]) - r) < 0.005f);
        const double expectedArea = 4 * M_PI * r * r;
        QVERIFY(std::fabs(area(m) / expectedArea - 1) < 0.01);
        // Outward: positive volume, normals pointing away from the centre.
        const double expectedVolume = 4.0 / 3.0 * M_PI * r * r * r;
        QVERIFY(std::fabs(signedVolume(m) / expectedVolume - 1) < 0.01);
        QCOMPARE(m.normals.size(), m.vertices.size());
        for (std::size_t i = 0; i < m.vertices.size(); ++i) {
            const Vec3f &v = m.vertices[i], &n = m.normals[i];
            QVERIFY((v[0] * n[0] + v[1] * n[1] + v[2] * n[2]) / r > 0.95f);
        }
    }
    void shapeCutByTheBorderContoursWatertightWhenClosed() {
        // A ball larger than the cube: every face of the grid cuts it.
        const SdfGrid grid = makeSdfGrid(Ball(1.2f), 32, 0.2f);
        const Topology open = topologyOf(contourSdfGrid(grid));
        QVERIFY(open.openEdges > 0);
        const Mesh closed = contourSdfGrid(grid, 0.0f, SdfContourBorder::Closed);
        closed.validate();
        const Topology topo = topologyOf(closed);
        QCOMPARE(topo.components, 1);
        QCOMPARE(topo.openEdges, std::size_t(0));
        QCOMPARE(topo.nonManifoldEdges, std::size_t(0));
        QVERIFY(signedVolume(closed) > 0);
        // Capped half a voxel inside the cube, not beyond the outermost samples.
        const float limit = grid.coordinate(grid.resolution - 1) + 1e-4f;
        for (const Vec3f& v : closed.vertices)
            for (int a = 0; a < 3; ++a) QVERIFY(std::fabs(v[a]) <= limit);
    }
    void closingNudgesSamplesOffTheIsoValue() {
        SdfGrid grid = makeSdfGrid(Ball(0.5f), 16, 0.2f);
        const float eps = 0.01f * grid.spacing();
        grid.values[grid.index(8, 8, 8)] = 0.0f;
        grid.values[grid.index(7, 8, 8)] = -0.5f * eps;
        const SdfGrid before = grid;
        closeSdfGridForContour(grid);
        QCOMPARE(grid.values[grid.index(8, 8, 8)], eps);
        QCOMPARE(grid.values[grid.index(7, 8, 8)], -eps);
        for (std::size_t i = 0; i < grid.values.size(); ++i) {
            QVERIFY(std::fabs(grid.values[i]) >= eps);
            QVERIFY(grid.values[i] >= before.values[i] - eps);
        }
        QCOMPARE(grid.values[grid.index(0, 5, 5)], 0.2f);  // border: outside
        SdfGrid bad = grid;
        bad.values.resize(10);
        QVERIFY_THROWS_EXCEPTION(Error, closeSdfGridForContour(bad));
    }
    void emptyAndInconsistentGrids() {
        SdfGrid all;
        all.resolution = 8;
        all.truncation = 0.1f;
        all.values.assign(512, 0.1f);
        QVERIFY(contourSdfGrid(all).empty());
        all.values.assign(512, -0.1f);
        QVERIFY(contourSdfGrid(all).empty());
        all.values.resize(100);
        QVERIFY_THROWS_EXCEPTION(Error, contourSdfGrid(all));
    }
    void everyFamilyContoursToClosedSurfaces() {
        for (const auto& f : shapeFamilies()) {
            for (std::uint64_t seed : {1ull, 2ull, 3ull}) {
                const SdfGrid grid = makeSdfGrid(*f->build(f->sample(seed)), 64, 0.1f);
                const Mesh m = contourSdfGrid(grid);
                m.validate();
                QVERIFY2(m.triangleCount() > 1000, f->name().c_str());
                const Topology topo = topologyOf(m);
                qInfo("%s seed %llu: %zu triangles, %d components, %zu open edges, %zu non-manifold",
                      f->name().c_str(), (unsigned long long)seed, m.triangleCount(),
                      topo.components, topo.openEdges, topo.nonManifoldEdges);
                QCOMPARE(topo.openEdges, std::size_t(0));
                QCOMPARE(topo.nonManifoldEdges, std::size_t(0));
                // The capped bottle's cavity is an internal void: a second closed surface.
                QCOMPARE(topo.components, f->name() == "bottle" ? 2 : 1);
                QVERIFY(signedVolume(m) > 0);
                dumpIfAsked(m, f->name() + "-" + std::to_string(seed));
            }
        }
    }
    void shapeMeshesStandZUp() {
        // The families are built +y up (the models' frame); the meshes the app shows and writes
        // stand +z up on its floor: a bottle is tallest along z, its cap at the top, and the turn
        // is a rotation (volume and outward orientation kept).
        const auto& bottle = shapeFamily("bottle");
        const SdfGrid grid = makeSdfGrid(*bottle.build(bottle.sample(1)), 48, 0.1f);
        const Mesh modelFrame = contourSdfGrid(grid);
        const Mesh shown = closedShapeMesh(grid, ShellCleanup::KeepAll);
        const BoundingBox m = modelFrame.bounds(), b = shown.bounds();
        QCOMPARE(b.min[0], m.min[0]);
        QCOMPARE(b.max[0], m.max[0]);
        QCOMPARE(b.min[1], -m.max[2]);
        QCOMPARE(b.max[1], -m.min[2]);
        QCOMPARE(b.min[2], m.min[1]);
        QCOMPARE(b.max[2], m.max[1]);
        QVERIFY(b.size()[2] > 1.2f * std::max(b.size()[0], b.size()[1]));
        // The cap (narrow) is at the top: the top tenth is narrower than the bottom tenth.
        auto widthNear = [&](float z0, float z1) {
            float w = 0;
            for (const Vec3f& v : shown.vertices)
                if (v[2] >= z0 && v[2] <= z1) w = std::max(w, std::abs(v[0]));
            return w;
        };
        const float h = b.size()[2];
        QVERIFY(widthNear(b.max[2] - 0.1f * h, b.max[2]) < 0.7f * widthNear(b.min[2], b.min[2] + 0.1f * h));
        QVERIFY(std::abs(signedVolume(shown) - signedVolume(modelFrame)) < 1e-3 * signedVolume(modelFrame));
        QVERIFY(signedVolume(shown) > 0);
        QCOMPARE(shown.normals.size(), shown.vertices.size());
        // Normals turned with the vertices: the topmost vertex's normal points up.
        const auto top = std::max_element(shown.vertices.begin(), shown.vertices.end(),
                                          [](const Vec3f& a, const Vec3f& c) { return a[2] < c[2]; });
        QVERIFY(shown.normals[std::size_t(top - shown.vertices.begin())][2] > 0.5f);
    }
    void designScaleBringsAShapeToASize() {
        const auto& mug = shapeFamily("mug");
        const Mesh mesh = closedShapeMesh(makeSdfGrid(*mug.build(mug.sample(3)), 40, 0.1f));
        const double height = mesh.bounds().size()[2];
        QVERIFY(height > 0.5 && height < 2);  // model units: inside the [-1,1] cube
        QCOMPARE(designMeasure(mesh, DesignMeasure::Height), height);
        QCOMPARE(designScaleFor(mesh, DesignMeasure::Height, 95.0), 95.0 / height);
        Mesh sized = mesh;
        sized.scale(float(designScaleFor(mesh, DesignMeasure::Height, 95.0)));
        QVERIFY(std::abs(sized.bounds().size()[2] - 95.0f) < 1e-3f);
        // By the largest dimension.
        const Vec3f size = mesh.bounds().size();
        const double largest = std::max({size[0], size[1], size[2]});
        QCOMPARE(designMeasure(mesh, DesignMeasure::LargestDimension), largest);
        QCOMPARE(designScaleFor(mesh, DesignMeasure::LargestDimension, 120.0), 120.0 / largest);
        // The default puts a full-height shape at about a mug's or a small bottle's size.
        QVERIFY(kDefaultDesignScale * 1.8 > 80 && kDefaultDesignScale * 1.8 < 150);
        for (const auto measure : {DesignMeasure::Height, DesignMeasure::LargestDimension}) {
            for (double bad : {0.0, -5.0, std::nan(""), std::numeric_limits<double>::infinity()})
                QVERIFY_THROWS_EXCEPTION(Error, designScaleFor(mesh, measure, bad));
            QVERIFY_THROWS_EXCEPTION(Error, designScaleFor(Mesh{}, measure, 95.0));
            QCOMPARE(designMeasure(Mesh{}, measure), 0.0);
        }
    }

    void meshToSdfReproducesTheGrid() {
        for (const auto& f : shapeFamilies()) {
            const SdfGrid original = makeSdfGrid(*f->build(f->sample(4)), 64, 0.1f);
            const Mesh m = contourSdfGrid(original);
            const MeshSdfGrid back = meshToSdfGrid(m, 64, 0.1f);
            QCOMPARE(back.grid.resolution, 64);
            // Compare the inside sets in the original frame, through the returned transform.
            std::size_t both = 0, either = 0;
            for (int z = 0; z < 64; ++z)
                for (int y = 0; y < 64; ++y)
                    for (int x = 0; x < 64; ++x) {
                        const Vec3f p{original.coordinate(x), original.coordinate(y),
                                      original.coordinate(z)};
                        const bool a = original.at(x, y, z) < 0;
                        const bool b = sampleNearest(back.grid, back.normalisation.toNormalised(p)) < 0;
                        both += a && b;
                        either += a || b;
                    }
            const double iou = double(both) / double(either);
            qInfo("%s: IoU of inside sets after mesh -> SDF = %.4f", f->name().c_str(), iou);
            QVERIFY2(iou >= 0.9, f->name().c_str());
        }
    }
    void meshToSdfMatchesAnalyticDistances() {
        const Mesh sphere = contourSdfGrid(makeSdfGrid(Ball(0.5f), 64, 0.2f));
        const MeshSdfGrid s = meshToSdfGrid(sphere, 32, 0.3f, 0.1f);
        // The contoured sphere has radius 0.5, so it normalises to radius 0.9.
        QVERIFY(std::fabs(s.normalisation.scale - 1.8f) < 0.02f);
        const Vec3f back = s.normalisation.toOriginal(s.normalisation.toNormalised({0.1f, 0.2f, 0.3f}));
        QVERIFY(std::fabs(back[2] - 0.3f) < 1e-5f);
        float worst = 0;
        for (int z = 0; z < 32; ++z)
            for (int y = 0; y < 32; ++y)
                for (int x = 0; x < 32; ++x) {
                    const float d = sdf::length(s.grid.coordinate(x), s.grid.coordinate(y),
                                                s.grid.coordinate(z)) - 0.9f;
                    worst = std::max(worst, std::fabs(std::clamp(d, -0.3f, 0.3f) - s.grid.at(x, y, z)));
                }
        QVERIFY2(worst < 0.01f, qPrintable(QString::number(worst)));
    }
    void meshToSdfHandlesSplitVertices() {
        // STL-style input: every triangle has its own three vertices.
        const Mesh welded = contourSdfGrid(makeSdfGrid(*shapeFamily("mug").build(shapeFamily("mug").sample(2)), 48, 0.1f));
        Mesh split;
        for (const Triangle& t : welded.triangles) {
            const auto base = std::uint32_t(split.vertices.size());
            for (std::uint32_t v : t) split.vertices.push_back(welded.vertices[v]);
            split.triangles.push_back({base, base + 1, base + 2});
        }
        const MeshSdfGrid a = meshToSdfGrid(welded, 32, 0.1f);
        const MeshSdfGrid b = meshToSdfGrid(split, 32, 0.1f);
        std::size_t signFlips = 0;
        for (std::size_t i = 0; i < a.grid.values.size(); ++i)
            signFlips += (a.grid.values[i] < 0) != (b.grid.values[i] < 0);
        QCOMPARE(signFlips, std::size_t(0));
    }
    void meshToSdfReadsAnInsideOutMeshTheRightWayRound() {
        // A capped bottle (outer shell and a sealed cavity) saved with every face flipped, as a
        // mirrored or badly written export gives it: the same grid, not its negative (which
        // encodes as a solid cube).
        const Mesh bottle = contourSdfGrid(makeSdfGrid(*shapeFamily("bottle").build(shapeFamily("bottle").sample(1)), 48, 0.1f));
        Mesh flipped = bottle;
        for (Triangle& t : flipped.triangles) std::swap(t[1], t[2]);
        // Only the cavity flipped (one shell of two saved the wrong way round), the same too.
        Mesh cavityFlipped = bottle;
        std::size_t cavities = 0;
        for (const MeshShell& shell : meshShells(bottle))
            if (shell.signedVolume < 0) {
                ++cavities;
                for (std::size_t t : shell.triangles) std::swap(cavityFlipped.triangles[t][1], cavityFlipped.triangles[t][2]);
            }
        QCOMPARE(cavities, std::size_t(1));
        const MeshSdfGrid a = meshToSdfGrid(bottle, 32, 0.1f);
        const MeshSdfGrid b = meshToSdfGrid(flipped, 32, 0.1f);
        const MeshSdfGrid c = meshToSdfGrid(cavityFlipped, 32, 0.1f);
        std::size_t inside = 0;
        float worst = 0;  // the closest point's rounding depends on the vertex order
        for (std::size_t i = 0; i < a.grid.values.size(); ++i) {
            worst = std::max({worst, std::fabs(b.grid.values[i] - a.grid.values[i]),
                              std::fabs(c.grid.values[i] - a.grid.values[i])});
            inside += a.grid.values[i] < 0;
        }
        QVERIFY2(worst < 1e-5f, qPrintable(QString::number(worst)));
        // Walls, not a block: a fifth of the cube or less is material.
        QVERIFY2(inside > 0 && inside < a.grid.values.size() / 5, qPrintable(QString::number(inside)));
    }
    void meshToSdfRejectsBadInput() {
        QVERIFY_THROWS_EXCEPTION(Error, meshToSdfGrid(Mesh{}, 32, 0.1f));
        Mesh flat;
        flat.vertices = {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}};
        flat.triangles = {{0, 1, 2}};
        QVERIFY_THROWS_EXCEPTION(Error, meshToSdfGrid(flat, 32, 0.1f));
        const Mesh sphere = contourSdfGrid(makeSdfGrid(Ball(0.5f), 16, 0.2f));
        QVERIFY_THROWS_EXCEPTION(Error, meshToSdfGrid(sphere, 1, 0.1f));
        QVERIFY_THROWS_EXCEPTION(Error, meshToSdfGrid(sphere, 16, -1.f));
        Mesh broken = sphere;
        broken.triangles.push_back({0, 1, 999999});
        QVERIFY_THROWS_EXCEPTION(Error, meshToSdfGrid(broken, 16, 0.1f));
    }

    void placementsInterpolateExactlyAtTheEnds() {
        const MeshNormalisation a{{1.5f, -2.25f, 7.0f}, 0.01f}, b{{-3.0f, 4.1f, 0.3f}, 0.04f};
        for (double t : {0.0, 1.0}) {
            const MeshNormalisation m = interpolatePlacement(a, b, t);
            const MeshNormalisation& end = t == 0 ? a : b;
            QCOMPARE(m.scale, end.scale);
            QVERIFY(m.centre == end.centre);
        }
        const MeshNormalisation mid = interpolatePlacement(a, b, 0.5);
        QVERIFY(std::abs(mid.scale - 0.02f) < 1e-7f);  // geometric: sizes 100 -> 50 -> 25
        QVERIFY(std::abs(mid.centre[0] - (-0.75f)) < 1e-6f);
        QVERIFY(std::abs(mid.centre[2] - 3.65f) < 1e-6f);
        // The sizes alone (the GUI's interpolation of two designs' mm per unit): exact ends.
        QCOMPARE(interpolateScale(50.0 / 3, 200.0 / 7, 0.0), 50.0 / 3);
        QCOMPARE(interpolateScale(50.0 / 3, 200.0 / 7, 1.0), 200.0 / 7);
        QVERIFY(std::abs(interpolateScale(50, 200, 0.5) - 100) < 1e-12);
        QVERIFY(std::abs(interpolateScale(50, 200, 0.25) - 50 * std::sqrt(2.0)) < 1e-12);
    }
};

QTEST_GUILESS_MAIN(TestSdfContour)
#include "tst_sdfcontour.moc"

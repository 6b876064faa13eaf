#include "TestMeshes.h"

#include "core/geometry/MeshReport.h"
#include "core/geometry/MeshShells.h"
#include "core/io/MeshImport.h"

#include <nlohmann/json.hpp>
#include <open3d/geometry/TriangleMesh.h>

#include <QtTest>

namespace fs = std::filesystem;

namespace {

const fs::path kValid = fs::path(LF_CORPUS_DIR) / "valid";

open3d::geometry::TriangleMesh toOpen3d(const lf::Mesh& mesh) {
    open3d::geometry::TriangleMesh o3d;
    for (const lf::Vec3f& v : mesh.vertices) o3d.vertices_.emplace_back(v[0], v[1], v[2]);
    for (const lf::Triangle& t : mesh.triangles)  // without degenerate ones, as the report does
        if (t[0] != t[1] && t[1] != t[2] && t[0] != t[2])
            o3d.triangles_.emplace_back(int(t[0]), int(t[1]), int(t[2]));
    return o3d;
}

}  // namespace

class TestMeshReport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void closedBox() {
        const lf::MeshReport r = lf::computeMeshReport(lf::test::box(2.0f, {1, 1, 1}));
        QCOMPARE(r.vertices, std::size_t(8));
        QCOMPARE(r.triangles, std::size_t(12));
        QVERIFY(r.watertight);
        QVERIFY(r.edgeManifold);
        QVERIFY(r.vertexManifold);
        QVERIFY(r.orientable);
        QVERIFY(!r.selfIntersecting);
        QVERIFY(r.printable());
        QCOMPARE(r.connectedComponents, std::size_t(1));
        QVERIFY(std::abs(r.surfaceArea - 24.0) < 1e-9);
        QVERIFY(r.volume.has_value());
        QVERIFY(std::abs(*r.volume - 8.0) < 1e-9);
        QCOMPARE(r.bounds.min[0], 1.0f);
        QCOMPARE(r.bounds.max[2], 3.0f);
    }
    void sphereVolumeAndArea() {
        const lf::MeshReport r = lf::computeMeshReport(lf::test::icosphere(5, 10.0f));
        QVERIFY(r.watertight);
        // An inscribed polyhedron: slightly below the sphere's 4/3 pi r^3 and 4 pi r^2.
        QVERIFY(*r.volume < 4188.8 && *r.volume > 4188.8 * 0.995);
        QVERIFY(r.surfaceArea < 1256.7 && r.surfaceArea > 1256.7 * 0.995);
    }
    void openBoxIsNotWatertight() {
        lf::Mesh box = lf::test::box();
        box.triangles.pop_back();
        const lf::MeshReport r = lf::computeMeshReport(box);
        QVERIFY(!r.watertight);
        QVERIFY(r.edgeManifold);  // boundary edges are allowed for edge-manifoldness
        QVERIFY(!r.volume.has_value());
        QVERIFY(!r.printable());
    }
    void sphereWithHoleIsNotWatertight() {
        const lf::MeshReport r = lf::computeMeshReport(lf::importMesh(kValid / "sphereWithHole.stl"));
        QVERIFY(!r.watertight);
        QVERIFY(!r.volume.has_value());
        QVERIFY(r.surfaceArea > 0);
    }
    void twoDisjointBoxesAreTwoComponents() {
        const lf::Mesh two = lf::test::merged(lf::test::box(), lf::test::box(1.0f, {5, 0, 0}));
        const lf::MeshReport r = lf::computeMeshReport(two);
        QCOMPARE(r.connectedComponents, std::size_t(2));
        QVERIFY(r.watertight);
        QVERIFY(!r.selfIntersecting);
        QVERIFY(std::abs(*r.volume - 2.0) < 1e-9);
        QCOMPARE(r.bodies, std::size_t(2));
        QCOMPARE(r.innerVoids, std::size_t(0));
    }
    void sealedCavityIsOneBodyWithOneVoid() {
        // A hollow closed part (a capped bottle): the cavity's shell faces into the void.
        lf::Mesh cavity = lf::test::box(1.0f, {0.5f, 0.5f, 0.5f});
        for (lf::Triangle& t : cavity.triangles) std::swap(t[1], t[2]);
        const lf::Mesh hollow = lf::test::merged(lf::test::box(2.0f, {0, 0, 0}), cavity);
        const lf::MeshReport r = lf::computeMeshReport(hollow);
        QVERIFY(r.watertight);
        QCOMPARE(r.connectedComponents, std::size_t(2));
        QCOMPARE(r.bodies, std::size_t(1));
        QCOMPARE(r.innerVoids, std::size_t(1));
        QVERIFY(std::abs(*r.volume - 7.0) < 1e-9);
        // The same part saved inside-out is still one body with one void.
        lf::Mesh flipped = hollow;
        flipped.flipFaces();
        const lf::MeshReport f = lf::computeMeshReport(flipped);
        QCOMPARE(f.bodies, std::size_t(1));
        QCOMPARE(f.innerVoids, std::size_t(1));
        // ... but it is reported inside out (same volume), which is not printable.
        QVERIFY(!r.insideOut);
        QVERIFY(r.printable());
        QVERIFY(f.insideOut);
        QVERIFY(f.watertight && f.orientable);
        QVERIFY(std::abs(*f.volume - 7.0) < 1e-9);
        QVERIFY(!f.printable());
        QCOMPARE(lf::toJson(f)["insideOut"].get<bool>(), true);
    }
    void aShellSavedTheWrongWayRoundIsFoundAndTurned() {
        // Two parts, the second flipped: not inside out as a whole (the old whole-mesh sign said
        // "one body, one void, volume 0"), but one shell faces inward.
        lf::Mesh second = lf::test::box(1.0f, {5, 0, 0});
        second.flipFaces();
        lf::Mesh two = lf::test::merged(lf::test::box(), second);
        two.computeVertexNormals();
        const lf::MeshReport r = lf::computeMeshReport(two);
        QVERIFY(r.watertight && r.orientable);
        QCOMPARE(r.bodies, std::size_t(2));
        QCOMPARE(r.innerVoids, std::size_t(0));
        QCOMPARE(r.shellsFacingInward, std::size_t(1));
        QVERIFY(!r.insideOut);
        QVERIFY(!r.printable());
        QVERIFY(std::abs(*r.volume - 2.0) < 1e-9);
        QCOMPARE(lf::toJson(r)["shellsFacingInward"].get<int>(), 1);

        const lf::Mesh before = two;
        QCOMPARE(lf::orientShellsOutward(two), std::size_t(1));
        const lf::MeshReport fixed = lf::computeMeshReport(two);
        QCOMPARE(fixed.shellsFacingInward, std::size_t(0));
        QVERIFY(fixed.printable());
        QVERIFY(std::abs(*fixed.volume - 2.0) < 1e-9);
        // Only the flipped part moved, and its normals with it; the first part is untouched.
        for (std::size_t t = 0; t < 12; ++t) QCOMPARE(two.triangles[t], before.triangles[t]);
        QCOMPARE(two.normals[0], before.normals[0]);
        QCOMPARE(two.normals[8][0], -before.normals[8][0]);
        const lf::Mesh outward = two;
        QCOMPARE(lf::orientShellsOutward(two), std::size_t(0));  // already outward: untouched
        QVERIFY(two.triangles == outward.triangles);
    }
    void nestingDecidesBodiesAndVoids() {
        // A hollow box (cavity facing into the void) with a part sealed inside the cavity (a
        // rattle): depths 0, 1, 2 = body, void, body.
        lf::Mesh cavity = lf::test::box(3.0f, {0.5f, 0.5f, 0.5f});
        cavity.flipFaces();
        const lf::Mesh rattle =
            lf::test::merged(lf::test::merged(lf::test::box(4.0f), cavity), lf::test::box(1.0f, {1.5f, 1.5f, 1.5f}));
        const auto shells = lf::meshShells(rattle);
        QCOMPARE(lf::shellDepths(rattle, shells), (std::vector<int>{0, 1, 2}));
        const lf::MeshReport r = lf::computeMeshReport(rattle);
        QCOMPARE(r.bodies, std::size_t(2));
        QCOMPARE(r.innerVoids, std::size_t(1));
        QCOMPARE(r.shellsFacingInward, std::size_t(0));
        QVERIFY(std::abs(*r.volume - (64.0 - 27.0 + 1.0)) < 1e-9);
        // The cavity saved facing out of the void (into the material) is the one to turn.
        lf::Mesh wrongCavity = lf::test::merged(lf::test::box(4.0f), lf::test::box(3.0f, {0.5f, 0.5f, 0.5f}));
        const lf::MeshReport w = lf::computeMeshReport(wrongCavity);
        QCOMPARE(w.bodies, std::size_t(1));
        QCOMPARE(w.innerVoids, std::size_t(1));
        QCOMPARE(w.shellsFacingInward, std::size_t(1));
        QVERIFY(!w.insideOut && !w.printable());
        QVERIFY(std::abs(*w.volume - 37.0) < 1e-9);
        QCOMPARE(lf::orientShellsOutward(wrongCavity), std::size_t(1));
        QVERIFY(lf::computeMeshReport(wrongCavity).printable());
    }
    void openShellsEncloseNothing() {
        // A part standing in an open-sided box (its y = 0 side missing): the box has no inside,
        // so the part is not a void within it and is left as it is.
        lf::Mesh open = lf::test::box(4.0f);
        open.triangles.erase(open.triangles.begin() + 4, open.triangles.begin() + 6);
        lf::Mesh scene = lf::test::merged(open, lf::test::box(1.0f, {1.5f, 1.5f, 1.5f}));
        QCOMPARE(lf::shellDepths(scene, lf::meshShells(scene)), (std::vector<int>{0, 0}));
        const lf::Mesh before = scene;
        QCOMPARE(lf::orientShellsOutward(scene), std::size_t(0));
        QVERIFY(scene.triangles == before.triangles);
    }
    void orientingJoinsVerticesByPosition() {
        // A box as an OBJ with per-face normals arrives: each corner once per face, so by index
        // the box is six loose squares. Turned as one inside-out shell, not six.
        lf::Mesh inward = lf::test::box();
        inward.flipFaces();
        lf::Mesh split;
        for (const lf::Triangle& t : inward.triangles) {
            const auto base = std::uint32_t(split.vertices.size());
            for (std::uint32_t v : t) split.vertices.push_back(inward.vertices[v]);
            split.triangles.push_back({base, base + 1, base + 2});
        }
        QCOMPARE(lf::orientShellsOutward(split), std::size_t(1));
        QVERIFY(lf::signedVolume(split) > 0.999);
        QCOMPARE(lf::orientShellsOutward(split), std::size_t(0));
    }
    void specksAreRemovedAndCavitiesKept() {
        // A hollow part (cavity 1/8 of its volume), a speck beside it (1/1000) and a pinhole
        // bubble in its wall (1/8000, inside-out like any void).
        lf::Mesh cavity = lf::test::box(1.0f, {0.5f, 0.5f, 0.5f});
        lf::Mesh bubble = lf::test::box(0.1f, {1.85f, 1.85f, 1.85f});
        for (lf::Mesh* m : {&cavity, &bubble})
            for (lf::Triangle& t : m->triangles) std::swap(t[1], t[2]);
        lf::Mesh part = lf::test::merged(lf::test::merged(lf::test::box(2.0f, {0, 0, 0}), cavity),
                                         lf::test::merged(lf::test::box(0.2f, {5, 5, 5}), bubble));
        part.computeVertexNormals();
        QCOMPARE(lf::meshShells(part).size(), std::size_t(4));
        QCOMPARE(lf::removeSmallShells(part, 0.01), std::size_t(2));
        part.validate();  // indices and the normals' size follow the kept vertices
        QCOMPARE(part.vertices.size(), std::size_t(16));
        QCOMPARE(part.normals.size(), part.vertices.size());
        const lf::MeshReport r = lf::computeMeshReport(part);
        QCOMPARE(r.bodies, std::size_t(1));
        QCOMPARE(r.innerVoids, std::size_t(1));
        QVERIFY(std::abs(*r.volume - 7.0) < 1e-9);
        // One shell: nothing to remove, however small the threshold says it is.
        lf::Mesh single = lf::test::box();
        QCOMPARE(lf::removeSmallShells(single, 0.99), std::size_t(0));
        QCOMPARE(single.triangles.size(), std::size_t(12));
    }
    void openSurfaceHasNoBodies() {
        lf::Mesh box = lf::test::box();
        box.triangles.pop_back();
        const lf::MeshReport r = lf::computeMeshReport(box);
        QCOMPARE(r.bodies, std::size_t(0));
        QCOMPARE(r.innerVoids, std::size_t(0));
    }
    void overlappingBoxesSelfIntersect() {
        const lf::Mesh two = lf::test::merged(lf::test::box(), lf::test::box(1.0f, {0.5f, 0.5f, 0.5f}));
        const lf::MeshReport r = lf::computeMeshReport(two);
        QVERIFY(r.selfIntersecting);
        QVERIFY(!r.watertight);  // Open3D's definition excludes self-intersecting meshes
        QVERIFY(!r.printable());
    }
    void nonManifoldEdge() {
        // Three triangles sharing one edge.
        lf::Mesh m;
        m.vertices = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, -1, 0}, {0, 0, 1}};
        m.triangles = {{0, 1, 2}, {1, 0, 3}, {0, 1, 4}};
        const lf::MeshReport r = lf::computeMeshReport(m);
        QVERIFY(!r.edgeManifold);
        QVERIFY(!r.watertight);
    }
    void selfIntersectionAgreesWithOpen3d_data() {
        QTest::addColumn<QString>("file");
        for (const char* f : {"Spider_binary.stl", "sphereWithHole.stl", "spider.obj", "box.obj",
                              "concave_polygon.obj", "cube_uv.ply"})
            QTest::newRow(f) << f;
    }
    void selfIntersectionAgreesWithOpen3d() {
        // Our grid-accelerated test must answer exactly as Open3D's all-pairs test.
        QFETCH(QString, file);
        const lf::Mesh mesh = lf::importMesh(kValid / file.toStdString());
        const lf::MeshReport r = lf::computeMeshReport(mesh);
        const auto o3d = toOpen3d(mesh);
        QCOMPARE(r.selfIntersecting, o3d.IsSelfIntersecting());
        QCOMPARE(r.watertight, o3d.IsWatertight());
        QCOMPARE(r.orientable, o3d.IsOrientable());
    }
    void degenerateTrianglesAreCountedAndIgnored() {
        // A facet repeating a corner (common in STL files) used to crash Open3D's vertex check.
        lf::Mesh box = lf::test::box();
        box.triangles.push_back({0, 0, 7});
        box.triangles.push_back({3, 3, 3});
        const lf::MeshReport r = lf::computeMeshReport(box);
        QCOMPARE(r.degenerateTriangles, std::size_t(2));
        QCOMPARE(r.triangles, std::size_t(14));
        QVERIFY(r.watertight);
        QVERIFY(std::abs(*r.volume - 1.0) < 1e-9);
        lf::Mesh onlyDegenerate;
        onlyDegenerate.vertices = {{0, 0, 0}, {1, 0, 0}};
        onlyDegenerate.triangles = {{0, 0, 1}};
        QVERIFY(!lf::computeMeshReport(onlyDegenerate).watertight);
    }
    void emptyMesh() {
        const lf::MeshReport r = lf::computeMeshReport(lf::Mesh{});
        QCOMPARE(r.triangles, std::size_t(0));
        QVERIFY(!r.watertight);
        QVERIFY(!r.printable());
    }
    void jsonHasEveryKey() {
        const nlohmann::json j = lf::toJson(lf::computeMeshReport(lf::test::box()));
        for (const char* key : {"vertices", "triangles", "bounds", "surfaceArea", "volume", "watertight",
                                "edgeManifold", "vertexManifold", "selfIntersecting", "orientable",
                                "insideOut", "shellsFacingInward", "connectedComponents", "bodies", "innerVoids", "degenerateTriangles",
                                "printable"})
            QVERIFY2(j.contains(key), key);
        QCOMPARE(j["triangles"].get<int>(), 12);
        QCOMPARE(j["bounds"]["max"][0].get<double>(), 1.0);
        QCOMPARE(j["volume"].get<double>(), 1.0);
        QCOMPARE(j["watertight"].get<bool>(), true);
        lf::Mesh open = lf::test::box();
        open.triangles.pop_back();
        QVERIFY(lf::toJson(lf::computeMeshReport(open))["volume"].is_null());
    }
};

QTEST_GUILESS_MAIN(TestMeshReport)
#include "tst_meshreport.moc"

#include "core/mesh/Mesh.h"
#include "core/util/Error.h"

#include <QtTest>

using namespace lf;

class TestMesh : public QObject {
    Q_OBJECT
    static Mesh tetra() {
        Mesh m;
        m.vertices = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}};
        m.triangles = {{0, 2, 1}, {0, 1, 3}, {0, 3, 2}, {1, 2, 3}};
        return m;
    }
private Q_SLOTS:
    void boundsAndSize() {
        const BoundingBox b = tetra().bounds();
        QCOMPARE(b.min, (Vec3f{0, 0, 0}));
        QCOMPARE(b.max, (Vec3f{1, 1, 1}));
        QVERIFY(qAbs(b.diagonal() - std::sqrt(3.0f)) < 1e-6f);
    }
    void normalsAreUnitAndOutward() {
        Mesh m = tetra();
        m.computeVertexNormals();
        QCOMPARE(m.normals.size(), m.vertices.size());
        // Vertex 0 sits at the corner: its normal points away from the solid (all negative).
        for (int k = 0; k < 3; ++k) QVERIFY(m.normals[0][k] < 0);
        for (const Vec3f& n : m.normals)
            QVERIFY(qAbs(std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]) - 1.f) < 1e-5f);
    }
    void validateRejectsBadIndex() {
        Mesh m = tetra();
        m.validate();
        m.triangles.push_back({0, 1, 7});
        QVERIFY_THROWS_EXCEPTION(Error, m.validate());
    }
    void validateRejectsNonFinite() {
        Mesh m = tetra();
        m.vertices[2][1] = std::numeric_limits<float>::quiet_NaN();
        QVERIFY_THROWS_EXCEPTION(Error, m.validate());
    }
    void validateRejectsAttributeSizeMismatch() {
        Mesh m = tetra();
        m.uvs.resize(3);
        QVERIFY_THROWS_EXCEPTION(Error, m.validate());
    }
    void flipFacesTurnsTheMeshInsideOutAndBack() {
        Mesh m = tetra();
        m.computeVertexNormals();
        const Mesh original = m;
        m.flipFaces();
        QCOMPARE(m.vertices, original.vertices);
        for (std::size_t i = 0; i < m.normals.size(); ++i)
            for (int k = 0; k < 3; ++k) QCOMPARE(m.normals[i][k], -original.normals[i][k]);
        // The winding now says inward too: normals computed from it point into the solid.
        Mesh recomputed = m;
        recomputed.computeVertexNormals();
        for (int k = 0; k < 3; ++k) QVERIFY(recomputed.normals[0][k] > 0);
        m.flipFaces();
        QCOMPARE(m.triangles, original.triangles);
        QCOMPARE(m.normals, original.normals);
    }
    void scale() {
        Mesh m = tetra();
        m.scale(25.4f);
        QCOMPARE(m.bounds().max, (Vec3f{25.4f, 25.4f, 25.4f}));
    }
};

QTEST_GUILESS_MAIN(TestMesh)
#include "tst_mesh.moc"

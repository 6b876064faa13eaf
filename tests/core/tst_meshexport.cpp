#include "TestMeshes.h"

#include "core/geometry/MeshReport.h"
#include "core/io/MeshExport.h"
#include "core/io/MeshImport.h"
#include "core/util/Error.h"
#include "tests/common/FileSizeLimit.h"

#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <cstdio>
#include <fstream>
#include <sys/resource.h>

namespace fs = std::filesystem;

namespace {

std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
void writeText(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }
std::size_t entries(const fs::path& dir) {
    return std::distance(fs::directory_iterator(dir), fs::directory_iterator());
}
bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

using lf::test::FileSizeLimit;

}  // namespace

class TestMeshExport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void roundTripKeepsShape_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("format");
        QTest::newRow("stl binary") << "s.stl" << int(lf::ExportFormat::StlBinary);
        QTest::newRow("stl ascii") << "s.stl" << int(lf::ExportFormat::StlAscii);
        QTest::newRow("obj") << "s.obj" << int(lf::ExportFormat::Obj);
        QTest::newRow("ply") << "s.ply" << int(lf::ExportFormat::PlyBinary);
        QTest::newRow("gltf") << "s.gltf" << int(lf::ExportFormat::Gltf);
        QTest::newRow("glb") << "s.glb" << int(lf::ExportFormat::Glb);
    }
    void roundTripKeepsShape() {
        QFETCH(QString, name);
        QFETCH(int, format);
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / name.toStdString();
        lf::Mesh sphere = lf::test::icosphere(3, 25.0f);
        sphere.computeVertexNormals();
        QVERIFY(lf::computeMeshReport(sphere).watertight);

        lf::exportMesh(sphere, file, static_cast<lf::ExportFormat>(format));
        const lf::Mesh back = lf::importMesh(file);
        QCOMPARE(back.triangleCount(), sphere.triangleCount());
        QCOMPARE(back.vertexCount(), sphere.vertexCount());
        const lf::BoundingBox a = sphere.bounds(), b = back.bounds();
        for (int k = 0; k < 3; ++k) {
            QVERIFY2(std::abs(a.min[k] - b.min[k]) < 1e-4f, qPrintable(QString::number(b.min[k])));
            QVERIFY2(std::abs(a.max[k] - b.max[k]) < 1e-4f, qPrintable(QString::number(b.max[k])));
        }
        const lf::MeshReport report = lf::computeMeshReport(back);
        QVERIFY(report.watertight);
        QVERIFY(report.orientable);
        QVERIFY(report.volume.has_value());
        QVERIFY(std::abs(*report.volume - *lf::computeMeshReport(sphere).volume) < 1e-2);
        // No temporary left behind; glTF also wrote its buffer.
        QCOMPARE(entries(file.parent_path()), std::size_t(format == int(lf::ExportFormat::Gltf) ? 2 : 1));
    }
    void stlFlavoursDiffer() {
        QTemporaryDir dir;
        const fs::path bin = fs::path(dir.path().toStdString()) / "b.stl";
        const fs::path ascii = fs::path(dir.path().toStdString()) / "a.stl";
        const lf::Mesh box = lf::test::box();
        lf::exportMesh(box, bin);
        lf::ExportOptions options;
        options.ascii = true;
        lf::exportMesh(box, ascii, options);
        QCOMPARE(fs::file_size(bin), std::uintmax_t(84 + 50 * 12));
        QVERIFY(readAll(ascii).rfind("solid", 0) == 0);
        QVERIFY(contains(readAll(ascii), "facet normal"));
    }
    void objWithColoursWritesMtl() {
        QTemporaryDir dir;
        const fs::path dirPath = dir.path().toStdString();
        lf::Mesh box = lf::test::box();
        box.colors.assign(box.vertexCount(), lf::Vec4f{1.0f, 0.5f, 0.0f, 1.0f});
        lf::exportMesh(box, dirPath / "c.obj");
        QVERIFY(fs::exists(dirPath / "c.mtl"));
        QVERIFY2(contains(readAll(dirPath / "c.obj"), "mtllib c.mtl"), readAll(dirPath / "c.obj").c_str());
        QCOMPARE(entries(dirPath), std::size_t(2));
        const lf::Mesh back = lf::importMesh(dirPath / "c.obj");
        QCOMPARE(back.colors.size(), back.vertexCount());
        QCOMPARE(back.colors[0][1], 0.5f);
        // Without colour there is no material file.
        lf::exportMesh(lf::test::box(), dirPath / "plain.obj");
        QVERIFY(!fs::exists(dirPath / "plain.mtl"));
    }
    void scaleOption() {
        QTemporaryDir dir;
        lf::ExportOptions options;
        options.scale = 0.001f;
        for (const char* name : {"m.stl", "m.obj", "m.ply", "m.glb"}) {
            const fs::path file = fs::path(dir.path().toStdString()) / name;
            lf::exportMesh(lf::test::box(200.0f), file, options);
            const lf::BoundingBox b = lf::importMesh(file).bounds();
            QVERIFY2(std::abs(b.max[2] - 0.2f) < 1e-6f, name);
            QCOMPARE(b.min[0], 0.0f);
        }
    }
    void upAxisOption() {
        // A part 1 wide, 2 deep and 5 tall (+z up, as the app's world is), with normals.
        QTemporaryDir dir;
        lf::Mesh tall = lf::test::box();
        for (lf::Vec3f& v : tall.vertices) v = {v[0], 2 * v[1], 5 * v[2]};
        tall.computeVertexNormals();
        lf::ExportOptions yUp;
        yUp.fileUpAxis = lf::UpAxis::Y;
        yUp.scale = 10;
        for (const char* name : {"y.stl", "y.obj", "y.ply", "ya.stl"}) {
            const fs::path file = fs::path(dir.path().toStdString()) / name;
            lf::ExportOptions options = yUp;
            options.ascii = std::string(name) == "ya.stl";
            lf::exportMesh(tall, file, options);
            // Read as the file is: 50 high along y, 20 deep along -z; turned back, as it was.
            lf::ImportOptions asWritten;
            asWritten.fileUpAxis = lf::UpAxis::Z;
            const lf::Mesh read = lf::importMesh(file, asWritten);
            QCOMPARE(read.bounds().min, (lf::Vec3f{0, 0, -20}));
            QCOMPARE(read.bounds().max, (lf::Vec3f{10, 50, 0}));
            QVERIFY(lf::computeMeshReport(read).volume > 0);  // still outward: a rotation, no mirror
            lf::ImportOptions standing;
            standing.fileUpAxis = lf::UpAxis::Y;
            QCOMPARE(lf::importMesh(file, standing).bounds().max, (lf::Vec3f{10, 20, 50}));
        }
        // The OBJ's normals turn with the points, (x, y, z) -> (x, z, -y), and are not scaled.
        std::ifstream obj(fs::path(dir.path().toStdString()) / "y.obj");
        std::vector<lf::Vec3f> normals;
        for (std::string line; std::getline(obj, line);) {
            lf::Vec3f n{};
            if (std::sscanf(line.c_str(), "vn %f %f %f", &n[0], &n[1], &n[2]) == 3) normals.push_back(n);
        }
        QCOMPARE(normals.size(), tall.normals.size());
        for (std::size_t i = 0; i < normals.size(); ++i) {
            const lf::Vec3f& n = tall.normals[i];
            const lf::Vec3f turned{n[0], n[2], -n[1]};
            for (int k = 0; k < 3; ++k) QVERIFY(std::abs(normals[i][k] - turned[k]) < 1e-5f);
        }
        // The defaults: +z for STL/OBJ/PLY, +y for glTF, which cannot be written +z up.
        QCOMPARE(lf::conventionalUpAxis(lf::ExportFormat::Obj), lf::UpAxis::Z);
        QCOMPARE(lf::conventionalUpAxis(lf::ExportFormat::Glb), lf::UpAxis::Y);
        lf::ExportOptions zUp;
        zUp.fileUpAxis = lf::UpAxis::Z;
        const fs::path glb = fs::path(dir.path().toStdString()) / "z.glb";
        try {
            lf::exportMesh(tall, glb, zUp);
            QFAIL("a +z-up glTF was written");
        } catch (const lf::Error& e) {
            QVERIFY2(std::string(e.what()).find("+y up") != std::string::npos, e.what());
        }
        QVERIFY(!fs::exists(glb));
        yUp.scale = 1;
        lf::exportMesh(tall, glb, yUp);  // +y up is glTF's own: allowed, and the same as no choice
        QCOMPARE(lf::importMesh(glb).bounds().max, (lf::Vec3f{1, 2, 5}));
    }
    void formatFromExtension() {
        QCOMPARE(lf::exportFormatForPath("a.STL"), std::optional(lf::ExportFormat::StlBinary));
        QCOMPARE(lf::exportFormatForPath("a.stl", true), std::optional(lf::ExportFormat::StlAscii));
        QCOMPARE(lf::exportFormatForPath("a.glb"), std::optional(lf::ExportFormat::Glb));
        QCOMPARE(lf::exportFormatForPath("a.gltf"), std::optional(lf::ExportFormat::Gltf));
        QVERIFY(!lf::exportFormatForPath("a.docx").has_value());
        QCOMPARE(lf::exportFormats().size(), std::size_t(6));
    }
    void badRequestsAreClearErrors() {
        QTemporaryDir dir;
        const fs::path dirPath = dir.path().toStdString();
        auto message = [](auto&& call) -> std::string {
            try {
                call();
            } catch (const lf::Error& e) {
                return e.what();
            }
            return {};
        };
        const std::string unknown = message([&] { lf::exportMesh(lf::test::box(), dirPath / "x.docx"); });
        QVERIFY2(contains(unknown, "x.docx") && contains(unknown, "unknown export format"), unknown.c_str());
        const std::string empty = message([&] { lf::exportMesh(lf::Mesh{}, dirPath / "x.stl"); });
        QVERIFY2(contains(empty, "x.stl") && contains(empty, "no triangles"), empty.c_str());
        lf::ExportOptions negative;
        negative.scale = -1;
        const std::string scale = message([&] { lf::exportMesh(lf::test::box(), dirPath / "x.stl", negative); });
        QVERIFY2(contains(scale, "scale"), scale.c_str());
        lf::Mesh broken = lf::test::box();
        broken.triangles.push_back({0, 1, 99});
        const std::string invalid = message([&] { lf::exportMesh(broken, dirPath / "x.ply"); });
        QVERIFY2(contains(invalid, "x.ply") && contains(invalid, "99"), invalid.c_str());
        QCOMPARE(entries(dirPath), std::size_t(0));
    }
    void removedDirectoryFailsCleanly() {
        QTemporaryDir dir;
        const fs::path sub = fs::path(dir.path().toStdString()) / "out";
        fs::create_directory(sub);
        fs::remove(sub);
        for (const char* name : {"x.stl", "x.obj", "x.gltf"}) {
            QVERIFY_THROWS_EXCEPTION(lf::Error, lf::exportMesh(lf::test::box(), sub / name));
            QVERIFY(!fs::exists(sub));
        }
    }
    void fullDiskKeepsPreviousFile_data() {
        QTest::addColumn<QString>("name");
        for (const char* n : {"full.stl", "full.obj", "full.ply", "full.gltf", "full.glb"})
            QTest::newRow(n) << n;
        QTest::newRow("ascii stl") << "ascii.stl";
    }
    void fullDiskKeepsPreviousFile() {
        QFETCH(QString, name);
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / name.toStdString();
        writeText(file, "previous content");
        const lf::Mesh big = lf::test::icosphere(5);  // 20480 triangles, far over the limit below
        lf::ExportOptions options;
        options.ascii = name.startsWith("ascii");
        std::string message;
        {
            FileSizeLimit limit(4096);
            try {
                lf::exportMesh(big, file, options);
            } catch (const lf::Error& e) {
                message = e.what();
            }
        }
        QVERIFY2(!message.empty(), "no lf::Error on a full disk");
        QVERIFY2(contains(message, file.string()), message.c_str());
        QVERIFY2(contains(message, "File too large") || contains(message, "No space"), message.c_str());
        QCOMPARE(readAll(file), std::string("previous content"));
        QCOMPARE(entries(file.parent_path()), std::size_t(1));  // no temporaries left
    }
    void fullDiskKeepsObjAndMtlPair() {
        QTemporaryDir dir;
        const fs::path dirPath = dir.path().toStdString();
        writeText(dirPath / "pair.obj", "old obj");
        writeText(dirPath / "pair.mtl", "old mtl");
        lf::Mesh big = lf::test::icosphere(5);
        big.colors.assign(big.vertexCount(), lf::Vec4f{0.2f, 0.4f, 0.6f, 1.0f});
        {
            FileSizeLimit limit(4096);
            QVERIFY_THROWS_EXCEPTION(lf::Error, lf::exportMesh(big, dirPath / "pair.obj"));
        }
        QCOMPARE(readAll(dirPath / "pair.obj"), std::string("old obj"));
        QCOMPARE(readAll(dirPath / "pair.mtl"), std::string("old mtl"));
        QCOMPARE(entries(dirPath), std::size_t(2));
    }
    void replacesExistingFile() {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "r.stl";
        writeText(file, "old");
        lf::exportMesh(lf::test::box(), file);
        QCOMPARE(lf::importMesh(file).triangleCount(), std::size_t(12));
    }
};

QTEST_GUILESS_MAIN(TestMeshExport)
#include "tst_meshexport.moc"

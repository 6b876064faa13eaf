#include "TestMeshes.h"

#include "core/io/IsolatedRun.h"
#include "core/io/MeshExport.h"
#include "core/io/MeshImport.h"
#include "core/util/Error.h"

#include <QTemporaryDir>
#include <nlohmann/json.hpp>
#include <QtTest>

#include <csignal>
#include <fstream>
#include <unistd.h>

namespace fs = std::filesystem;

namespace {

const fs::path kValid = fs::path(LF_CORPUS_DIR) / "valid";
const fs::path kInvalid = fs::path(LF_CORPUS_DIR) / "invalid";

// Runs importMesh and returns the lf::Error message; fails the test when nothing is thrown.
std::string importError(const fs::path& file, const lf::ImportOptions& options = {}) {
    try {
        lf::importMesh(file, options);
    } catch (const lf::Error& e) {
        return e.what();
    }
    return {};
}

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

void writeText(const fs::path& p, const std::string& s) { std::ofstream(p, std::ios::binary) << s; }

}  // namespace

class TestMeshImport : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void validCorpusFilesImport_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("minTriangles");
        QTest::addColumn<int>("maxTriangles");
        QTest::addColumn<int>("maxVertices");
        QTest::newRow("Cube.off") << "Cube.off" << 12 << 12 << 24;
        QTest::newRow("box.obj") << "box.obj" << 12 << 12 << 8;
        QTest::newRow("cube.ply") << "cube.ply" << 12 << 12 << 8;
        QTest::newRow("cube_binary.ply") << "cube_binary.ply" << 12 << 12 << 8;
        QTest::newRow("cube_uv.ply") << "cube_uv.ply" << 12 << 12 << 36;
        QTest::newRow("cube_usemtl.obj") << "cube_usemtl.obj" << 12 << 12 << 36;
        QTest::newRow("concave_polygon.obj") << "concave_polygon.obj" << 1 << 200 << 400;
        QTest::newRow("triangle.stl") << "triangle.stl" << 1 << 1 << 3;
        QTest::newRow("sphereWithHole.stl") << "sphereWithHole.stl" << 100 << 2000 << 3000;
        QTest::newRow("Spider_ascii.stl") << "Spider_ascii.stl" << 1000 << 2000 << 6000;
        QTest::newRow("Spider_binary.stl") << "Spider_binary.stl" << 1000 << 2000 << 6000;
        QTest::newRow("spider.obj") << "spider.obj" << 1000 << 2000 << 6000;
    }
    void validCorpusFilesImport() {
        QFETCH(QString, file);
        QFETCH(int, minTriangles);
        QFETCH(int, maxTriangles);
        QFETCH(int, maxVertices);
        const lf::Mesh mesh = lf::importMesh(kValid / file.toStdString());
        QVERIFY2(int(mesh.triangleCount()) >= minTriangles && int(mesh.triangleCount()) <= maxTriangles,
                 qPrintable(QString("%1 triangles").arg(mesh.triangleCount())));
        QVERIFY2(mesh.vertexCount() >= 3 && int(mesh.vertexCount()) <= maxVertices,
                 qPrintable(QString("%1 vertices").arg(mesh.vertexCount())));
        mesh.validate();
        QCOMPARE(mesh.normals.size(), mesh.vertexCount());  // computed when missing
        QVERIFY(mesh.bounds().diagonal() > 0);
    }
    void everyValidFileIsCovered() {
        // New corpus files must be added to the table above, not silently skipped.
        int n = 0;
        for (const auto& entry : fs::directory_iterator(kValid)) {
            (void)entry;
            ++n;
        }
        QCOMPARE(n, 12);
    }
    void cubeIsClosedBoxWithCorrectBounds() {
        const lf::Mesh mesh = lf::importMesh(kValid / "box.obj");
        const lf::BoundingBox b = mesh.bounds();
        for (int k = 0; k < 3; ++k) {
            QCOMPARE(b.min[k], -0.5f);
            QCOMPARE(b.max[k], 0.5f);
        }
    }
    void bothSpiderStlsAgree() {
        const lf::Mesh ascii = lf::importMesh(kValid / "Spider_ascii.stl");
        const lf::Mesh binary = lf::importMesh(kValid / "Spider_binary.stl");
        QCOMPARE(ascii.triangleCount(), binary.triangleCount());
        QCOMPARE(ascii.vertexCount(), binary.vertexCount());
        const lf::BoundingBox a = ascii.bounds(), b = binary.bounds();
        for (int k = 0; k < 3; ++k) {
            QVERIFY(std::abs(a.min[k] - b.min[k]) < 1e-3f);
            QVERIFY(std::abs(a.max[k] - b.max[k]) < 1e-3f);
        }
    }
    void stlVerticesAreJoined() {
        // STL stores three corners per facet; joining must share them (closed meshes stay closed).
        const lf::Mesh mesh = lf::importMesh(kValid / "Spider_binary.stl");
        QVERIFY(mesh.vertexCount() < mesh.triangleCount() * 3 / 2);
    }
    void plyUvsAreKept() {
        const lf::Mesh mesh = lf::importMesh(kValid / "cube_uv.ply");
        QCOMPARE(mesh.uvs.size(), mesh.vertexCount());
    }

    void invalidCorpusFilesAreRefused_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("reason");
        QTest::newRow("OutOfMemory.off") << "OutOfMemory.off" << "353535235358";
        QTest::newRow("crash.ply") << "crash-30d6d0f7c529b3b66b4131700b7a4580cd7082df.ply"
                                   << "end_header";
        QTest::newRow("empty.obj") << "empty.obj" << "empty";
        QTest::newRow("empty.ply") << "empty.ply" << "empty";
        QTest::newRow("malformed.obj") << "malformed.obj" << "";
    }
    void invalidCorpusFilesAreRefused() {
        QFETCH(QString, file);
        QFETCH(QString, reason);
        const std::string msg = importError(kInvalid / file.toStdString());
        QVERIFY2(!msg.empty(), "no lf::Error thrown");
        QVERIFY2(contains(msg, file.toStdString()), msg.c_str());
        QVERIFY2(contains(msg, reason.toStdString()), msg.c_str());
        const std::string ext = fs::path(file.toStdString()).extension().string().substr(1);
        QVERIFY2(contains(msg, QString::fromStdString(ext).toUpper().toStdString()), msg.c_str());
    }

    void missingFile() {
        const std::string msg = importError(kValid / "no-such-file.stl");
        QVERIFY2(contains(msg, "no-such-file.stl") && contains(msg, "does not exist"), msg.c_str());
    }
    void directoryIsRefused() {
        const std::string msg = importError(kValid);
        QVERIFY2(contains(msg, "directory"), msg.c_str());
    }
    void unknownExtensionIsRefused() {
        QTemporaryDir dir;
        const fs::path p = fs::path(dir.path().toStdString()) / "notes.xyzzy";
        writeText(p, "hello, this is not a mesh\n");
        const std::string msg = importError(p);
        QVERIFY2(contains(msg, "notes.xyzzy") && contains(msg, "XYZZY"), msg.c_str());
    }
    void fileOverSizeCapIsRefused() {
        lf::ImportOptions options;
        options.limits.maxFileBytes = 1000;
        const std::string msg = importError(kValid / "Spider_binary.stl", options);
        QVERIFY2(contains(msg, "Spider_binary.stl") && contains(msg, "68484 bytes") &&
                     contains(msg, "limit"),
                 msg.c_str());
    }
    void meshOverTriangleCapIsRefused() {
        lf::ImportOptions options;
        options.limits.maxTriangles = 100;
        const std::string msg = importError(kValid / "Spider_binary.stl", options);
        QVERIFY2(contains(msg, "Spider_binary.stl") && contains(msg, "limit of 100"), msg.c_str());
        const std::string ascii = importError(kValid / "Spider_ascii.stl", options);  // after parsing
        QVERIFY2(contains(ascii, "Spider_ascii.stl") && contains(ascii, "1368 triangles"), ascii.c_str());
        // The header check refuses an OFF/PLY before parsing, with the declared count.
        options.limits.maxTriangles = 5;
        const std::string off = importError(kValid / "Cube.off", options);
        QVERIFY2(contains(off, "declares") && contains(off, "6 faces"), off.c_str());
    }
    void truncatedBinaryStlIsRefused() {
        QTemporaryDir dir;
        const fs::path p = fs::path(dir.path().toStdString()) / "cut.stl";
        std::ifstream in(kValid / "Spider_binary.stl", std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(in)), {});
        writeText(p, bytes.substr(0, bytes.size() / 2));
        const std::string msg = importError(p);
        QVERIFY2(contains(msg, "cut.stl") && contains(msg, "STL"), msg.c_str());
    }
    void truncatedPlyIsAnErrorNotAnAbort() {
        // Found by fuzzing: Debian's Assimp asserts (abort()) on this in its triangulation.
        QTemporaryDir dir;
        const fs::path p = fs::path(dir.path().toStdString()) / "cut_uv.ply";
        std::ifstream in(kValid / "cube_uv.ply", std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        writeText(p, bytes.substr(0, 1745));
        const std::string msg = importError(p);
        QVERIFY2(contains(msg, "cut_uv.ply") && contains(msg, "malformed"), msg.c_str());
    }
    void truncatedAndCorruptedCorpusFilesNeverCrash() {
        // Every valid file cut at several points and with bytes overwritten: each result is a
        // valid mesh or an lf::Error naming the file, never a crash or another exception type.
        QTemporaryDir dir;
        int refused = 0, imported = 0;
        for (const auto& entry : fs::directory_iterator(kValid)) {
            std::ifstream in(entry.path(), std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), {});
            const fs::path p = fs::path(dir.path().toStdString()) / ("cut" + entry.path().extension().string());
            for (int variant = 0; variant < 12; ++variant) {
                std::string data = bytes;
                if (variant < 6) {
                    data.resize(data.size() * (variant + 1) / 7);
                } else {
                    for (std::size_t i = (variant * 7919u) % data.size(); i < data.size(); i += 97 + variant)
                        data[i] = static_cast<char>(data[i] ^ (0x5a + variant));
                }
                writeText(p, data);
                try {
                    const lf::Mesh mesh = lf::importMesh(p);
                    mesh.validate();
                    ++imported;
                } catch (const lf::Error& e) {
                    QVERIFY2(contains(e.what(), p.string()), e.what());
                    ++refused;
                }
            }
        }
        QVERIFY(refused > 0);
        QVERIFY(imported + refused == 12 * 12);
    }
    void plyWithoutLineBreakAfterHeaderIsRefused() {
        // Found by fuzzing: Assimp's PLY reader never returns on this.
        QTemporaryDir dir;
        const fs::path p = fs::path(dir.path().toStdString()) / "glued.ply";
        writeText(p, "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                     "property float z\nelement face 1\nproperty list uchar int vertex_index\n"
                     "end_header\x82" "0 0 0\n1 0 0\n0 1 0\n3 0 1 2\n");
        const std::string msg = importError(p);
        QVERIFY2(contains(msg, "glued.ply") && contains(msg, "end_header"), msg.c_str());
        writeText(p, "ply\nformat ascii 1.0\nelement vertex 3\nproperty float x\nproperty float y\n"
                     "property float z\n99999999end_header\n0 0 0\n1 0 0\n0 1 0\n");
        const std::string junk = importError(p);
        QVERIFY2(contains(junk, "glued.ply") && contains(junk, "unexpected line"), junk.c_str());
    }
    void isolatedRunReportsEachOutcome() {
        using Outcome = lf::detail::IsolatedResult::Outcome;
        const auto ok = lf::detail::runIsolated([] { return std::string("mesh bytes"); }, 1ull << 30, 30);
        QCOMPARE(int(ok.outcome), int(Outcome::Finished));
        QCOMPARE(ok.payload, std::string("mesh bytes"));
        const auto failed = lf::detail::runIsolated([]() -> std::string { throw lf::Error("bad face"); },
                                                    1ull << 30, 30);
        QCOMPARE(int(failed.outcome), int(Outcome::Failed));
        QCOMPARE(failed.payload, std::string("bad face"));
        const auto crashed = lf::detail::runIsolated([]() -> std::string {
            std::raise(SIGSEGV);
            return {};
        }, 1ull << 30, 30);
        QCOMPARE(int(crashed.outcome), int(Outcome::Crashed));
        QCOMPARE(crashed.signal, SIGSEGV);
        const auto hung = lf::detail::runIsolated([]() -> std::string {
            for (;;) ::pause();
        }, 1ull << 30, 0.3);
        QCOMPARE(int(hung.outcome), int(Outcome::TimedOut));
        const auto greedy = lf::detail::runIsolated([]() -> std::string {
            std::vector<std::vector<char>> blocks;
            for (;;) blocks.emplace_back(64 << 20, 'x');  // 64 MiB at a time, forever
        }, 256ull << 20, 30);
        QCOMPARE(int(greedy.outcome), int(Outcome::Failed));
        QCOMPARE(greedy.payload, std::string("out of memory"));
    }
    void parserTimeLimit() {
        lf::ImportOptions options;
        options.limits.maxParserSeconds = 0.001;
        const std::string msg = importError(kValid / "Spider_ascii.stl", options);
        QVERIFY2(contains(msg, "Spider_ascii.stl") && contains(msg, "longer than"), msg.c_str());
    }
    void inProcessParsingGivesTheSameMesh() {
        lf::ImportOptions direct;
        direct.isolateParser = false;
        const lf::Mesh a = lf::importMesh(kValid / "spider.obj", direct);
        const lf::Mesh b = lf::importMesh(kValid / "spider.obj");
        QCOMPARE(a.vertices, b.vertices);
        QCOMPARE(a.triangles, b.triangles);
        QCOMPARE(a.uvs.size(), b.uvs.size());
        QCOMPARE(a.name, b.name);
        QCOMPARE(importError(kInvalid / "malformed.obj", direct), importError(kInvalid / "malformed.obj"));
    }
    void plyClaimingHugeCountIsRefused() {
        QTemporaryDir dir;
        const fs::path p = fs::path(dir.path().toStdString()) / "huge.ply";
        writeText(p, "ply\nformat binary_little_endian 1.0\nelement vertex 3\nproperty float x\n"
                     "property float y\nproperty float z\nelement face 4000000000\n"
                     "property list uchar int vertex_indices\nend_header\n"
                     "\0\0\0\0\0\0\0\0\0\0\0\0");
        const std::string msg = importError(p);
        QVERIFY2(contains(msg, "huge.ply") && contains(msg, "4000000000"), msg.c_str());
    }
    void generatedGltfAndGlbImport() {
        QTemporaryDir dir;
        const lf::Mesh source = lf::test::box(2.0f);
        for (const char* name : {"box.gltf", "box.glb"}) {
            const fs::path p = fs::path(dir.path().toStdString()) / name;
            lf::exportMesh(source, p);
            const lf::Mesh mesh = lf::importMesh(p);
            QCOMPARE(mesh.triangleCount(), std::size_t(12));
            QCOMPARE(mesh.bounds().max[0], 2.0f);
        }
    }
    void gltfIsYUpInTheFileAndZUpInTheApp() {
        // A part 1 wide, 2 deep and 5 tall (+z up, as the app's world is): glTF 2.0 is +y up, so
        // the file holds it 5 high along y and 2 deep along -z; importing turns it back.
        QTemporaryDir dir;
        lf::Mesh tall = lf::test::box();
        for (lf::Vec3f& v : tall.vertices) v = {v[0], 2 * v[1], 5 * v[2]};
        for (const char* name : {"tall.gltf", "tall.glb"}) {
            const fs::path p = fs::path(dir.path().toStdString()) / name;
            lf::exportMesh(tall, p);
            if (p.extension() == ".gltf") {
                std::ifstream in(p);
                const auto gltf = nlohmann::json::parse(in);
                const auto& positions = gltf.at("accessors").at(
                    gltf.at("meshes").at(0).at("primitives").at(0).at("attributes").at("POSITION").get<int>());
                QCOMPARE(positions.at("max").get<std::vector<float>>(), (std::vector<float>{1, 5, 0}));
                QCOMPARE(positions.at("min").get<std::vector<float>>(), (std::vector<float>{0, 0, -2}));
            }
            const lf::BoundingBox b = lf::importMesh(p).bounds();
            QCOMPARE(b.min, (lf::Vec3f{0, 0, 0}));
            QCOMPARE(b.max, (lf::Vec3f{1, 2, 5}));
            // Other formats keep the app's axes as they are.
            const fs::path stl = fs::path(dir.path().toStdString()) / "tall.stl";
            lf::exportMesh(tall, stl);
            QCOMPARE(lf::importMesh(stl).bounds().max, (lf::Vec3f{1, 2, 5}));
        }
    }
    void nodeTransformsAreApplied() {
        // A glTF whose node scales and moves the mesh: the imported vertices must be transformed.
        QTemporaryDir dir;
        const fs::path dirPath = dir.path().toStdString();
        lf::exportMesh(lf::test::box(), dirPath / "b.gltf");
        std::ifstream in(dirPath / "b.gltf");
        std::string json((std::istreambuf_iterator<char>(in)), {});
        const auto pos = json.find("\"mesh\": 0");  // the node, not the mesh named "mesh"
        QVERIFY2(pos != std::string::npos, json.c_str());
        json.insert(pos, "\"translation\": [10, 0, 0], \"scale\": [3, 3, 3], ");
        writeText(dirPath / "b.gltf", json);
        const lf::BoundingBox b = lf::importMesh(dirPath / "b.gltf").bounds();
        QCOMPARE(b.min[0], 10.0f);
        QCOMPARE(b.max[0], 13.0f);
        QCOMPARE(b.max[1], 3.0f);
    }
    void patternsListCommonFormats() {
        const auto patterns = lf::importPatterns();
        for (const char* p : {"*.stl", "*.obj", "*.ply", "*.off", "*.gltf", "*.glb"})
            QVERIFY2(std::find(patterns.begin(), patterns.end(), p) != patterns.end(), p);
    }
};

QTEST_GUILESS_MAIN(TestMeshImport)
#include "tst_meshimport.moc"

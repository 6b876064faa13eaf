// Runs the built latentforge-cli executable as a user would.
#include "latentforge/Version.h"
#include "tests/common/CliRunner.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString kValid = QStringLiteral(LF_CORPUS_DIR "/valid/");
const QString kInvalid = QStringLiteral(LF_CORPUS_DIR "/invalid/");

using Result = lf::test::CliResult;
using lf::test::runCli;

// An error is exactly one non-empty line on stderr, nothing on stdout, and a non-zero exit.
void verifyOneLineError(const Result& r, const QString& mustContain) {
    QVERIFY2(r.exitCode > 0, qPrintable(QString("exit code %1").arg(r.exitCode)));
    QVERIFY2(r.out.isEmpty(), qPrintable(r.out));
    QVERIFY2(r.err.endsWith('\n') && r.err.count('\n') == 1, qPrintable(r.err));
    QVERIFY2(r.err.contains(mustContain), qPrintable(r.err));
}

// A closed 1 x 5 x 2 box as an OBJ in `dir`, its faces outward or (a flipped export) inward.
QString writeBoxObj(const QTemporaryDir& dir, const QString& name, std::initializer_list<bool> partsInward) {
    // A 1 x 5 x 2 box per entry, each 3 further along x, faces inward where asked.
    QFile obj(dir.filePath(name));
    if (!obj.open(QIODevice::WriteOnly)) return {};
    int part = 0;
    for (bool inward : partsInward) {
        const int x = 3 * part, o = 8 * part++;
        obj.write(QStringLiteral("v %1 0 0\nv %2 0 0\nv %2 5 0\nv %1 5 0\nv %1 0 2\nv %2 0 2\nv %2 5 2\nv %1 5 2\n")
                      .arg(x).arg(x + 1).toUtf8());
        const int outward[6][4] = {{1, 4, 3, 2}, {5, 6, 7, 8}, {1, 2, 6, 5}, {2, 3, 7, 6}, {3, 4, 8, 7}, {4, 1, 5, 8}};
        for (const auto& f : outward) {
            const int a = f[0] + o, b = f[1] + o, c = f[2] + o, d = f[3] + o;
            obj.write((inward ? QStringLiteral("f %4 %3 %2 %1\n") : QStringLiteral("f %1 %2 %3 %4\n"))
                          .arg(a).arg(b).arg(c).arg(d).toUtf8());
        }
    }
    return obj.fileName();
}

}  // namespace

class TestCli : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void version() {
        const Result r = runCli({"--version"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QString(lf::kVersion));
    }
    void guiHelpAndVersionNeedNoDisplay() {
        // latentforge (the GUI) answers --version / --help without a display, e.g. over ssh.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(QStringLiteral("DISPLAY"));
        env.remove(QStringLiteral("WAYLAND_DISPLAY"));
        env.remove(QStringLiteral("QT_QPA_PLATFORM"));
        Result r = lf::test::runProgram(QStringLiteral(LF_GUI_PATH), {"--version"}, 30000, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QString(lf::kVersion)), qPrintable(r.out + r.err));
        r = lf::test::runProgram(QStringLiteral(LF_GUI_PATH), {"--help"}, 30000, env);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("files"), qPrintable(r.out + r.err));
    }
    void help() {
        const Result r = runCli({"--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("latentforge-cli"));
        QVERIFY(r.out.contains("inspect"));
        QVERIFY(r.out.contains("convert"));
    }
    void subcommandIsRequired() { verifyOneLineError(runCli({}), "subcommand"); }
    void unknownOption() { verifyOneLineError(runCli({"inspect", "--frobnicate", kValid + "box.obj"}), "--frobnicate"); }
    void conflictingOptions() {
        QTemporaryDir dir;
        verifyOneLineError(runCli({"convert", kValid + "box.obj", dir.filePath("x.stl"), "--scale", "2",
                                   "--units", "m"}),
                           "excludes");
    }

    void inspect_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("triangles");
        QTest::addColumn<bool>("watertight");
        QTest::newRow("box.obj") << "box.obj" << 12 << true;
        QTest::newRow("Cube.off") << "Cube.off" << 12 << true;  // quads, triangulated
        QTest::newRow("cube_binary.ply") << "cube_binary.ply" << 12 << true;
        QTest::newRow("sphereWithHole.stl") << "sphereWithHole.stl" << -1 << false;
    }
    void inspect() {
        QFETCH(QString, file);
        QFETCH(int, triangles);
        QFETCH(bool, watertight);
        const Result r = runCli({"inspect", kValid + file});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        const nlohmann::json j = nlohmann::json::parse(r.out.toStdString());
        if (triangles >= 0) QCOMPARE(j["triangles"].get<int>(), triangles);
        QCOMPARE(j["watertight"].get<bool>(), watertight);
        QVERIFY(j["surfaceArea"].get<double>() > 0);
        QVERIFY(j.contains("connectedComponents"));
        QVERIFY(j["file"].get<std::string>().find(file.toStdString()) != std::string::npos);
    }
    void inspectWithTriangleLimit() {
        verifyOneLineError(runCli({"inspect", "--max-triangles", "100", kValid + "Spider_binary.stl"}),
                           "limit of 100");
    }
    void inspectBadInput_data() {
        QTest::addColumn<QString>("file");
        QTest::newRow("missing") << kValid + "does-not-exist.stl";
        for (const QString& f : QDir(kInvalid).entryList(QDir::Files))
            QTest::newRow(qPrintable(f)) << kInvalid + f;
    }
    void inspectBadInput() {
        QFETCH(QString, file);
        verifyOneLineError(runCli({"inspect", file}), QFileInfo(file).fileName());
    }

    void convert_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QStringList>("extra");
        QTest::addColumn<double>("maxX");
        QTest::newRow("stl") << "out.stl" << QStringList{} << 0.5;
        QTest::newRow("stl ascii") << "out.stl" << QStringList{"--ascii"} << 0.5;
        QTest::newRow("obj") << "out.obj" << QStringList{} << 0.5;
        QTest::newRow("ply") << "out.ply" << QStringList{"--scale", "4"} << 2.0;
        QTest::newRow("gltf") << "out.gltf" << QStringList{"--units", "cm"} << 0.05;
        QTest::newRow("glb") << "out.glb" << QStringList{"--units", "m"} << 0.0005;
    }
    void convert() {
        QFETCH(QString, name);
        QFETCH(QStringList, extra);
        QFETCH(double, maxX);
        QTemporaryDir dir;
        const QString out = dir.filePath(name);
        const Result r = runCli(QStringList{"convert", kValid + "box.obj", out} + extra);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.err.isEmpty(), qPrintable(r.err));
        QCOMPARE(r.out.count('\n'), 1);
        QVERIFY2(r.out.contains("12 triangles"), qPrintable(r.out));
        QVERIFY(QFileInfo::exists(out));
        if (extra.contains("--ascii")) {
            QFile f(out);
            QVERIFY(f.open(QIODevice::ReadOnly));
            QVERIFY(f.read(5) == "solid");
        }
        const Result back = runCli({"inspect", out});
        QCOMPARE(back.exitCode, 0);
        const nlohmann::json j = nlohmann::json::parse(back.out.toStdString());
        QCOMPARE(j["triangles"].get<int>(), 12);
        QVERIFY(j["watertight"].get<bool>());
        QVERIFY(std::abs(j["bounds"]["max"][0].get<double>() - maxX) < 1e-6);
    }
    void convertTurnsAFileWrittenYUp() {
        // A part 5 tall written +y up (as many OBJ exporters do): --up y stands it +z up, the
        // app's axis; without it the file is taken as +z up and kept as it is.
        QTemporaryDir dir;
        const QString obj = writeBoxObj(dir, "tall.obj", {false});
        QVERIFY(!obj.isEmpty());
        auto bounds = [&](const QStringList& extra) {
            const QString out = dir.filePath("out.stl");
            const Result r = runCli(QStringList{"convert", obj, out} + extra);
            if (r.exitCode != 0) return nlohmann::json();
            return nlohmann::json::parse(runCli({"inspect", out}).out.toStdString())["bounds"];
        };
        const auto turned = bounds({"--up", "y"});
        QCOMPARE(turned["min"].get<std::vector<double>>(), (std::vector<double>{0, -2, 0}));
        QCOMPARE(turned["max"].get<std::vector<double>>(), (std::vector<double>{1, 0, 5}));
        QCOMPARE(bounds({"--up", "z"})["max"].get<std::vector<double>>(), (std::vector<double>{1, 5, 2}));
        QCOMPARE(bounds({})["max"].get<std::vector<double>>(), (std::vector<double>{1, 5, 2}));
        verifyOneLineError(runCli({"convert", obj, dir.filePath("o.stl"), "--up", "x"}), "--up");
        // inspect and encode read with the same option.
        const auto report = nlohmann::json::parse(runCli({"inspect", "--up", "y", obj}).out.toStdString());
        QCOMPARE(report["bounds"]["max"].get<std::vector<double>>(), (std::vector<double>{1, 0, 5}));
        QVERIFY(runCli({"encode", "--help"}).out.contains("--up"));

        // --out-up y writes a standing part +y up (for tools that assume it): read back as it
        // was written, 5 high along y; --up y turns it back, so the two options round-trip.
        const QString yUp = dir.filePath("yup.obj");
        Result r = runCli({"convert", obj, yUp, "--up", "y", "--out-up", "y"});
        QVERIFY2(r.exitCode == 0 && r.out.contains("+y up"), qPrintable(r.out + r.err));
        QCOMPARE(nlohmann::json::parse(runCli({"inspect", yUp}).out.toStdString())["bounds"]["max"].get<std::vector<double>>(),
                 (std::vector<double>{1, 5, 2}));
        QCOMPARE(nlohmann::json::parse(runCli({"inspect", "--up", "y", yUp}).out.toStdString())["bounds"]["max"].get<std::vector<double>>(),
                 (std::vector<double>{1, 0, 5}));
        QVERIFY(runCli({"convert", obj, dir.filePath("z.stl")}).out.contains("+z up"));
        // glTF is +y up by its specification: +z is refused, nothing written.
        verifyOneLineError(runCli({"convert", obj, dir.filePath("z.glb"), "--out-up", "z"}), "+y up");
        QVERIFY(!QFile::exists(dir.filePath("z.glb")));
        verifyOneLineError(runCli({"convert", obj, dir.filePath("x.obj"), "--out-up", "x"}), "--out-up");
    }
    void convertTurnsAnInsideOutMeshOutward() {
        // A closed box whose faces all point inward, as a flipped export writes it.
        QTemporaryDir dir;
        const QString obj = writeBoxObj(dir, "inward.obj", {true});
        QVERIFY(!obj.isEmpty());
        auto report = [&](const QString& file) {
            return nlohmann::json::parse(runCli({"inspect", file}).out.toStdString());
        };
        QVERIFY(report(obj)["insideOut"].get<bool>());

        const QString kept = dir.filePath("kept.stl");
        QCOMPARE(runCli({"convert", obj, kept}).exitCode, 0);
        QVERIFY(report(kept)["insideOut"].get<bool>());  // without the flag the file stays as it is

        const QString turned = dir.filePath("turned.stl");
        Result r = runCli({"convert", obj, turned, "--orient-outward"});
        QVERIFY2(r.exitCode == 0 && r.out.contains("faces turned outward"), qPrintable(r.out + r.err));
        const auto fixed = report(turned);
        QVERIFY(!fixed["insideOut"].get<bool>());
        QVERIFY(fixed["printable"].get<bool>());
        QVERIFY(std::abs(fixed["volume"].get<double>() - 10.0) < 1e-6);
        QCOMPARE(fixed["bounds"], report(kept)["bounds"]);

        // An outward mesh is written as it is.
        r = runCli({"convert", kValid + "box.obj", dir.filePath("box.stl"), "--orient-outward"});
        QVERIFY2(r.exitCode == 0 && r.out.contains("faces already outward"), qPrintable(r.out + r.err));
        QVERIFY(!report(dir.filePath("box.stl"))["insideOut"].get<bool>());

        // Two parts, the second saved the wrong way round: not inside out as a whole, but not
        // printable; only that part is turned.
        const QString mixed = writeBoxObj(dir, "mixed.obj", {false, true});
        const auto before = report(mixed);
        QVERIFY(!before["insideOut"].get<bool>());
        QCOMPARE(before["shellsFacingInward"].get<int>(), 1);
        QCOMPARE(before["bodies"].get<int>(), 2);
        QVERIFY(!before["printable"].get<bool>());
        QVERIFY(std::abs(before["volume"].get<double>() - 20.0) < 1e-6);
        r = runCli({"convert", mixed, dir.filePath("mixed.stl"), "--orient-outward"});
        QVERIFY2(r.exitCode == 0 && r.out.contains("1 of 2 shells turned outward"), qPrintable(r.out + r.err));
        const auto after = report(dir.filePath("mixed.stl"));
        QCOMPARE(after["shellsFacingInward"].get<int>(), 0);
        QVERIFY(after["printable"].get<bool>());
        QVERIFY(std::abs(after["volume"].get<double>() - 20.0) < 1e-6);

        // An open surface has no inside: refused, nothing written.
        verifyOneLineError(runCli({"convert", kValid + "sphereWithHole.stl", dir.filePath("open.stl"),
                                   "--orient-outward"}),
                           "not a closed, orientable surface");
        QVERIFY(!QFile::exists(dir.filePath("open.stl")));
    }
    void convertBadRequests() {
        QTemporaryDir dir;
        verifyOneLineError(runCli({"convert", kValid + "box.obj", dir.filePath("out.docx")}),
                           "unknown export format");
        verifyOneLineError(runCli({"convert", kValid + "box.obj", dir.filePath("out.obj"), "--ascii"}),
                           "--ascii");
        verifyOneLineError(runCli({"convert", kInvalid + "malformed.obj", dir.filePath("out.stl")}),
                           "malformed.obj");
        verifyOneLineError(runCli({"convert", kValid + "box.obj", dir.filePath("gone/out.stl")}),
                           "does not exist");
        verifyOneLineError(runCli({"convert", kValid + "box.obj", dir.filePath("o.stl"), "--units", "ft"}),
                           "ft");
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

namespace fs = std::filesystem;

namespace {
std::string readAll(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}
void writeText(const fs::path& p, const std::string& s) {
    std::ofstream(p, std::ios::binary) << s;
}
std::size_t entries(const fs::path& dir) {
    return std::distance(fs::directory_iterator(dir), fs::directory_iterator());
}
}  // namespace

class TestAtomicFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void replacesContent() {
        QTemporaryDir dir;
        const fs::path target = fs::path(dir.path().toStdString()) / "part.stl";
        writeText(target, "old");
        lf::writeFileAtomically(target, [](const fs::path& tmp) { writeText(tmp, "new"); });
        QCOMPARE(readAll(target), std::string("new"));
        QCOMPARE(entries(target.parent_path()), std::size_t(1));  // no temporary left behind
    }
    void writesGivenContents() {
        QTemporaryDir dir;
        const fs::path target = fs::path(dir.path().toStdString()) / "weights.bin";
        writeText(target, "old contents, longer than the new");
        const std::string bytes("a\0b\n", 4);  // binary: the NUL and the newline stay as given
        lf::writeFileAtomically(target, std::string_view(bytes));
        QCOMPARE(readAll(target), bytes);
        QCOMPARE(entries(target.parent_path()), std::size_t(1));
        QVERIFY_THROWS_EXCEPTION(lf::Error, lf::writeFileAtomically(target.parent_path() / "gone" / "x", std::string_view("x")));
    }
    void failingWriterKeepsOldFile() {
        QTemporaryDir dir;
        const fs::path target = fs::path(dir.path().toStdString()) / "part.stl";
        writeText(target, "old");
        bool threw = false;
        try {
            lf::writeFileAtomically(target, [](const fs::path& tmp) {
                writeText(tmp, "half");
                throw lf::Error("disk full");
            });
        } catch (const lf::Error& e) {
            threw = true;
            const std::string msg = e.what();
            QVERIFY2(msg.find("part.stl") != std::string::npos, msg.c_str());
            QVERIFY2(msg.find("disk full") != std::string::npos, msg.c_str());
        }
        QVERIFY(threw);
        QCOMPARE(readAll(target), std::string("old"));
        QCOMPARE(entries(target.parent_path()), std::size_t(1));
    }
    void missingDirectoryIsAClearError() {
        QTemporaryDir dir;
        const fs::path target = fs::path(dir.path().toStdString()) / "gone" / "part.stl";
        QVERIFY_THROWS_EXCEPTION(lf::Error, lf::writeFileAtomically(target, [](const fs::path& t) {
            writeText(t, "x");
        }));
    }
    void writerThatWritesNothingFails() {
        QTemporaryDir dir;
        const fs::path target = fs::path(dir.path().toStdString()) / "part.stl";
        QVERIFY_THROWS_EXCEPTION(lf::Error,
                                 lf::writeFileAtomically(target, [](const fs::path&) {}));
        QVERIFY(!fs::exists(target));
    }
};

QTEST_GUILESS_MAIN(TestAtomicFile)
#include "tst_atomicfile.moc"

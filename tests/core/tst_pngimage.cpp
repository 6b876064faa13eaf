// PNG with metadata (core/formats/PngImage) and contact sheets (core/formats/ContactSheet).
#include "core/formats/ContactSheet.h"
#include "core/formats/PngImage.h"
#include "core/util/Error.h"
#include "tests/common/FileSizeLimit.h"

#include <QtTest>

#include <sys/resource.h>

#include <csignal>
#include <fstream>
#include <iterator>

using namespace lf;

namespace {

RgbImage8 gradient(int w, int h) {
    RgbImage8 image{w, h, {}};
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            image.pixels.push_back(std::uint8_t(x * 255 / std::max(1, w - 1)));
            image.pixels.push_back(std::uint8_t(y * 255 / std::max(1, h - 1)));
            image.pixels.push_back(std::uint8_t((x * 7 + y * 13) & 255));
        }
    return image;
}

std::vector<char> readBytes(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const std::filesystem::path& file, const std::vector<char>& bytes) {
    std::ofstream out(file, std::ios::binary);
    out.write(bytes.data(), std::streamsize(bytes.size()));
}

// Offset of the first byte of the first chunk of `type`'s data.
std::size_t chunkData(const std::vector<char>& bytes, const char* type) {
    const std::string s(bytes.begin(), bytes.end());
    const auto at = s.find(type);
    return at == std::string::npos ? 0 : at + 4;
}

}  // namespace

class TestPngImage : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::filesystem::path file(const char* name) { return std::filesystem::path(dir_.path().toStdString()) / name; }

private Q_SLOTS:
    void roundTripWithMetadata() {
        const auto image = gradient(37, 21);
        const std::string json = R"({"model_id":"m","seed":3,"note":"Schmelze 270 °C – ü"})";
        writePng(file("a.png"), image, {{kPngMetadataKey, json}, {"Software", "LatentForge"}});
        const auto back = readPng(file("a.png"));
        QCOMPARE(back.image.width, 37);
        QCOMPARE(back.image.height, 21);
        QVERIFY(back.image.pixels == image.pixels);
        QCOMPARE(back.text.at(kPngMetadataKey), json);
        QCOMPARE(back.text.at("Software"), std::string("LatentForge"));
        // Overwriting replaces the file as a whole.
        writePng(file("a.png"), gradient(4, 4));
        QCOMPARE(readPng(file("a.png")).image.width, 4);
        QVERIFY(readPng(file("a.png")).text.empty());
    }

    void corruptFilesAreRefused() {
        writePng(file("good.png"), gradient(16, 16), {{kPngMetadataKey, "{}"}});
        const auto bytes = readBytes(file("good.png"));
        auto expectError = [&](const std::vector<char>& b, const char* name, const QString& mustContain) {
            writeBytes(file(name), b);
            try {
                readPng(file(name));
                QFAIL(qPrintable(QString("%1 was accepted").arg(name)));
            } catch (const Error& e) {
                QVERIFY2(QString(e.what()).contains(name) && QString(e.what()).contains(mustContain, Qt::CaseInsensitive),
                         e.what());
            }
        };
        auto flipped = bytes;
        flipped[chunkData(bytes, "IDAT") + 5] ^= 0x55;  // data changed, CRC not
        expectError(flipped, "crc.png", "corrupt");
        expectError(std::vector<char>(bytes.begin(), bytes.begin() + std::ptrdiff_t(bytes.size() / 2)), "truncated.png", "corrupt");
        expectError(std::vector<char>{'h', 'e', 'l', 'l', 'o', ' ', 'w', 'o', 'r', 'l', 'd'}, "text.png", "not a PNG");
        expectError({}, "empty.png", "not a PNG");
        QVERIFY_THROWS_EXCEPTION(Error, readPng(file("missing.png")));
    }

    void badImagesAndKeysAreRefused() {
        RgbImage8 bad{4, 4, std::vector<std::uint8_t>(10)};
        QVERIFY_THROWS_EXCEPTION(Error, writePng(file("bad.png"), bad));
        QVERIFY_THROWS_EXCEPTION(Error, writePng(file("bad.png"), gradient(2, 2), {{"", "x"}}));
        QVERIFY_THROWS_EXCEPTION(Error, writePng(file("bad.png"), gradient(2, 2), {{std::string(80, 'k'), "x"}}));
        QVERIFY(!std::filesystem::exists(file("bad.png")));
    }

    void failedWritesKeepTheOldFile() {
        writePng(file("keep.png"), gradient(8, 8), {{kPngMetadataKey, "old"}});
        const auto before = readBytes(file("keep.png"));
        // Full disk: a file size limit makes the write fail part-way.
        bool threw = false;
        try {
            const lf::test::FileSizeLimit limit(200);
            writePng(file("keep.png"), gradient(300, 300), {{kPngMetadataKey, std::string(1000, 'x')}});
        } catch (const Error&) {
            threw = true;
        }
        QVERIFY(threw);
        QVERIFY(readBytes(file("keep.png")) == before);
        // Missing folder: clear error, nothing created.
        QVERIFY_THROWS_EXCEPTION(Error, writePng(file("no-such-dir/x.png"), gradient(2, 2)));
    }

    void contactSheetLayoutAndLabels() {
        std::vector<std::vector<RgbImage8>> cells(2, std::vector<RgbImage8>(3, gradient(10, 8)));
        cells[1][2].pixels.assign(cells[1][2].pixels.size(), 200);
        ContactSheetLayout layout;
        layout.columnTitle = "MELT C";
        layout.rowTitle = "SPEED";
        layout.columnLabels = {"200", "250", "300"};
        layout.rowLabels = {"20", "200"};
        layout.textScale = 1;
        layout.gap = 2;
        const auto sheet = composeContactSheet(cells, layout);
        const int left = textWidth("SPEED", 1) + 2 + 2;
        const int top = 2 * 7 + 2;
        QCOMPARE(sheet.width, left + 3 * 12);
        QCOMPARE(sheet.height, top + 2 * 10);
        // Cell (1, 2) is where the layout says.
        const int x = left + 2 * 12 + 3, y = top + 10 + 4;
        QCOMPARE(int(sheet.pixels[(std::size_t(y) * sheet.width + x) * 3]), 200);
        // Labels leave ink in the label margin (and nowhere else than the background there).
        int ink = 0;
        for (int yy = 0; yy < top; ++yy)
            for (int xx = left; xx < sheet.width; ++xx) ink += sheet.pixels[(std::size_t(yy) * sheet.width + xx) * 3] != 24;
        QVERIFY(ink > 20);
        layout.rowLabels = {"20"};
        QVERIFY_THROWS_EXCEPTION(Error, composeContactSheet(cells, layout));
        layout.rowLabels = {"20", "200"};
        cells[0][1] = gradient(9, 8);
        QVERIFY_THROWS_EXCEPTION(Error, composeContactSheet(cells, layout));
    }

    void fontDrawsDigits() {
        RgbImage8 canvas{12, 5, std::vector<std::uint8_t>(12 * 5 * 3, 0)};
        QCOMPARE(drawText(canvas, 0, 0, "18", 1, 255, 255, 255), 7);
        // "1" = 010/110/010/010/111: top-left pixel off, top-middle on.
        QCOMPARE(int(canvas.pixels[0]), 0);
        QCOMPARE(int(canvas.pixels[3]), 255);
        // "8" starts at x = 4 with a full top row.
        QCOMPARE(int(canvas.pixels[4 * 3]), 255);
        QCOMPARE(int(canvas.pixels[6 * 3]), 255);
    }
};

QTEST_GUILESS_MAIN(TestPngImage)
#include "tst_pngimage.moc"

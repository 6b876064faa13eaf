#include "core/formats/Float16.h"
#include "core/formats/Safetensors.h"
#include "core/util/Error.h"
#include "tests/common/ErrorOf.h"
#include "tests/common/FileSizeLimit.h"

#include <QtTest>

#include <csignal>
#include <cstring>
#include <fstream>
#include <sys/resource.h>

using namespace lf;
namespace fs = std::filesystem;

namespace {

std::vector<std::byte> bytesOf(const std::string& s) {
    std::vector<std::byte> out(s.size());
    std::memcpy(out.data(), s.data(), s.size());
    return out;
}

// A file image: 8-byte LE header length, the header text verbatim, then `dataBytes` bytes.
std::vector<std::byte> image(const std::string& header, std::size_t dataBytes,
                             std::uint64_t claimedHeaderLength = ~0ull) {
    const std::uint64_t n = claimedHeaderLength == ~0ull ? header.size() : claimedHeaderLength;
    std::vector<std::byte> out(8);
    std::memcpy(out.data(), &n, 8);
    const auto h = bytesOf(header);
    out.insert(out.end(), h.begin(), h.end());
    for (std::size_t i = 0; i < dataBytes; ++i) out.push_back(std::byte(i & 0xff));
    return out;
}

TensorRecord tensor(std::string name, DType dtype, std::vector<std::int64_t> shape) {
    TensorRecord t{std::move(name), dtype, std::move(shape), {}};
    t.data.resize(std::size_t(t.numel()) * dtypeSize(dtype));
    for (std::size_t i = 0; i < t.data.size(); ++i) t.data[i] = std::byte((i * 37 + 11) & 0xff);
    return t;
}

std::string errorOf(const std::vector<std::byte>& bytes) {
    return lf::test::errorOf([&] { parseSafetensors(bytes, "test.safetensors"); });
}

}  // namespace

class TestSafetensors : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    void expectRefused(const std::vector<std::byte>& bytes, const char* defectWord) {
        const std::string message = errorOf(bytes);
        QVERIFY2(!message.empty(), "the malformed file was accepted");
        QVERIFY2(message.find("test.safetensors") != std::string::npos, message.c_str());
        QVERIFY2(message.find(defectWord) != std::string::npos, message.c_str());
    }

private Q_SLOTS:
    void roundTripAllDtypesScalarsEmptyAndMetadata() {
        SafetensorsContents c;
        c.metadata = {{"format", "pt"}, {"note", "ünïcode ✓"}};
        c.tensors = {tensor("f64", DType::F64, {2, 3}), tensor("f32", DType::F32, {4}),
                     tensor("f16", DType::F16, {3, 1, 2}), tensor("bf16", DType::BF16, {5}),
                     tensor("i64", DType::I64, {2}), tensor("i32", DType::I32, {1, 1}),
                     tensor("i16", DType::I16, {3}), tensor("i8", DType::I8, {7}),
                     tensor("u8", DType::U8, {9}), tensor("bool", DType::Bool, {2, 2}),
                     tensor("scalar", DType::F32, {}), tensor("empty", DType::F32, {0, 4}),
                     tensor("also empty", DType::I64, {3, 0})};
        const fs::path file = fs::path(dir_.path().toStdString()) / "round.safetensors";
        writeSafetensors(file, c);
        const SafetensorsContents back = readSafetensors(file);
        QCOMPARE(back.metadata, c.metadata);
        QCOMPARE(back.tensors.size(), c.tensors.size());
        for (std::size_t i = 0; i < c.tensors.size(); ++i) {
            QCOMPARE(back.tensors[i].name, c.tensors[i].name);
            QCOMPARE(back.tensors[i].dtype, c.tensors[i].dtype);
            QCOMPARE(back.tensors[i].shape, c.tensors[i].shape);
            QVERIFY(back.tensors[i].data == c.tensors[i].data);
        }
        QCOMPARE(back.at("scalar").numel(), std::int64_t(1));
        QCOMPARE(back.at("empty").numel(), std::int64_t(0));
        QVERIFY_THROWS_EXCEPTION(Error, back.at("missing"));
        // Header padded so the data section is 8-byte aligned.
        std::uint64_t headerLength = 0;
        std::ifstream in(file, std::ios::binary);
        in.read(reinterpret_cast<char*>(&headerLength), 8);
        QCOMPARE(headerLength % 8, 0u);
    }
    void headerPaddingWithSpacesIsAccepted() {
        const auto c = parseSafetensors(
            image(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}     )", 2), "pad");
        QCOMPARE(c.at("a").data.size(), std::size_t(2));
    }
    // A file laid out by hand per the specification, as the Python package writes it for
    // torch.tensor([[1.0, 2.0], [3.0, -0.5]], dtype=float32) and torch.arange(3, dtype=int64)
    // with metadata {"format": "pt"} (Python safetensors is not a Debian package).
    void readsReferenceBytes() {
        const std::string header =
            R"({"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[3],"data_offsets":[16,40]},)"
            R"("a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]}})";
        std::vector<std::byte> file = image(header, 0);
        const float a[] = {1.0f, 2.0f, 3.0f, -0.5f};
        const std::int64_t b[] = {0, 1, 2};
        const auto* pa = reinterpret_cast<const std::byte*>(a);
        const auto* pb = reinterpret_cast<const std::byte*>(b);
        file.insert(file.end(), pa, pa + sizeof a);
        file.insert(file.end(), pb, pb + sizeof b);
        const SafetensorsContents c = parseSafetensors(file, "reference");
        QCOMPARE(c.metadata.at("format"), std::string("pt"));
        // File order follows the data offsets, not the header's key order.
        QCOMPARE(c.tensors[0].name, std::string("a"));
        QCOMPARE(c.at("a").shape, (std::vector<std::int64_t>{2, 2}));
        float back[4];
        std::memcpy(back, c.at("a").data.data(), sizeof back);
        QCOMPARE(back[3], -0.5f);
        std::int64_t ints[3];
        std::memcpy(ints, c.at("b").data.data(), sizeof ints);
        QCOMPARE(ints[2], std::int64_t(2));
    }
    void writerOutputMatchesTheSpecificationByteForByte() {
        SafetensorsContents c;
        c.tensors = {tensor("x", DType::U8, {3})};
        const auto bytes = serializeSafetensors(c);
        std::string header = R"({"x":{"dtype":"U8","shape":[3],"data_offsets":[0,3]}})";
        header.append((8 - header.size() % 8) % 8, ' ');
        std::vector<std::byte> expected = image(header, 0);
        expected.insert(expected.end(), c.tensors[0].data.begin(), c.tensors[0].data.end());
        QVERIFY(bytes == expected);
        QCOMPARE(bytes.size(), 8 + header.size() + 3);
    }
    void refusesTruncatedFile() { expectRefused(bytesOf("abc"), "truncated"); }
    void refusesTruncatedHeader() {
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 0, 500),
                      "truncated");
    }
    void refusesTruncatedData() {
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", 2),
                      "outside the data section");
    }
    void refusesHeaderTooLarge() {
        expectRefused(image("{}", 0, 200ull << 20), "exceeds the limit");
        SafetensorsLimits small;
        small.maxHeaderBytes = 16;
        QVERIFY_THROWS_EXCEPTION(
            Error, parseSafetensors(image(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}})", 1),
                                    "x", small));
    }
    void refusesInvalidJson() {
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]})", 1),
                      "not valid JSON");
    }
    void refusesNonObject() {
        expectRefused(image(R"({"a":[1,2]})", 0), "not an object");
        expectRefused(image(R"([1,2])", 0), "does not start with '{'");
    }
    void refusesUnknownDtype() {
        expectRefused(image(R"({"a":{"dtype":"F128","shape":[1],"data_offsets":[0,16]}})", 16),
                      "unsupported dtype");
    }
    void refusesWrongSizeForShape() {
        expectRefused(image(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", 8),
                      "need 12");
    }
    void refusesOutOfRangeOffsets() {
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[8],"data_offsets":[4,12]}})", 8),
                      "outside the data section");
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}})", 8),
                      "end before they begin");
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}})", 8),
                      "non-negative");
    }
    void refusesOverlappingRanges() {
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},)"
                            R"("b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})",
                            6),
                      "overlaps");
    }
    void refusesGaps() {
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},)"
                            R"("b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}})",
                            6),
                      "gap");
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}})", 5),
                      "trailing bytes");
    }
    void refusesNegativeShape() {
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[-2],"data_offsets":[0,0]}})", 0),
                      "invalid shape entry");
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[1.5],"data_offsets":[0,0]}})", 0),
                      "invalid shape entry");
    }
    void refusesOverflowingShape() {
        expectRefused(
            image(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,0]}})", 0),
            "overflows");
        // Element count fits, byte count does not.
        expectRefused(
            image(R"({"a":{"dtype":"F64","shape":[4611686018427387904],"data_offsets":[0,0]}})", 0),
            "overflows");
    }
    void refusesDuplicateKeys() {
        expectRefused(image(R"({"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                            R"("a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}})",
                            2),
                      "duplicate");
    }
    void refusesBadMetadata() {
        expectRefused(image(R"({"__metadata__":{"n":3}})", 0), "not a string");
    }
    void readReportsMissingFileAndLimit() {
        try {
            readSafetensors("/nonexistent/x.safetensors");
            QFAIL("no error");
        } catch (const Error& e) {
            QVERIFY(std::string(e.what()).find("/nonexistent/x.safetensors") != std::string::npos);
        }
        const fs::path file = fs::path(dir_.path().toStdString()) / "big.safetensors";
        SafetensorsContents c;
        c.tensors = {tensor("x", DType::U8, {100})};
        writeSafetensors(file, c);
        SafetensorsLimits limits;
        limits.maxFileBytes = 50;
        QVERIFY_THROWS_EXCEPTION(Error, readSafetensors(file, limits));
    }
    void writerRefusesInconsistentRecords() {
        SafetensorsContents c;
        c.tensors = {tensor("x", DType::U8, {3}), tensor("x", DType::U8, {3})};
        QVERIFY_THROWS_EXCEPTION(Error, serializeSafetensors(c));
        c.tensors = {tensor("x", DType::F32, {3})};
        c.tensors[0].data.pop_back();
        QVERIFY_THROWS_EXCEPTION(Error, serializeSafetensors(c));
        c.tensors = {tensor("__metadata__", DType::U8, {1})};
        QVERIFY_THROWS_EXCEPTION(Error, serializeSafetensors(c));
    }
    void fullDiskLeavesTheOldFile() {
        const fs::path file = fs::path(dir_.path().toStdString()) / "keep.safetensors";
        SafetensorsContents small;
        small.tensors = {tensor("x", DType::U8, {10})};
        writeSafetensors(file, small);
        SafetensorsContents big;
        big.tensors = {tensor("y", DType::U8, {1 << 20})};
        bool threw = false;
        try {
            const lf::test::FileSizeLimit limit(64 * 1024);
            writeSafetensors(file, big);
        } catch (const Error&) {
            threw = true;
        }
        QVERIFY(threw);
        QCOMPARE(readSafetensors(file).tensors[0].name, std::string("x"));
        int leftovers = 0;
        for (const auto& e : fs::directory_iterator(file.parent_path()))
            leftovers += e.path().filename().string().find(".tmp-") != std::string::npos;
        QCOMPARE(leftovers, 0);
    }
    void float16Conversion() {
        QCOMPARE(floatToHalf(1.0f), std::uint16_t(0x3c00));
        QCOMPARE(floatToHalf(-2.0f), std::uint16_t(0xc000));
        QCOMPARE(floatToHalf(65504.0f), std::uint16_t(0x7bff));
        QCOMPARE(floatToHalf(1e6f), std::uint16_t(0x7c00));
        QCOMPARE(floatToHalf(5.960464477539063e-8f), std::uint16_t(0x0001));  // smallest subnormal
        QCOMPARE(floatToHalf(1.0f + 1.0f / 2048), std::uint16_t(0x3c00));     // tie to even
        QCOMPARE(floatToHalf(1.0f + 3.0f / 2048), std::uint16_t(0x3c02));     // tie to even (up)
        for (float v : {0.0f, 0.1f, -0.033f, 0.5f, 3.14159f, 1e-5f})
            QVERIFY(std::fabs(halfToFloat(floatToHalf(v)) - v) <= std::fabs(v) * 1e-3f + 1e-7f);
        QVERIFY(std::isnan(halfToFloat(floatToHalf(std::nanf("")))));
    }
};

QTEST_GUILESS_MAIN(TestSafetensors)
#include "tst_safetensors.moc"

#include "core/formats/Safetensors.h"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian; a big-endian host would need byte swapping");

namespace lf {
namespace {

using OrderedJson = nlohmann::ordered_json;
constexpr const char* kMetadataKey = "__metadata__";

struct DTypeInfo {
    DType dtype;
    const char* name;
    std::size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2},
    {DType::BF16, "BF16", 2}, {DType::I64, "I64", 8}, {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},  {DType::I8, "I8", 1},   {DType::U8, "U8", 1},
    {DType::Bool, "BOOL", 1},
};

const DTypeInfo& info(DType dtype) {
    for (const DTypeInfo& d : kDTypes)
        if (d.dtype == dtype) return d;
    throw Error("safetensors: invalid dtype value " + std::to_string(static_cast<int>(dtype)));
}

bool dtypeFromName(const std::string& name, DType& out) {
    for (const DTypeInfo& d : kDTypes)
        if (name == d.name) {
            out = d.dtype;
            return true;
        }
    return false;
}

// a * b, or false when the product does not fit in 64 bits.
bool multiplyChecked(std::uint64_t a, std::uint64_t b, std::uint64_t& out) {
    if (a != 0 && b > std::numeric_limits<std::uint64_t>::max() / a) return false;
    out = a * b;
    return true;
}

// Reads a JSON integer that must be non-negative; false for anything else (floats included).
bool nonNegativeInteger(const OrderedJson& v, std::uint64_t& out) {
    if (v.is_number_unsigned()) {
        out = v.get<std::uint64_t>();
        return true;
    }
    if (v.is_number_integer()) {
        const auto s = v.get<std::int64_t>();
        if (s < 0) return false;
        out = static_cast<std::uint64_t>(s);
        return true;
    }
    return false;
}

struct PendingTensor {
    TensorRecord record;
    std::uint64_t begin = 0;
    std::uint64_t end = 0;
};

[[noreturn]] void fail(const std::string& what, const std::string& defect) {
    throw Error("safetensors file " + what + ": " + defect);
}

}  // namespace

std::size_t dtypeSize(DType dtype) { return info(dtype).size; }
const char* dtypeName(DType dtype) { return info(dtype).name; }

std::int64_t TensorRecord::numel() const {
    std::int64_t n = 1;
    for (std::int64_t d : shape) n *= d;
    return n;
}

const TensorRecord* SafetensorsContents::find(const std::string& name) const {
    for (const TensorRecord& t : tensors)
        if (t.name == name) return &t;
    return nullptr;
}

const TensorRecord& SafetensorsContents::at(const std::string& name) const {
    if (const TensorRecord* t = find(name)) return *t;
    throw Error("safetensors: no tensor named \"" + name + "\"");
}

SafetensorsContents parseSafetensors(const std::vector<std::byte>& bytes, const std::string& what,
                                     const SafetensorsLimits& limits) {
    if (bytes.size() < 8)
        fail(what, "truncated: " + std::to_string(bytes.size()) +
                       " bytes, fewer than the 8-byte header length");
    std::uint64_t headerBytes = 0;
    std::memcpy(&headerBytes, bytes.data(), 8);  // little-endian host (static_assert above)
    if (headerBytes > limits.maxHeaderBytes)
        fail(what, "header length " + std::to_string(headerBytes) + " exceeds the limit of " +
                       std::to_string(limits.maxHeaderBytes) + " bytes");
    if (headerBytes > bytes.size() - 8)
        fail(what, "truncated: the header claims " + std::to_string(headerBytes) +
                       " bytes but only " + std::to_string(bytes.size() - 8) + " follow");
    if (headerBytes == 0 || bytes[8] != std::byte{'{'})
        fail(what, "the header does not start with '{'");

    const char* headerBegin = reinterpret_cast<const char*>(bytes.data()) + 8;
    const char* headerEnd = headerBegin + headerBytes;
    // nlohmann keeps one of two equal keys silently; the parser callback sees every key, so
    // duplicate tensor names are caught here.
    std::set<std::string> topLevelKeys;
    std::string duplicateKey;
    OrderedJson header;
    try {
        header = OrderedJson::parse(
            headerBegin, headerEnd,
            [&](int depth, OrderedJson::parse_event_t event, OrderedJson& parsed) {
                if (event == OrderedJson::parse_event_t::key && depth == 1 &&
                    !topLevelKeys.insert(parsed.get<std::string>()).second &&
                    duplicateKey.empty())
                    duplicateKey = parsed.get<std::string>();
                return true;
            });
    } catch (const nlohmann::json::exception& e) {
        fail(what, std::string("the header is not valid JSON (") + e.what() + ")");
    }
    if (!header.is_object()) fail(what, "the header is not a JSON object");
    if (!duplicateKey.empty()) fail(what, "duplicate entry \"" + duplicateKey + "\" in the header");

    const std::uint64_t dataBytes = bytes.size() - 8 - headerBytes;
    SafetensorsContents contents;
    std::vector<PendingTensor> pending;
    for (const auto& [name, entry] : header.items()) {
        if (name == kMetadataKey) {
            if (!entry.is_object()) fail(what, "\"__metadata__\" is not an object");
            for (const auto& [key, value] : entry.items()) {
                if (!value.is_string())
                    fail(what, "metadata value \"" + key + "\" is not a string");
                contents.metadata[key] = value.get<std::string>();
            }
            continue;
        }
        const std::string where = "tensor \"" + name + "\"";
        if (!entry.is_object()) fail(what, where + " is not an object");
        if (!entry.contains("dtype") || !entry["dtype"].is_string())
            fail(what, where + " has no dtype string");
        if (!entry.contains("shape") || !entry["shape"].is_array())
            fail(what, where + " has no shape array");
        if (!entry.contains("data_offsets") || !entry["data_offsets"].is_array() ||
            entry["data_offsets"].size() != 2)
            fail(what, where + " has no data_offsets pair");

        PendingTensor t;
        t.record.name = name;
        const std::string dtype = entry["dtype"].get<std::string>();
        if (!dtypeFromName(dtype, t.record.dtype))
            fail(what, where + " has unsupported dtype \"" + dtype + "\"");

        std::uint64_t elements = 1;
        for (const OrderedJson& d : entry["shape"]) {
            std::uint64_t extent = 0;
            if (!nonNegativeInteger(d, extent) ||
                extent > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
                fail(what, where + " has an invalid shape entry " + d.dump() +
                               " (must be a non-negative integer)");
            if (!multiplyChecked(elements, extent, elements))
                fail(what, where + " has a shape whose element count overflows");
            t.record.shape.push_back(static_cast<std::int64_t>(extent));
        }
        std::uint64_t expectedBytes = 0;
        if (!multiplyChecked(elements, dtypeSize(t.record.dtype), expectedBytes))
            fail(what, where + " has a shape whose byte size overflows");

        if (!nonNegativeInteger(entry["data_offsets"][0], t.begin) ||
            !nonNegativeInteger(entry["data_offsets"][1], t.end))
            fail(what, where + " has data_offsets that are not non-negative integers");
        if (t.end < t.begin)
            fail(what, where + " has data_offsets that end before they begin");
        if (t.end > dataBytes)
            fail(what, where + " has data_offsets [" + std::to_string(t.begin) + ", " +
                           std::to_string(t.end) + "] outside the data section of " +
                           std::to_string(dataBytes) + " bytes");
        if (t.end - t.begin != expectedBytes)
            fail(what, where + " covers " + std::to_string(t.end - t.begin) +
                           " bytes, but its shape and dtype " + dtype + " need " +
                           std::to_string(expectedBytes));
        pending.push_back(std::move(t));
    }

    // The reference implementation requires the tensors to tile the data section exactly.
    std::stable_sort(pending.begin(), pending.end(), [](const auto& a, const auto& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t cursor = 0;
    for (const PendingTensor& t : pending) {
        if (t.begin < cursor)
            fail(what, "tensor \"" + t.record.name + "\" overlaps the previous tensor at byte " +
                           std::to_string(t.begin));
        if (t.begin > cursor)
            fail(what, "gap of " + std::to_string(t.begin - cursor) + " unused bytes before tensor \"" +
                           t.record.name + "\"");
        cursor = t.end;
    }
    if (cursor != dataBytes)
        fail(what, std::to_string(dataBytes - cursor) +
                       " trailing bytes after the last tensor in the data section");

    const std::byte* data = bytes.data() + 8 + headerBytes;
    for (PendingTensor& t : pending) {
        t.record.data.assign(data + t.begin, data + t.end);
        contents.tensors.push_back(std::move(t.record));
    }
    return contents;
}

SafetensorsContents readSafetensors(const std::filesystem::path& file,
                                    const SafetensorsLimits& limits) {
    const std::string what = file.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec))
        throw Error("safetensors file " + what + ": does not exist or is not a regular file");
    const std::uintmax_t size = std::filesystem::file_size(file, ec);
    if (ec) throw Error("safetensors file " + what + ": cannot get its size (" + ec.message() + ")");
    if (size > limits.maxFileBytes)
        fail(what, "size " + std::to_string(size) + " bytes exceeds the limit of " +
                       std::to_string(limits.maxFileBytes));
    std::ifstream in(file, std::ios::binary);
    if (!in) fail(what, "cannot open for reading");
    std::vector<std::byte> bytes(size);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        fail(what, "read error");
    return parseSafetensors(bytes, what, limits);
}

std::vector<std::byte> serializeSafetensors(const SafetensorsContents& contents) {
    OrderedJson header = OrderedJson::object();
    if (!contents.metadata.empty()) {
        OrderedJson meta = OrderedJson::object();
        for (const auto& [k, v] : contents.metadata) meta[k] = v;
        header[kMetadataKey] = std::move(meta);
    }
    std::set<std::string> names;
    std::uint64_t offset = 0;
    for (const TensorRecord& t : contents.tensors) {
        const std::string where = "safetensors: cannot write tensor \"" + t.name + "\": ";
        if (t.name == kMetadataKey) throw Error(where + "the name is reserved");
        if (!names.insert(t.name).second) throw Error(where + "the name is used twice");
        std::uint64_t elements = 1;
        for (std::int64_t d : t.shape) {
            if (d < 0) throw Error(where + "negative shape entry");
            if (!multiplyChecked(elements, static_cast<std::uint64_t>(d), elements))
                throw Error(where + "the element count overflows");
        }
        std::uint64_t expected = 0;
        if (!multiplyChecked(elements, dtypeSize(t.dtype), expected) || expected != t.data.size())
            throw Error(where + "holds " + std::to_string(t.data.size()) +
                        " bytes but its shape and dtype need " + std::to_string(expected));
        header[t.name] = {{"dtype", dtypeName(t.dtype)},
                          {"shape", t.shape},
                          {"data_offsets", {offset, offset + expected}}};
        offset += expected;
    }
    std::string text = header.dump();
    // Pad with spaces so the data section starts 8-byte aligned (allowed by the format).
    text.append((8 - text.size() % 8) % 8, ' ');

    std::vector<std::byte> out(8 + text.size() + offset);
    const std::uint64_t headerBytes = text.size();
    std::memcpy(out.data(), &headerBytes, 8);
    std::memcpy(out.data() + 8, text.data(), text.size());
    std::byte* cursor = out.data() + 8 + text.size();
    for (const TensorRecord& t : contents.tensors) {
        if (!t.data.empty()) std::memcpy(cursor, t.data.data(), t.data.size());
        cursor += t.data.size();
    }
    return out;
}

void writeSafetensors(const std::filesystem::path& file, const SafetensorsContents& contents) {
    const std::vector<std::byte> bytes = serializeSafetensors(contents);
    writeFileAtomically(file, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

}  // namespace lf

#pragma once
// Our own reader/writer of the safetensors format (8-byte little-endian header length, JSON
// header, raw little-endian tensor bytes). The header is checked before anything is trusted:
// size limit, valid JSON, known dtypes, shape x dtype size == byte range, ranges inside the
// file, no overlaps or gaps, no integer overflow. Nothing in a model file is ever executed.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lf {

enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, Bool };
std::size_t dtypeSize(DType dtype);
const char* dtypeName(DType dtype);  // "F32", as written in the header

struct SafetensorsLimits {
    std::uint64_t maxHeaderBytes = 100ull << 20;  // the reference implementation's limit
    std::uint64_t maxFileBytes = 4ull << 30;
};

struct TensorRecord {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::vector<std::byte> data;  // little-endian, row-major
    std::int64_t numel() const;
};

struct SafetensorsContents {
    std::map<std::string, std::string> metadata;  // the optional "__metadata__" string map
    std::vector<TensorRecord> tensors;            // in file order
    const TensorRecord* find(const std::string& name) const;
    // Throws lf::Error when absent.
    const TensorRecord& at(const std::string& name) const;
};

// Throws lf::Error naming the file and the defect.
SafetensorsContents readSafetensors(const std::filesystem::path& file,
                                    const SafetensorsLimits& limits = {});
// Parses an in-memory file image; `what` names it in errors.
SafetensorsContents parseSafetensors(const std::vector<std::byte>& bytes, const std::string& what,
                                     const SafetensorsLimits& limits = {});
// Atomic write (temporary + rename). Tensor names must be unique.
void writeSafetensors(const std::filesystem::path& file, const SafetensorsContents& contents);
std::vector<std::byte> serializeSafetensors(const SafetensorsContents& contents);

}  // namespace lf

#include "core/procedural/ShapeDataset.h"

#include "core/formats/Float16.h"
#include "core/procedural/SdfGrid.h"
#include "core/procedural/ShapeFamily.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <charconv>

namespace lf {
namespace {

template <typename T>
void appendValue(std::vector<std::byte>& bytes, T value) {
    const std::size_t at = bytes.size();
    bytes.resize(at + sizeof(T));
    std::memcpy(bytes.data() + at, &value, sizeof(T));
}

// Shortest text that reads back as the same float ("0.1", not "0.100000001").
std::string formatFloat(float v) {
    char buffer[32];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
    return std::string(buffer, result.ptr);
}

}  // namespace

std::uint64_t shapeSeed(std::uint64_t datasetSeed, int index) {
    // SplitMix64 of (seed, index): well-mixed, independent streams for neighbouring indices.
    std::uint64_t z = datasetSeed + 0x9e3779b97f4a7c15ull * (std::uint64_t(index) + 1);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return z >> 1;  // fits in I64 without a sign
}

SafetensorsContents makeShapeDataset(const ShapeDatasetOptions& options,
                                     const std::function<void(int, int)>& progress) {
    if (options.count < 1)
        throw Error("shape dataset: count must be at least 1, not " + std::to_string(options.count));
    std::vector<int> familyIndices;
    if (options.families.empty()) {
        for (std::size_t i = 0; i < shapeFamilies().size(); ++i) familyIndices.push_back(int(i));
    } else {
        for (const std::string& name : options.families)
            familyIndices.push_back(shapeFamilyIndex(name));
    }
    std::size_t maxParams = 0;
    for (const auto& f : shapeFamilies()) maxParams = std::max(maxParams, f->parameters().size());

    const std::size_t n = std::size_t(options.count);
    const std::size_t R = std::size_t(options.resolution);
    const std::size_t cells = R * R * R;
    if (n * cells * 2 > (4ull << 30))
        throw Error("shape dataset: " + std::to_string(n) + " grids of " + std::to_string(R) +
                    "^3 exceed the 4 GiB file limit; use fewer shapes or a lower resolution");

    TensorRecord sdf{"sdf", DType::F16, {std::int64_t(n), std::int64_t(R), std::int64_t(R),
                                         std::int64_t(R)}, {}};
    TensorRecord family{"family", DType::I64, {std::int64_t(n)}, {}};
    TensorRecord params{"params", DType::F32, {std::int64_t(n), std::int64_t(maxParams)}, {}};
    TensorRecord paramCount{"param_count", DType::I32, {std::int64_t(n)}, {}};
    TensorRecord seeds{"seed", DType::I64, {std::int64_t(n)}, {}};
    sdf.data.reserve(n * cells * 2);

    for (std::size_t i = 0; i < n; ++i) {
        const int familyIndex = familyIndices[i % familyIndices.size()];
        const ShapeFamily& f = *shapeFamilies()[std::size_t(familyIndex)];
        const std::uint64_t seed = shapeSeed(options.seed, int(i));
        const ShapeParams p = f.sample(seed);
        const SdfGrid grid =
            makeSdfGrid(*f.build(p), options.resolution, options.truncation, options.threads);
        for (float v : grid.values) appendValue(sdf.data, floatToHalf(v));
        appendValue(family.data, std::int64_t(familyIndex));
        for (std::size_t k = 0; k < maxParams; ++k)
            appendValue(params.data, k < p.size() ? float(p[k]) : 0.0f);
        appendValue(paramCount.data, std::int32_t(p.size()));
        appendValue(seeds.data, std::int64_t(seed));
        if (progress) progress(int(i + 1), options.count);
    }

    SafetensorsContents contents;
    nlohmann::json names = nlohmann::json::array();
    nlohmann::json parameterNames = nlohmann::json::object();
    for (const auto& f : shapeFamilies()) {
        names.push_back(f->name());
        nlohmann::json list = nlohmann::json::array();
        for (const ShapeParameter& p : f->parameters()) list.push_back(p.name);
        parameterNames[f->name()] = list;
    }
    contents.metadata = {
        {"format", "latentforge-shape-dataset"},
        {"format_version", "1"},
        {"count", std::to_string(n)},
        {"resolution", std::to_string(R)},
        {"truncation", formatFloat(options.truncation)},
        {"dataset_seed", std::to_string(options.seed)},
        {"grid_layout", "sdf[n][z][y][x], cell-centred samples over [-1,1]^3, +y up, negative inside"},
        {"margin", formatFloat(ShapeFamily::kMargin)},
        {"families", names.dump()},
        {"parameters", parameterNames.dump()},
    };
    contents.tensors = {std::move(sdf), std::move(family), std::move(params),
                        std::move(paramCount), std::move(seeds)};
    return contents;
}

int shapeDatasetCount(const SafetensorsContents& dataset) {
    const TensorRecord* sdf = dataset.find("sdf");
    if (!sdf) throw Error("shape dataset: no \"sdf\" tensor");
    if (sdf->dtype != DType::F16 || sdf->shape.size() != 4 || sdf->shape[1] != sdf->shape[2] ||
        sdf->shape[1] != sdf->shape[3] || sdf->shape[1] < 2)
        throw Error("shape dataset: \"sdf\" must be F16 [N, R, R, R]");
    return int(sdf->shape[0]);
}

SdfGrid shapeDatasetGrid(const SafetensorsContents& dataset, int index) {
    const int count = shapeDatasetCount(dataset);
    if (index < 0 || index >= count)
        throw Error("shape dataset: index " + std::to_string(index) + " is outside [0, " +
                    std::to_string(count) + ")");
    const auto truncation = dataset.metadata.find("truncation");
    if (truncation == dataset.metadata.end())
        throw Error("shape dataset: metadata has no \"truncation\"");
    const TensorRecord& sdf = dataset.at("sdf");
    SdfGrid grid;
    grid.resolution = int(sdf.shape[1]);
    const std::string& text = truncation->second;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), grid.truncation);
    if (parsed.ec != std::errc() || !(grid.truncation > 0))
        throw Error("shape dataset: metadata truncation \"" + text + "\" is not a positive number");
    const std::size_t cells = std::size_t(grid.resolution) * grid.resolution * grid.resolution;
    grid.values.resize(cells);
    const std::byte* row = sdf.data.data() + std::size_t(index) * cells * 2;
    for (std::size_t i = 0; i < cells; ++i) {
        std::uint16_t half = 0;
        std::memcpy(&half, row + 2 * i, 2);
        grid.values[i] = halfToFloat(half);
    }
    return grid;
}

int shapeDatasetFamily(const SafetensorsContents& dataset, int index) {
    const int count = shapeDatasetCount(dataset);
    const TensorRecord* family = dataset.find("family");
    if (!family || family->dtype != DType::I64 || family->numel() != count)
        throw Error("shape dataset: \"family\" must be I64 [N]");
    if (index < 0 || index >= count)
        throw Error("shape dataset: index " + std::to_string(index) + " is outside [0, " +
                    std::to_string(count) + ")");
    std::int64_t value = 0;
    std::memcpy(&value, family->data.data() + std::size_t(index) * sizeof value, sizeof value);
    if (value < 0 || value >= std::int64_t(shapeFamilies().size()))
        throw Error("shape dataset: family index " + std::to_string(value) + " of shape " +
                    std::to_string(index) + " is unknown");
    return int(value);
}

std::string shapeDatasetFamilyName(const SafetensorsContents& dataset, int index) {
    return shapeFamilies()[std::size_t(shapeDatasetFamily(dataset, index))]->name();
}

}  // namespace lf

#include "core/ml/SdfDatasetTensor.h"

#include "core/formats/Safetensors.h"
#include "core/util/Error.h"

#include <cmath>
#include <cstring>
#include <memory>

namespace lf::ml {

SdfDatasetTensor loadSdfDataset(const std::filesystem::path& file) {
    SafetensorsContents contents = readSafetensors(file);
    const std::string what = "shape dataset " + file.string();
    TensorRecord* record = nullptr;
    for (auto& t : contents.tensors) {
        if (t.name == "sdf") record = &t;
    }
    if (!record) throw Error(what + ": no \"sdf\" tensor (not a generate-shapes dataset?)");
    const auto& shape = record->shape;
    if (shape.size() != 4 || shape[0] < 1 || shape[1] != shape[2] || shape[2] != shape[3] ||
        shape[1] < 2) {
        throw Error(what + ": \"sdf\" must have shape [N,R,R,R]");
    }
    torch::ScalarType type;
    if (record->dtype == DType::F16) type = torch::kFloat16;
    else if (record->dtype == DType::F32) type = torch::kFloat32;
    else throw Error(what + ": \"sdf\" has dtype " + dtypeName(record->dtype) + ", expected F16 or F32");

    // The tensor takes ownership of the file's bytes: no second copy of a multi-GB array.
    auto bytes = std::make_unique<std::vector<std::byte>>(std::move(record->data));
    void* data = bytes->data();
    auto* owner = bytes.release();
    SdfDatasetTensor out;
    out.sdf = torch::from_blob(data, {shape[0], 1, shape[1], shape[2], shape[3]},
                               [owner](void*) { delete owner; },
                               torch::TensorOptions().dtype(type));
    out.resolution = static_cast<int>(shape[1]);
    const auto it = contents.metadata.find("truncation");
    if (it != contents.metadata.end()) {
        try {
            out.truncation = std::stof(it->second);
        } catch (const std::exception&) {
            throw Error(what + ": metadata \"truncation\" is not a number: " + it->second);
        }
    }
    if (const TensorRecord* family = contents.find("family")) {
        if (family->dtype != DType::I64 || family->numel() != shape[0])
            throw Error(what + ": \"family\" must be I64 [N]");
        out.family.resize(std::size_t(shape[0]));
        for (std::size_t i = 0; i < out.family.size(); ++i) {
            std::int64_t v = 0;
            std::memcpy(&v, family->data.data() + i * sizeof v, sizeof v);
            out.family[i] = int(v);
        }
    }
    if (!(out.truncation > 0)) out.truncation = out.sdf.abs().max().item<float>();
    if (!std::isfinite(out.truncation)) throw Error(what + ": \"sdf\" holds non-finite values");
    return out;
}

}  // namespace lf::ml

#include "core/ml/TorchSafetensors.h"

#include "core/util/Error.h"

#include <bit>
#include <cstring>
#include <set>

namespace lf::ml {
namespace {

// Safetensors data is little-endian; so are all the machines we build for (x86-64, aarch64).
static_assert(std::endian::native == std::endian::little);

DType toDType(torch::ScalarType type, const std::string& name) {
    switch (type) {
    case torch::kFloat64: return DType::F64;
    case torch::kFloat32: return DType::F32;
    case torch::kFloat16: return DType::F16;
    case torch::kBFloat16: return DType::BF16;
    case torch::kInt64: return DType::I64;
    case torch::kInt32: return DType::I32;
    case torch::kInt16: return DType::I16;
    case torch::kInt8: return DType::I8;
    case torch::kUInt8: return DType::U8;
    case torch::kBool: return DType::Bool;
    default:
        throw Error("tensor '" + name + "' has dtype " + std::string(c10::toString(type)) +
                    ", which safetensors files cannot store");
    }
}

torch::ScalarType toScalarType(DType type) {
    switch (type) {
    case DType::F64: return torch::kFloat64;
    case DType::F32: return torch::kFloat32;
    case DType::F16: return torch::kFloat16;
    case DType::BF16: return torch::kBFloat16;
    case DType::I64: return torch::kInt64;
    case DType::I32: return torch::kInt32;
    case DType::I16: return torch::kInt16;
    case DType::I8: return torch::kInt8;
    case DType::U8: return torch::kUInt8;
    case DType::Bool: return torch::kBool;
    }
    throw Error("unknown safetensors dtype");
}

bool isFloating(DType type) {
    return type == DType::F64 || type == DType::F32 || type == DType::F16 || type == DType::BF16;
}

std::string shapeText(c10::IntArrayRef shape) {
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? "," : "") + std::to_string(shape[i]);
    return text + "]";
}

}  // namespace

TensorRecord tensorToRecord(const std::string& name, const torch::Tensor& tensor, bool storeAsF16) {
    torch::Tensor t = tensor.detach().to(torch::kCPU);
    if (storeAsF16 && t.is_floating_point()) t = t.to(torch::kFloat16);
    t = t.contiguous();
    TensorRecord record;
    record.name = name;
    record.dtype = toDType(t.scalar_type(), name);
    record.shape.assign(t.sizes().begin(), t.sizes().end());
    const std::size_t bytes = static_cast<std::size_t>(t.numel()) * t.element_size();
    record.data.resize(bytes);
    if (bytes) std::memcpy(record.data.data(), t.data_ptr(), bytes);
    return record;
}

torch::Tensor recordToTensor(const TensorRecord& record) {
    auto t = torch::empty(record.shape, torch::TensorOptions().dtype(toScalarType(record.dtype)));
    const std::size_t bytes = static_cast<std::size_t>(t.numel()) * t.element_size();
    if (bytes != record.data.size()) {
        throw Error("tensor '" + record.name + "': " + std::to_string(record.data.size()) +
                    " bytes of data for shape " + shapeText(record.shape) + " " +
                    dtypeName(record.dtype));
    }
    if (bytes) std::memcpy(t.data_ptr(), record.data.data(), bytes);
    return t;
}

void appendStateDict(SafetensorsContents& contents, const torch::nn::Module& module,
                     const std::string& prefix, bool storeAsF16) {
    for (const auto& item : module.named_parameters(/*recurse=*/true)) {
        contents.tensors.push_back(tensorToRecord(prefix + item.key(), item.value(), storeAsF16));
    }
    for (const auto& item : module.named_buffers(/*recurse=*/true)) {
        contents.tensors.push_back(tensorToRecord(prefix + item.key(), item.value(), storeAsF16));
    }
}

void loadStateDict(torch::nn::Module& module, const SafetensorsContents& contents,
                   const std::string& what, const std::string& prefix,
                   const std::set<std::string>& extras) {
    std::vector<std::pair<torch::Tensor, torch::Tensor>> assignments;  // target, source
    std::set<std::string> expected;
    auto check = [&](const std::string& key, const torch::Tensor& target) {
        const std::string name = prefix + key;
        expected.insert(name);
        const TensorRecord* record = contents.find(name);
        if (!record) {
            throw Error(what + ": missing tensor '" + name + "' (the model expects " +
                        shapeText(target.sizes()) + " " + c10::toString(target.scalar_type()) +
                        ")");
        }
        if (!std::equal(record->shape.begin(), record->shape.end(), target.sizes().begin(),
                        target.sizes().end())) {
            throw Error(what + ": tensor '" + name + "' has shape " + shapeText(record->shape) +
                        " but the model expects " + shapeText(target.sizes()));
        }
        const bool targetFloating = target.is_floating_point();
        const bool ok = targetFloating ? isFloating(record->dtype)
                                       : toScalarType(record->dtype) == target.scalar_type();
        if (!ok) {
            throw Error(what + ": tensor '" + name + "' has dtype " + dtypeName(record->dtype) +
                        " but the model expects " + c10::toString(target.scalar_type()));
        }
        assignments.emplace_back(target, recordToTensor(*record));
    };
    for (const auto& item : module.named_parameters(true)) check(item.key(), item.value());
    for (const auto& item : module.named_buffers(true)) check(item.key(), item.value());
    for (const auto& record : contents.tensors) {
        if (record.name.compare(0, prefix.size(), prefix) == 0 && !expected.count(record.name) &&
            !extras.count(record.name)) {
            throw Error(what + ": unexpected tensor '" + record.name +
                        "' (the model has no such parameter; wrong architecture?)");
        }
    }
    torch::NoGradGuard noGrad;
    for (auto& [target, source] : assignments) target.copy_(source);
}

}  // namespace lf::ml

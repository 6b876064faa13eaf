#include "core/model/ModelManifest.h"

#include "core/model/Sha256.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <cctype>
#include <fstream>
#include <limits>
#include <set>

namespace fs = std::filesystem;
using nlohmann::json;

namespace lf {
namespace {

// Field access that names the file and the dotted field path in every error.
class FieldReader {
public:
    FieldReader(const json& object, std::string what, std::string prefix)
        : object_(object), what_(std::move(what)), prefix_(std::move(prefix)) {}

    const json& require(const std::string& key) const {
        if (!object_.contains(key)) fail(key, "is missing");
        return object_.at(key);
    }
    std::string string(const std::string& key) const {
        const json& v = require(key);
        if (!v.is_string()) fail(key, "must be a string, not " + std::string(v.type_name()));
        return v.get<std::string>();
    }
    std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max) const {
        const json& v = require(key);
        if (!v.is_number_integer()) fail(key, "must be an integer, not " + v.dump());
        if (v.is_number_unsigned() &&
            v.get<std::uint64_t>() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail(key, "is out of range");
        const auto i = v.get<std::int64_t>();
        if (i < min || i > max)
            fail(key, "must be in [" + std::to_string(min) + ", " + std::to_string(max) + "], not " +
                          std::to_string(i));
        return i;
    }
    std::uint64_t unsignedInteger(const std::string& key) const {
        const json& v = require(key);
        if (!v.is_number_integer() || (!v.is_number_unsigned() && v.get<std::int64_t>() < 0))
            fail(key, "must be a non-negative integer, not " + v.dump());
        return v.get<std::uint64_t>();
    }
    double number(const std::string& key, double min) const {
        const json& v = require(key);
        if (!v.is_number()) fail(key, "must be a number, not " + v.dump());
        const double d = v.get<double>();
        if (!(d >= min)) fail(key, "must be at least " + std::to_string(min));
        return d;
    }
    const json& object(const std::string& key) const {
        const json& v = require(key);
        if (!v.is_object()) fail(key, "must be an object, not " + std::string(v.type_name()));
        return v;
    }
    FieldReader child(const std::string& key) const {
        return FieldReader(object(key), what_, prefix_ + key + ".");
    }
    [[noreturn]] void fail(const std::string& key, const std::string& problem) const {
        throw Error(what_ + ": field \"" + prefix_ + key + "\" " + problem);
    }

private:
    const json& object_;
    std::string what_;
    std::string prefix_;
};

const std::set<std::string> kKnownKeys = {
    "format_version", "id", "kind", "name", "description", "architecture", "latent_size",
    "grid_resolution", "training", "metrics", "weights"};

bool isSafeName(const std::string& s) {
    if (s.empty() || s == "." || s == "..") return false;
    for (char c : s)
        if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-'))
            return false;
    return true;
}

std::vector<std::byte> readAll(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw Error("cannot open " + file.string());
    in.seekg(0, std::ios::end);
    const auto size = static_cast<std::size_t>(in.tellg());
    in.seekg(0);
    std::vector<std::byte> bytes(size);
    if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size)))
        throw Error("read error in " + file.string());
    return bytes;
}

}  // namespace

const char* modelKindName(ModelKind kind) {
    switch (kind) {
    case ModelKind::ShapeVae: return "shape-vae";
    case ModelKind::ProcessDiffusion: return "process-diffusion";
    }
    return "unknown";
}

json manifestToJson(const ModelManifest& m) {
    json j = json::object();
    for (const auto& [k, v] : m.extras.items()) j[k] = v;
    j["format_version"] = m.formatVersion;
    j["id"] = m.id;
    j["kind"] = modelKindName(m.kind);
    j["name"] = m.name;
    j["description"] = m.description;
    j["architecture"] = m.architecture;
    j["latent_size"] = m.latentSize;
    if (m.gridResolution) j["grid_resolution"] = *m.gridResolution;
    j["training"] = {{"data", m.training.data},
                     {"command_line", m.training.commandLine},
                     {"seed", m.training.seed},
                     {"epochs", m.training.epochs},
                     {"device", m.training.device},
                     {"duration_seconds", m.training.durationSeconds}};
    j["metrics"] = m.metrics;
    j["weights"] = {{"file", m.weights.file}, {"sha256", m.weights.sha256}, {"dtype", m.weights.dtype}};
    return j;
}

ModelManifest manifestFromJson(const json& j, const std::string& what) {
    if (!j.is_object()) throw Error(what + ": the manifest is not a JSON object");
    const FieldReader r(j, what, "");
    ModelManifest m;
    m.formatVersion = static_cast<int>(r.integer("format_version", 1, 1 << 20));
    if (m.formatVersion > ModelManifest::kFormatVersion)
        r.fail("format_version", "is " + std::to_string(m.formatVersion) +
                                     "; this build reads up to " +
                                     std::to_string(ModelManifest::kFormatVersion));
    m.id = r.string("id");
    if (!isSafeName(m.id)) r.fail("id", "must be non-empty and use only A-Z a-z 0-9 . _ -");
    const std::string kind = r.string("kind");
    if (kind == "shape-vae")
        m.kind = ModelKind::ShapeVae;
    else if (kind == "process-diffusion")
        m.kind = ModelKind::ProcessDiffusion;
    else
        r.fail("kind", "is \"" + kind + "\"; expected \"shape-vae\" or \"process-diffusion\"");
    m.name = r.string("name");
    m.description = r.string("description");
    m.architecture = r.object("architecture");
    m.latentSize = static_cast<int>(r.integer("latent_size", 1, 1 << 20));
    if (m.kind == ModelKind::ShapeVae)
        m.gridResolution = static_cast<int>(r.integer("grid_resolution", 2, 4096));
    else if (j.contains("grid_resolution") && !j["grid_resolution"].is_null())
        m.gridResolution = static_cast<int>(r.integer("grid_resolution", 2, 4096));

    const FieldReader t = r.child("training");
    m.training.data = t.string("data");
    m.training.commandLine = t.string("command_line");
    m.training.seed = t.unsignedInteger("seed");
    m.training.epochs = static_cast<int>(t.integer("epochs", 0, std::numeric_limits<int>::max()));
    m.training.device = t.string("device");
    m.training.durationSeconds = t.number("duration_seconds", 0);

    m.metrics = r.object("metrics");

    const FieldReader w = r.child("weights");
    m.weights.file = w.string("file");
    if (!isSafeName(m.weights.file))
        w.fail("file", "must be a plain file name inside the package folder, not \"" +
                           m.weights.file + "\"");
    m.weights.sha256 = w.string("sha256");
    if (m.weights.sha256.size() != 64 ||
        m.weights.sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
        w.fail("sha256", "must be 64 lower-case hex digits");
    m.weights.dtype = w.string("dtype");

    for (const auto& [k, v] : j.items())
        if (!kKnownKeys.count(k)) m.extras[k] = v;
    return m;
}

ModelPackage loadModelPackage(const fs::path& directory) {
    std::error_code ec;
    if (!fs::is_directory(directory, ec))
        throw Error("model package " + directory.string() + ": folder does not exist");
    const fs::path manifestFile = directory / kManifestFileName;
    if (!fs::is_regular_file(manifestFile, ec))
        throw Error("model package " + directory.string() + ": " + kManifestFileName +
                    " is missing");
    json j;
    {
        std::ifstream in(manifestFile);
        if (!in) throw Error("cannot open " + manifestFile.string());
        try {
            j = json::parse(in);
        } catch (const json::exception& e) {
            throw Error(manifestFile.string() + ": invalid JSON (" + e.what() + ")");
        }
    }
    ModelPackage package;
    package.directory = directory;
    package.manifest = manifestFromJson(j, manifestFile.string());

    const fs::path weightsFile = directory / package.manifest.weights.file;
    if (!fs::is_regular_file(weightsFile, ec))
        throw Error(manifestFile.string() + ": field \"weights.file\" names " +
                    weightsFile.string() + ", which does not exist");
    const std::vector<std::byte> bytes = readAll(weightsFile);
    const std::string actual = sha256Hex(bytes);
    if (actual != package.manifest.weights.sha256)
        throw Error(weightsFile.string() + ": SHA-256 is " + actual + " but " +
                    manifestFile.string() + " (field \"weights.sha256\") expects " +
                    package.manifest.weights.sha256 +
                    "; the weights are corrupt or belong to another model");
    package.weights = parseSafetensors(bytes, weightsFile.string());
    return package;
}

ModelManifest saveModelPackage(const fs::path& directory, ModelManifest manifest,
                               const SafetensorsContents& weights) {
    if (!isSafeName(manifest.id))
        throw Error("cannot save model package: id \"" + manifest.id +
                    "\" must be non-empty and use only A-Z a-z 0-9 . _ -");
    if (!isSafeName(manifest.weights.file))
        throw Error("cannot save model package: weights file name \"" + manifest.weights.file +
                    "\" must be a plain file name");
    if (manifest.kind == ModelKind::ShapeVae && !manifest.gridResolution)
        throw Error("cannot save model package " + manifest.id +
                    ": shape models need grid_resolution");
    std::error_code ec;
    const fs::path parent = directory.parent_path().empty() ? fs::path(".") : directory.parent_path();
    if (!fs::is_directory(parent, ec))
        throw Error("cannot save model package into " + directory.string() + ": " +
                    parent.string() + " does not exist");
    fs::create_directory(directory, ec);
    if (ec && !fs::is_directory(directory))
        throw Error("cannot create model package folder " + directory.string() + ": " + ec.message());

    const std::vector<std::byte> bytes = serializeSafetensors(weights);
    manifest.weights.sha256 = sha256Hex(bytes);
    const fs::path weightsFile = directory / manifest.weights.file;
    writeFileAtomically(weightsFile, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    writeFileAtomically(directory / kManifestFileName, manifestToJson(manifest).dump(2) + "\n");
    return manifest;
}

std::optional<double> metricAt(const nlohmann::json& metrics, const std::string& pointer) {
    try {
        const auto& value = metrics.at(nlohmann::json::json_pointer(pointer));
        if (value.is_number()) return value.get<double>();
    } catch (const nlohmann::json::exception&) {
        // missing, or a path through something that is not an object or array
    }
    return std::nullopt;
}

std::optional<int> nonNegativeIntOf(const nlohmann::json& value) {
    if (value.is_number_unsigned() && value.get<std::uint64_t>() <= std::uint64_t(std::numeric_limits<int>::max()))
        return int(value.get<std::uint64_t>());
    if (value.is_number_integer() && value.get<std::int64_t>() >= 0 &&
        value.get<std::int64_t>() <= std::numeric_limits<int>::max())
        return int(value.get<std::int64_t>());
    return std::nullopt;
}

void writeEvaluationMetrics(const std::filesystem::path& directory, const nlohmann::json& metrics,
                            const nlohmann::json& extras) {
    const auto file = directory / kManifestFileName;
    nlohmann::json json;
    {
        std::ifstream in(file);
        if (!in) throw Error(file.string() + ": cannot open");
        try {
            json = nlohmann::json::parse(in);
        } catch (const nlohmann::json::exception& e) {
            throw Error(file.string() + ": not valid JSON (" + e.what() + ")");
        }
    }
    auto manifest = manifestFromJson(json, file.string());  // validates before we touch it
    manifest.metrics["evaluation"] = metrics;
    for (const auto& [key, value] : extras.items()) manifest.extras[key] = value;
    writeFileAtomically(file, manifestToJson(manifest).dump(2) + "\n");
}

}  // namespace lf

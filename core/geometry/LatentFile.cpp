#include "core/geometry/LatentFile.h"

#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>

namespace lf {

namespace {
std::optional<MeshNormalisation> placementFromJson(const nlohmann::json& json) {
    if (!json.contains("placement")) return std::nullopt;
    const auto& p = json["placement"];
    const char* shape = "\"placement\" must be {\"centre\": [x, y, z], \"scale\": s > 0}";
    if (!p.is_object() || !p.contains("centre") || !p["centre"].is_array() || p["centre"].size() != 3 ||
        !p.contains("scale") || !p["scale"].is_number())
        throw Error(shape);
    MeshNormalisation n;
    for (int i = 0; i < 3; ++i) {
        if (!p["centre"][i].is_number()) throw Error("\"placement\" centre must hold 3 numbers");
        n.centre[i] = p["centre"][i].get<float>();
    }
    n.scale = p["scale"].get<float>();
    if (!(n.scale > 0) || !std::isfinite(n.scale) ||
        !std::all_of(n.centre.begin(), n.centre.end(), [](float v) { return std::isfinite(v); }))
        throw Error(shape);
    return n;
}
}  // namespace

LatentFile latentFileFromJson(const nlohmann::json& json, int latentSize) {
    LatentFile out;
    out.latent = ml::latentFromJson(json, latentSize);
    out.placement = placementFromJson(json);
    return out;
}

nlohmann::json latentFileToJson(const ml::Latent& z, const MeshNormalisation* placement) {
    nlohmann::json json = ml::latentToJson(z);
    if (placement) {
        const Vec3f& c = placement->centre;
        json["placement"] = {{"centre", {c[0], c[1], c[2]}},
                             {"scale", placement->scale},
                             {"meaning", "normalised = (original - centre) * scale"}};
    }
    return json;
}

LatentFile readLatentFile(const std::filesystem::path& file, int latentSize) {
    std::ifstream in(file);
    if (!in) throw Error(file.string() + ": cannot open the latent file");
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw Error(file.string() + ": not valid JSON (" + e.what() + ")");
    }
    try {
        return latentFileFromJson(json, latentSize);
    } catch (const Error& e) {
        throw Error(file.string() + ": " + e.what());
    }
}

void writeLatentFile(const std::filesystem::path& file, const ml::Latent& z, const MeshNormalisation* placement) {
    writeFileAtomically(file, latentFileToJson(z, placement).dump(2) + "\n");
}

}  // namespace lf

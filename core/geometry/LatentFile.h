#pragma once
// A latent JSON file: ml::latentToJson's format plus an optional "placement", where the design
// sits in millimetres (MeshNormalisation: normalised = (original - centre) * scale). `encode`
// writes an encoded mesh's; the GUI's Copy latent writes the design's size. `decode` and the
// GUI's Paste / Load latent put the shape back at that size and place.
#include "core/geometry/SdfContour.h"
#include "core/ml/LatentMath.h"

#include <nlohmann/json_fwd.hpp>

#include <filesystem>
#include <optional>

namespace lf {

struct LatentFile {
    ml::Latent latent;
    std::optional<MeshNormalisation> placement;
};

// lf::Error saying what is wrong (wrong size, malformed placement), without naming a source.
LatentFile latentFileFromJson(const nlohmann::json& json, int latentSize);
nlohmann::json latentFileToJson(const ml::Latent& z, const MeshNormalisation* placement = nullptr);

// lf::Error naming the file when it is missing, not JSON, or as latentFileFromJson.
LatentFile readLatentFile(const std::filesystem::path& file, int latentSize);
// Atomic (core/util/AtomicFile.h).
void writeLatentFile(const std::filesystem::path& file, const ml::Latent& z,
                     const MeshNormalisation* placement = nullptr);

}  // namespace lf

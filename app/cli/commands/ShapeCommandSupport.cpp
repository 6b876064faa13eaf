#include "app/cli/commands/ShapeCommandSupport.h"

#include "app/cli/Commands.h"
#include "core/geometry/MeshReport.h"
#include "core/io/MeshExport.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <fstream>

namespace lf::cli {

ml::ShapeModel loadShapeModelArgument(const std::string& folderOrId) {
    ml::setInferenceThreads(ml::recommendedInferenceThreads());
    return ml::ShapeModel::load(resolveModelArgument(folderOrId));
}

ml::Latent readLatentFile(const std::filesystem::path& file, int latentSize) {
    std::ifstream in(file);
    if (!in) throw Error(file.string() + ": cannot open the latent file");
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw Error(file.string() + ": not valid JSON (" + e.what() + ")");
    }
    try {
        return ml::latentFromJson(json, latentSize);
    } catch (const Error& e) {
        throw Error(file.string() + ": " + e.what());
    }
}

void writeLatentFile(const std::filesystem::path& file, const ml::Latent& z) {
    const std::string text = ml::latentToJson(z).dump(2) + "\n";
    writeFileAtomically(file, [&](const std::filesystem::path& temp) {
        std::ofstream out(temp, std::ios::binary);
        out << text;
        out.flush();
        if (!out) throw Error(file.string() + ": cannot write the latent file");
    });
}

ml::Latent latentFromSeedOrFile(const ml::ShapeModel& model, const std::string& seedOrFile, double psi) {
    std::uint64_t seed = 0;
    const char* end = seedOrFile.data() + seedOrFile.size();
    const auto [ptr, ec] = std::from_chars(seedOrFile.data(), end, seed);
    if (!seedOrFile.empty() && ec == std::errc() && ptr == end) return ml::seededLatent(model, seed, psi);
    return readLatentFile(seedOrFile, model.latentSize());
}

std::string writeMeshWithSummary(const Mesh& mesh, const std::filesystem::path& file) {
    const auto format = exportFormatForPath(file);
    if (!format) throw Error(file.string() + ": unknown mesh format (use .stl, .obj, .ply, .gltf or .glb)");
    if (mesh.triangles.empty()) throw Error(file.string() + ": the decoded shape is empty (no surface in the grid)");
    exportMesh(mesh, file, *format);
    const MeshReport report = computeMeshReport(mesh);
    return file.string() + ": " + std::to_string(report.triangles) + " triangles, " +
           (report.watertight ? "watertight" : "not watertight");
}

}  // namespace lf::cli

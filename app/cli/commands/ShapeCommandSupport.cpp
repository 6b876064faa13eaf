#include "app/cli/commands/ShapeCommandSupport.h"

#include "app/cli/Commands.h"
#include "app/cli/commands/CommandSupport.h"
#include "core/geometry/MeshReport.h"
#include "core/geometry/ShapeMeshing.h"
#include "core/io/MeshExport.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <charconv>
#include <fstream>
#include <cmath>
#include <algorithm>

namespace lf::cli {

void addRefinementOptions(CLI::App& cmd, ml::LatentRefinement& refinement) {
    cmd.add_option("--refine-steps", refinement.steps,
                   "gradient steps on the latent against the decoder's reconstruction (0: the encoder's guess)")
        ->check(CLI::Range(0, 10000));
    cmd.add_option("--refine-rate", refinement.learningRate, "learning rate of those steps")
        ->check(CLI::Range(1e-6, 10.0));
}

ml::ShapeModel loadShapeModelArgument(const std::string& folderOrId) {
    ml::setInferenceThreads(ml::kInferenceThreads);
    return ml::ShapeModel::load(resolveModelArgument(folderOrId));
}

namespace {
std::optional<std::uint64_t> parseSeed(const std::string& text) {
    std::uint64_t seed = 0;
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, seed);
    if (text.empty() || ec != std::errc() || ptr != end) return std::nullopt;
    return seed;
}
}  // namespace

LatentFile latentFromSeedOrFile(const ml::ShapeModel& model, const std::string& seedOrFile, double psi) {
    if (const auto seed = parseSeed(seedOrFile)) return {ml::seededLatent(model, *seed, psi), std::nullopt};
    return readLatentFile(seedOrFile, model.latentSize());
}

void addSizeOptions(CLI::App& cmd, SizeArguments& size, const std::string& whichDesign) {
    const std::string fallback = " (default: " + formatted("%g", kDefaultDesignScale) + " mm per model unit, as the GUI shows it)";
    auto* height = cmd.add_option("--height", size.height, "height in mm of " + whichDesign + fallback)
                       ->check(CLI::Range(0.01, 1e5));
    cmd.add_option("--largest", size.largest, "largest dimension in mm of " + whichDesign + " (flat parts)")
        ->check(CLI::Range(0.01, 1e5))
        ->excludes(height);
}

double designScale(const Mesh& mesh, const SizeArguments& size) {
    if (size.height) return designScaleFor(mesh, DesignMeasure::Height, *size.height);
    if (size.largest) return designScaleFor(mesh, DesignMeasure::LargestDimension, *size.largest);
    return kDefaultDesignScale;
}

std::string writeMeshWithSummary(const Mesh& mesh, const std::filesystem::path& file, MeshReport* reportOut) {
    const auto format = exportFormatForPath(file);
    if (!format) throw Error(file.string() + ": unknown mesh format (use .stl, .obj, .ply, .gltf or .glb)");
    if (mesh.triangles.empty()) throw Error(file.string() + ": the decoded shape is empty (no surface in the grid)");
    exportMesh(mesh, file, *format);
    const MeshReport report = computeMeshReport(mesh);
    if (reportOut) *reportOut = report;
    std::string line = file.string() + ": " + std::to_string(report.triangles) + " triangles, " +
                       (report.watertight ? "watertight" : "not watertight");
    // Bodies are known for a closed mesh: more than one prints as separate parts.
    if (report.volume) line += formatted(", %zu bod%s", report.bodies, report.bodies == 1 ? "y" : "ies");
    return line;
}

}  // namespace lf::cli

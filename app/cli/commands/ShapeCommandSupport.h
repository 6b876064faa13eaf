#pragma once
// Helpers shared by the shape-model commands (sample, interpolate, encode, decode).
#include "core/geometry/LatentFile.h"
#include "core/geometry/MeshReport.h"
#include "core/geometry/SdfContour.h"
#include "core/mesh/Mesh.h"
#include "core/ml/LatentMath.h"
#include "core/ml/ShapeModel.h"

#include <filesystem>
#include <optional>
#include <string>

namespace CLI {
class App;
}

namespace lf::cli {

// Resolves --model (folder or id) and loads the shape model, with inference threads set once.
ml::ShapeModel loadShapeModelArgument(const std::string& folderOrId);

// --refine-steps and --refine-rate of an encode (encode, eval shape-vae).
void addRefinementOptions(CLI::App& cmd, ml::LatentRefinement& refinement);

// The latent a seed names (ml::seededLatent at psi, as the GUI draws it; no placement), or the
// latent JSON file at `seedOrFile` taken as it is.
LatentFile latentFromSeedOrFile(const ml::ShapeModel& model, const std::string& seedOrFile, double psi);

// --height / --largest: the design's height (z extent) or largest dimension in millimetres, as
// the GUI's size field; without either a design with no size of its own gets
// kDefaultDesignScale (core/geometry/ShapeMeshing.h).
struct SizeArguments {
    std::optional<double> height, largest;
    bool given() const { return height || largest; }
};
void addSizeOptions(CLI::App& cmd, SizeArguments& size, const std::string& whichDesign);
// The millimetres per model unit for `mesh` (in model units): the scale that gives it the
// asked size, or kDefaultDesignScale.
double designScale(const Mesh& mesh, const SizeArguments& size);

// Exports in the format the extension names (lf::Error for an unknown one); returns a one-line
// summary "<file>: N triangles, watertight|not watertight[, K bodies]" (bodies when closed) and,
// with `report`, the mesh report behind it.
std::string writeMeshWithSummary(const Mesh& mesh, const std::filesystem::path& file,
                                 MeshReport* report = nullptr);

}  // namespace lf::cli

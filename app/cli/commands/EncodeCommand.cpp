// encode: a closed mesh file to the model's latent (JSON), e.g. to decode or interpolate from it;
// the file also records where the mesh sat, so decode returns the shape at its size and place.
#include "app/cli/Commands.h"
#include "app/cli/commands/ImportCommandOptions.h"
#include "app/cli/commands/ShapeCommandSupport.h"

#include "core/geometry/ShapeMeshing.h"
#include "core/io/MeshImport.h"

#include <iostream>
#include <memory>

namespace lf::cli {

void registerEncodeCommand(CLI::App& app) {
    struct Args {
        std::string model, mesh, out;
        ml::LatentRefinement refinement = ml::kDefaultRefinement;
        ImportArguments import;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("encode", "Encode a closed mesh into a latent JSON file");
    cmd->add_option("--model", a->model, "shape model: package folder or id")->required();
    cmd->add_option("mesh", a->mesh, "mesh file (closed, oriented outward; read +z up, see --up)")->required();
    cmd->add_option("--out", a->out, "latent JSON file to write")->required();
    addRefinementOptions(*cmd, a->refinement);
    addImportOptions(*cmd, a->import);
    cmd->callback([a] {
        const auto model = loadShapeModelArgument(a->model);
        const EncodedShape encoded = encodeMesh(model, importMesh(a->mesh, a->import.options()), a->refinement);
        writeLatentFile(a->out, encoded.latent, &encoded.normalisation);
        std::cout << a->out << ": latent of " << encoded.latent.size() << " values from " << a->mesh
                  << std::endl;
    });
}

}  // namespace lf::cli

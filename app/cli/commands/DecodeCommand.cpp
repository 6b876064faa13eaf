// decode: a latent JSON file (as encode or the GUI writes it) to a mesh file.
#include "app/cli/Commands.h"
#include "app/cli/commands/ShapeCommandSupport.h"

#include "core/geometry/ShapeMeshing.h"

#include <iostream>
#include <memory>

namespace lf::cli {

void registerDecodeCommand(CLI::App& app) {
    struct Args {
        std::string model, latent, out;
        int resolution = 64;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("decode", "Decode a latent JSON file into a mesh");
    cmd->add_option("--model", a->model, "shape model: package folder or id")->required();
    cmd->add_option("latent", a->latent, "latent JSON file")->required();
    cmd->add_option("--resolution", a->resolution, "contouring grid resolution")->check(CLI::Range(8, 512));
    cmd->add_option("--out", a->out, "mesh file; format from the extension (.stl .obj .ply .gltf .glb)")->required();
    cmd->callback([a] {
        const auto model = loadShapeModelArgument(a->model);
        const Mesh mesh = decodeToMesh(model, readLatentFile(a->latent, model.latentSize()), a->resolution);
        std::cout << writeMeshWithSummary(mesh, a->out) << std::endl;
    });
}

}  // namespace lf::cli

// sample: the shape a seed names (the GUI's "random shape" with the same seed and psi), decoded,
// contoured closed, sized in millimetres (--height / --largest, or the GUI's default scale) and exported;
// one summary line on stdout.
#include "app/cli/Commands.h"
#include "app/cli/commands/ShapeCommandSupport.h"

#include "core/geometry/ShapeMeshing.h"

#include <iostream>
#include <memory>
#include <optional>

namespace lf::cli {

void registerSampleCommand(CLI::App& app) {
    struct Args {
        std::string model, out;
        std::uint64_t seed = 0;
        double psi = ml::kDefaultPsi;
        int resolution = 64;
        SizeArguments size;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("sample", "Decode the shape a seed names and export it as a mesh");
    cmd->add_option("--model", a->model, "shape model: package folder or id")->required();
    cmd->add_option("--seed", a->seed, "random seed of the latent")->required();
    cmd->add_option("--psi", a->psi, "truncation towards the mean shape (1: none)")->check(CLI::Range(0.0, 2.0));
    cmd->add_option("--resolution", a->resolution, "contouring grid resolution")->check(CLI::Range(8, 512));
    addSizeOptions(*cmd, a->size, "the shape");
    cmd->add_option("--out", a->out, "mesh file; format from the extension (.stl .obj .ply .gltf .glb)")->required();
    cmd->callback([a] {
        const auto model = loadShapeModelArgument(a->model);
        Mesh mesh = decodeToMesh(model, ml::seededLatent(model, a->seed, a->psi), a->resolution);
        mesh.scale(float(designScale(mesh, a->size)));
        std::cout << writeMeshWithSummary(mesh, a->out) << std::endl;
    });
}

}  // namespace lf::cli

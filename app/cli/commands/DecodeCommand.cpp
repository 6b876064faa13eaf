// decode: a latent JSON file (as encode or the GUI writes it) to a mesh file; an encoded mesh's
// latent comes back at the size and place the mesh had, any other at --height / --largest or the GUI's
// default scale (--normalised: the model's cube).
#include "app/cli/Commands.h"
#include "app/cli/commands/ShapeCommandSupport.h"

#include "core/geometry/ShapeMeshing.h"

#include <iostream>
#include <memory>
#include <optional>

namespace lf::cli {

void registerDecodeCommand(CLI::App& app) {
    struct Args {
        std::string model, latent, out;
        int resolution = 64;
        bool normalised = false;
        SizeArguments size;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("decode", "Decode a latent JSON file into a mesh");
    cmd->add_option("--model", a->model, "shape model: package folder or id")->required();
    cmd->add_option("latent", a->latent, "latent JSON file")->required();
    cmd->add_option("--resolution", a->resolution, "contouring grid resolution")->check(CLI::Range(8, 512));
    auto* normalised = cmd->add_flag("--normalised", a->normalised,
                                     "keep the model's unit cube (no size, no placement)");
    addSizeOptions(*cmd, a->size, "the shape, instead of an encoded mesh's own size and place");
    cmd->get_option("--height")->excludes(normalised);
    cmd->get_option("--largest")->excludes(normalised);
    cmd->add_option("--out", a->out, "mesh file; format from the extension (.stl .obj .ply .gltf .glb)")->required();
    cmd->callback([a] {
        const auto model = loadShapeModelArgument(a->model);
        const LatentFile file = readLatentFile(a->latent, model.latentSize());
        Mesh mesh = decodeToMesh(model, file.latent, a->resolution);
        if (!a->normalised) {
            if (file.placement && !a->size.given())
                for (Vec3f& v : mesh.vertices) v = file.placement->toOriginal(v);  // uniform: normals stay
            else
                mesh.scale(float(designScale(mesh, a->size)));
        }
        std::cout << writeMeshWithSummary(mesh, a->out) << std::endl;
    });
}

}  // namespace lf::cli

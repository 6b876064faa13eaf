// interpolate: N meshes from latent A to latent B (slerp, or lerp with --linear), endpoints
// included, plus interpolation.json listing each step's t and file; the JSON also goes to stdout.
#include "app/cli/Commands.h"
#include "app/cli/commands/CommandSupport.h"
#include "app/cli/commands/ShapeCommandSupport.h"

#include "core/geometry/ShapeMeshing.h"
#include "core/util/AtomicFile.h"
#include "core/util/Error.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

namespace lf::cli {

void registerInterpolateCommand(CLI::App& app) {
    struct Args {
        std::string model, from, to, outDir, format = "stl";
        int steps = 5, resolution = 64;
        double psi = ml::kDefaultPsi;
        bool linear = false;
        SizeArguments size;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("interpolate", "Write the meshes between two latents (seeds or latent JSON files)");
    cmd->add_option("--model", a->model, "shape model: package folder or id")->required();
    cmd->add_option("--from", a->from, "start: an integer seed or a latent JSON file")->required();
    cmd->add_option("--to", a->to, "end: an integer seed or a latent JSON file")->required();
    cmd->add_option("--steps", a->steps, "number of meshes, endpoints included")->check(CLI::Range(2, 1000));
    cmd->add_flag("--linear", a->linear, "linear interpolation instead of spherical (slerp)");
    cmd->add_option("--psi", a->psi, "truncation of seeded endpoints towards the mean shape (as sample)")->check(CLI::Range(0.0, 2.0));
    cmd->add_option("--resolution", a->resolution, "contouring grid resolution")->check(CLI::Range(8, 512));
    cmd->add_option("--out-dir", a->outDir, "folder for step_NN.<format> and interpolation.json (created)")->required();
    cmd->add_option("--format", a->format, "mesh file extension: stl, obj, ply, gltf or glb");
    addSizeOptions(*cmd, a->size,
                    "the first step; every step at its scale (two encoded meshes without it: each step "
                    "between their sizes and places)");
    cmd->callback([a] {
        const auto model = loadShapeModelArgument(a->model);
        const LatentFile from = latentFromSeedOrFile(model, a->from, a->psi);
        const LatentFile to = latentFromSeedOrFile(model, a->to, a->psi);
        // Two encoded meshes: the steps move and grow between where the two meshes sat.
        const bool placed = from.placement && to.placement && !a->size.given();
        double scale = 0;  // mm per model unit of unplaced steps, from the first step
        // Before the decodes, so a bad --out-dir fails fast instead of after the work.
        std::error_code ec;
        std::filesystem::create_directories(a->outDir, ec);
        if (ec) throw Error("--out-dir " + a->outDir + ": cannot create (" + ec.message() + ")");
        nlohmann::json steps = nlohmann::json::array();
        for (int i = 0; i < a->steps; ++i) {
            const double t = double(i) / double(a->steps - 1);
            const auto file = std::filesystem::path(a->outDir) / (formatted("step_%02d.", i) + a->format);
            const ml::Latent z = a->linear ? ml::lerp(from.latent, to.latent, t) : ml::slerp(from.latent, to.latent, t);
            Mesh mesh = decodeToMesh(model, z, a->resolution);
            if (placed) {
                const MeshNormalisation place = interpolatePlacement(*from.placement, *to.placement, t);
                for (Vec3f& v : mesh.vertices) v = place.toOriginal(v);
            } else {
                if (i == 0) scale = designScale(mesh, a->size);
                mesh.scale(float(scale));
            }
            MeshReport report;
            std::cerr << writeMeshWithSummary(mesh, file, &report) << std::endl;
            steps.push_back({{"t", t},
                             {"file", file.string()},
                             {"triangles", mesh.triangles.size()},
                             {"watertight", report.watertight},
                             {"bodies", report.bodies}});
        }
        const nlohmann::json summary = {{"model_id", model.manifest().id},
                                        {"from", a->from},
                                        {"to", a->to},
                                        {"interpolation", a->linear ? "linear" : "spherical"},
                                        {"psi", a->psi},
                                        {"resolution", a->resolution},
                                        {"placed", placed},
                                        {"mm_per_model_unit", placed ? nlohmann::json() : nlohmann::json(scale)},
                                        {"steps", steps}};
        const auto summaryFile = std::filesystem::path(a->outDir) / "interpolation.json";
        writeFileAtomically(summaryFile, summary.dump(2) + "\n");
        std::cout << summary.dump(2) << std::endl;
    });
}

}  // namespace lf::cli

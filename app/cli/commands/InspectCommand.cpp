// `inspect FILE`: imports a mesh and prints its printability report as JSON on stdout.
#include "app/cli/Commands.h"
#include "app/cli/commands/ImportCommandOptions.h"

#include "core/geometry/MeshReport.h"
#include "core/io/MeshImport.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>

namespace lf::cli {

void registerInspectCommand(CLI::App& app) {
    struct Args {
        std::string file;
        ImportArguments import;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand("inspect", "Print a mesh's report (counts, bounds, area, "
                                                  "volume, watertight, manifold...) as JSON");
    cmd->add_option("file", args->file, "Mesh file (STL, OBJ, PLY, OFF, glTF, GLB, ...)")->required();
    addImportOptions(*cmd, args->import);
    cmd->callback([args] {
        ImportOptions options = args->import.options();
        options.computeNormals = false;  // the report does not use them
        const Mesh mesh = importMesh(args->file, options);
        nlohmann::json report = toJson(computeMeshReport(mesh));
        report["file"] = args->file;
        std::cout << report.dump(2) << std::endl;
    });
}

}  // namespace lf::cli

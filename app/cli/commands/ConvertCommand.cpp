// `convert IN OUT`: imports a mesh and exports it in the format OUT's extension names (scaled,
// turned to another up axis, an inside-out mesh turned the right way round).
#include "app/cli/Commands.h"
#include "app/cli/commands/ImportCommandOptions.h"

#include "core/geometry/MeshReport.h"
#include "core/geometry/MeshShells.h"
#include "core/io/MeshExport.h"
#include "core/io/MeshImport.h"
#include "core/util/Error.h"

#include <iostream>
#include <map>
#include <memory>
#include <sstream>

namespace lf::cli {
namespace {

// Mesh coordinates are millimetres; the factor turns them into the target unit.
const std::map<std::string, float> kUnitScale = {
    {"mm", 1.0f}, {"cm", 0.1f}, {"m", 0.001f}, {"in", 1.0f / 25.4f}};

}  // namespace

void registerConvertCommand(CLI::App& app) {
    struct Args {
        std::string input, output, units, outUp;
        float scale = 1.0f;
        bool ascii = false;
        bool orientOutward = false;
        ImportArguments import;
    };
    auto args = std::make_shared<Args>();
    CLI::App* cmd = app.add_subcommand(
        "convert", "Convert a mesh to STL, OBJ, PLY, glTF or GLB (format from OUT's extension)");
    cmd->add_option("input", args->input, "Mesh to read")->required();
    cmd->add_option("output", args->output, "File to write (.stl, .obj, .ply, .gltf, .glb)")->required();
    cmd->add_flag("--ascii", args->ascii, "Write ASCII STL instead of binary");
    auto* scale = cmd->add_option("--scale", args->scale, "Multiply coordinates by S")
                      ->check(CLI::PositiveNumber);
    auto* units = cmd->add_option("--units", args->units,
                                  "Write in these units (the mesh is in millimetres)")
                      ->check(CLI::IsMember({"mm", "cm", "m", "in"}));
    scale->excludes(units);
    cmd->add_option("--out-up", args->outUp,
                    "The written file's up axis, y or z (default: +y for glTF/GLB as the format "
                    "requires, +z for the others; y for tools that assume it, e.g. Blender's OBJ import)")
        ->check(CLI::IsMember({"y", "z"}));
    cmd->add_flag("--orient-outward", args->orientOutward,
                  "Write an inside-out closed mesh (faces pointing inward, as `inspect` reports "
                  "it) with its faces turned outward; refused for a mesh that is not closed");
    addImportOptions(*cmd, args->import);
    cmd->callback([args] {
        const auto format = exportFormatForPath(args->output, args->ascii);
        if (!format)
            throw Error("cannot write " + args->output + ": unknown export format '" +
                        std::filesystem::path(args->output).extension().string() +
                        "' (use .stl, .obj, .ply, .gltf or .glb)");
        if (args->ascii && *format != ExportFormat::StlAscii)
            throw Error("--ascii applies to STL output only, not " + args->output);
        ExportOptions options;
        options.scale = args->units.empty() ? args->scale : kUnitScale.at(args->units);
        options.ascii = args->ascii;
        if (!args->outUp.empty()) options.fileUpAxis = args->outUp == "y" ? UpAxis::Y : UpAxis::Z;
        const UpAxis up = options.fileUpAxis.value_or(conventionalUpAxis(*format));

        Mesh mesh = importMesh(args->input, args->import.options());
        std::string orientation;
        if (args->orientOutward) {
            // Inside and outside need a closed surface: the report's volume says it is one.
            const MeshReport report = computeMeshReport(mesh);
            if (!report.volume)
                throw Error("cannot orient " + args->input +
                            ": it is not a closed, orientable surface, so it has no inside to "
                            "face away from (run inspect); nothing written");
            // Shell by shell: a file with one part saved the wrong way round gets that part turned.
            const std::size_t turned = orientShellsOutward(mesh);
            orientation = turned == 0      ? ", faces already outward"
                          : report.insideOut ? ", faces turned outward"
                                             : ", " + std::to_string(turned) + " of " +
                                                   std::to_string(report.bodies + report.innerVoids) +
                                                   " shells turned outward";
        }
        exportMesh(mesh, args->output, *format, options);

        std::string formatName;
        for (const auto& info : exportFormats())
            if (info.format == *format) formatName = info.name;
        std::ostringstream line;
        line << "converted " << args->input << " -> " << args->output << " (" << formatName << ", "
             << mesh.triangleCount() << " triangles, " << mesh.vertexCount() << " vertices, scale "
             << options.scale << ", +" << (up == UpAxis::Y ? "y" : "z") << " up" << orientation << ")";
        std::cout << line.str() << std::endl;
    });
}

}  // namespace lf::cli

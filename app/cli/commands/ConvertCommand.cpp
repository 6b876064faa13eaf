// `convert IN OUT`: imports a mesh and exports it in the format OUT's extension names.
#include "app/cli/Commands.h"
#include "app/cli/commands/ImportCommandOptions.h"

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

        const Mesh mesh = importMesh(args->input, args->import.options());
        exportMesh(mesh, args->output, *format, options);

        std::string formatName;
        for (const auto& info : exportFormats())
            if (info.format == *format) formatName = info.name;
        std::ostringstream line;
        line << "converted " << args->input << " -> " << args->output << " (" << formatName << ", "
             << mesh.triangleCount() << " triangles, " << mesh.vertexCount() << " vertices, scale "
             << options.scale << ", +" << (up == UpAxis::Y ? "y" : "z") << " up)";
        std::cout << line.str() << std::endl;
    });
}

}  // namespace lf::cli

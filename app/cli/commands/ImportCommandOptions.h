#pragma once
// Command-line options for reading a mesh (limits, the file's up axis), shared by every command
// that reads one.
#include "core/io/MeshImport.h"

#include <CLI/CLI.hpp>

#include <string>

namespace lf::cli {

struct ImportArguments {
    ImportLimits limits;
    std::string up;  // "", "y" or "z"

    ImportOptions options() const {
        ImportOptions o;
        o.limits = limits;
        if (!up.empty()) o.fileUpAxis = up == "y" ? UpAxis::Y : UpAxis::Z;
        return o;
    }
};

inline void addImportOptions(CLI::App& command, ImportArguments& arguments) {
    command.add_option("--max-triangles", arguments.limits.maxTriangles,
                       "Refuse meshes with more triangles than this")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command.add_option("--max-file-bytes", arguments.limits.maxFileBytes,
                       "Refuse files larger than this many bytes")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command.add_option("--up", arguments.up,
                       "The file's up axis, y or z (default: +y for glTF/GLB as the format "
                       "requires, +z for the others); meshes are read turned +z up")
        ->check(CLI::IsMember({"y", "z"}));
}

}  // namespace lf::cli

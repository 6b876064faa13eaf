#pragma once
// Command-line options for the import limits, shared by every command that reads a mesh.
#include "core/io/MeshImport.h"

#include <CLI/CLI.hpp>

namespace lf::cli {

inline void addImportLimitOptions(CLI::App& command, ImportLimits& limits) {
    command.add_option("--max-triangles", limits.maxTriangles,
                       "Refuse meshes with more triangles than this")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    command.add_option("--max-file-bytes", limits.maxFileBytes,
                       "Refuse files larger than this many bytes")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
}

}  // namespace lf::cli

#pragma once
// Internal to core/io (and tests/bench): runs one of Assimp's exporters into memory, so that
// MeshExport can write every produced file atomically with checked writes.
#include "core/mesh/Mesh.h"

#include <filesystem>
#include <map>
#include <string>

namespace lf::detail {

// Exports `mesh` (in `frame`: turned to the file's up axis and scaled, without copying the
// mesh) with the Assimp exporter `formatId`
// ("stl", "obj", "plyb", "gltf2", ...) as if to `target`; returns every file the exporter
// produced (the main file and e.g. an .mtl or .bin next to it), keyed by absolute path.
// Throws lf::Error naming `target` on failure. Nothing touches the disk.
std::map<std::filesystem::path, std::string> exportWithAssimpToMemory(
    const Mesh& mesh, const std::filesystem::path& target, const char* formatId, const FileFrame& frame = {});

}  // namespace lf::detail

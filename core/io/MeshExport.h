#pragma once
// Mesh export: STL binary (default) / ASCII, OBJ (+MTL when there is material), PLY binary,
// glTF 2 (.gltf / .glb). Every write is atomic (core/util/AtomicFile.h).
#include "core/mesh/Mesh.h"

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lf {

enum class ExportFormat { StlBinary, StlAscii, Obj, PlyBinary, Gltf, Glb };

struct ExportOptions {
    // Mesh coordinates are millimetres; the file gets coordinates * scale (e.g. 0.001 for metres).
    float scale = 1.0f;
    bool ascii = false;  // STL only: ASCII instead of binary
    // The file's up axis (the mesh is +z up, the app's world); default: the format's convention.
    // +y up suits tools that assume it for OBJ/STL/PLY (Blender, game engines); glTF can only be
    // +y up.
    std::optional<UpAxis> fileUpAxis;
};

// +y for glTF/GLB (their specification), +z for STL, OBJ and PLY (as CAD and printing tools
// read them).
UpAxis conventionalUpAxis(ExportFormat format);

struct ExportFormatInfo {
    ExportFormat format;
    std::string name;       // "STL (binary)"
    std::string extension;  // ".stl"
};
const std::vector<ExportFormatInfo>& exportFormats();

// From the extension (".stl" -> StlBinary, or StlAscii when options.ascii); nullopt if unknown.
std::optional<ExportFormat> exportFormatForPath(const std::filesystem::path& file, bool ascii = false);

// Throws lf::Error naming the file and the cause; an existing file at `file` stays intact then.
void exportMesh(const Mesh& mesh, const std::filesystem::path& file, ExportFormat format,
                const ExportOptions& options = {});
// Picks the format from the extension.
void exportMesh(const Mesh& mesh, const std::filesystem::path& file, const ExportOptions& options = {});

}  // namespace lf

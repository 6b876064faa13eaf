#pragma once
// Mesh import through Assimp: STL (ASCII/binary), OBJ, PLY, OFF, glTF 2 / GLB and anything else
// Assimp reads. Triangulates, joins identical vertices and validates the data structure.
#include "core/mesh/Mesh.h"

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace lf {

struct ImportLimits {
    std::uint64_t maxFileBytes = 512ull << 20;  // 512 MiB
    std::uint64_t maxTriangles = 20'000'000;
    // Only with ImportOptions::isolateParser: memory the parser may allocate, and its time.
    std::uint64_t maxParserMemoryBytes = 8ull << 30;  // 8 GiB
    double maxParserSeconds = 120;
};

struct ImportOptions {
    ImportLimits limits;
    bool computeNormals = true;  // smooth vertex normals when the file has none
    // Parse in a forked child process (core/io/IsolatedRun.h), so that a crash or endless loop
    // in Assimp on a corrupt file becomes an lf::Error. Off only for debugging the parser.
    bool isolateParser = true;
    // The file's up axis; the mesh comes out turned +z up, the app's (Mesh.h). Unset: the
    // format's convention, +y for glTF, +z for the rest. Set it for e.g. an OBJ written +y up.
    std::optional<UpAxis> fileUpAxis;
};

// Reads every mesh of the file's scene, with node transforms applied, into one Mesh.
// Throws lf::Error whose message names the file, the format and what was wrong
// (missing, too large, unsupported, empty, malformed, over the triangle cap, out of memory,
// parser crashed or ran out of time).
Mesh importMesh(const std::filesystem::path& file, const ImportOptions& options = {});

// File-dialog filter patterns of the formats importMesh accepts, e.g. {"*.stl", "*.obj", ...}.
std::vector<std::string> importPatterns();

}  // namespace lf

#pragma once
// Internal to core/io (and tests/bench): our own writers for the formats whose Assimp exporter
// measured far slower than the disk on million-triangle meshes (tests/bench/bench_meshio.cpp):
// binary STL, ASCII STL and OBJ. They stream through a 1 MiB buffer (no whole-file copy in
// memory) and check every write, so a full disk surfaces as lf::Error naming the file.
// Callers wrap them in lf::writeFileAtomically; they write exactly the path they are given.
#include "core/mesh/Mesh.h"

#include <filesystem>
#include <string>

namespace lf::detail {

// Each writes the mesh's coordinates in `frame` (its up axis and unit scale).
void writeBinaryStl(const std::filesystem::path& file, const Mesh& mesh, const FileFrame& frame);
void writeAsciiStl(const std::filesystem::path& file, const Mesh& mesh, const FileFrame& frame);
// Positions, vertex colours ("v x y z r g b"), texture coordinates, normals.
// With a non-empty `materialLibrary` the OBJ references it ("mtllib" + "usemtl default").
void writeObj(const std::filesystem::path& file, const Mesh& mesh, const FileFrame& frame,
              const std::string& materialLibrary);
// The .mtl for writeObj: one material "default" whose diffuse colour is the mean vertex colour.
void writeMtl(const std::filesystem::path& file, const Mesh& mesh);

// Writes `bytes` with checked writes (short write, flush, close).
void writeBytes(const std::filesystem::path& file, const std::string& bytes);

}  // namespace lf::detail

#pragma once
// Connected shells of a closed triangle mesh and their signed volumes, and the clean-up that a
// decoded shape gets before it is shown or exported: a network's SDF decode leaves specks (a few
// voxels whose sign flipped: measured on shapes-default samples, shells of 8-200 triangles next
// to a 20 000-40 000 triangle part), which would make a printable part "several components".
#include "core/mesh/Mesh.h"

#include <cstddef>
#include <vector>

namespace lf {

struct MeshShell {
    std::vector<std::size_t> triangles;  // indices into mesh.triangles
    double signedVolume = 0;             // > 0 encloses material (outward faces), < 0 a void
};

// The volume the whole mesh encloses, signed: > 0 when it faces outward, < 0 when it is inside
// out. Meaningful for a closed mesh.
double signedVolume(const Mesh& mesh);

// Shells = sets of triangles connected through shared vertex indices.
std::vector<MeshShell> meshShells(const Mesh& mesh);

// Shells around material (bodies) and around voids. The mesh is taken as facing outward overall
// (an inside-out mesh counts the same); a shell of zero volume counts as neither. Only meaningful
// for a closed mesh (MeshReport counts when it is watertight).
struct BodyCount {
    std::size_t bodies = 0;
    std::size_t voids = 0;
};
BodyCount countBodies(const std::vector<MeshShell>& shells);

// Removes every shell whose |signed volume| is below `relativeVolume` times the largest shell's
// (material specks and pinhole voids alike) and the vertices only they used; keeps attributes
// of the kept vertices. Returns the number of shells removed. A mesh with one shell is untouched.
std::size_t removeSmallShells(Mesh& mesh, double relativeVolume);

}  // namespace lf

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

// Vertices welded by position: for each vertex, the number of the first vertex at its position
// (numbered 0 .. count - 1 in order of appearance). Imported files repeat a corner once per
// normal or texture coordinate; welded, such a mesh is connected again.
struct PositionWeld {
    std::vector<std::uint32_t> index;
    std::size_t count = 0;
};
PositionWeld weldByPosition(const Mesh& mesh);

// Shells = sets of triangles connected through shared vertex indices.
std::vector<MeshShell> meshShells(const Mesh& mesh);

// How many other closed shells enclose each shell (a point of it lies inside them), by ray
// parity. Even depth bounds material, odd depth a sealed void (a cavity; a part inside the
// cavity is at depth 2). Open shells enclose nothing. Meaningful when shells do not cross.
std::vector<int> shellDepths(const Mesh& mesh, const std::vector<MeshShell>& shells);

// Shells around material (bodies) and around voids, by their nesting, so a shell saved the
// wrong way round is still counted as what it is; and the shells whose faces point the wrong
// way for their place (a body with negative volume, a void with positive). A shell of zero
// volume counts as none of these. Only meaningful for a closed mesh (MeshReport counts when it
// is watertight).
struct BodyCount {
    std::size_t bodies = 0;
    std::size_t voids = 0;
    std::size_t facingInward = 0;
    double volume = 0;  // of the material: the bodies' volumes less the voids'
};
BodyCount countBodies(const Mesh& mesh, const std::vector<MeshShell>& shells);

// Turns round every shell that faces the wrong way for its nesting (faces and the normals of
// its vertices): a body's faces then point out of the material, a void's into the void.
// Shells here join vertices at the same position (an imported file repeats a vertex per
// normal or texture coordinate). Returns the number of shells turned; a mesh already facing
// outward is untouched.
std::size_t orientShellsOutward(Mesh& mesh);

// Removes every shell whose |signed volume| is below `relativeVolume` times the largest shell's
// (material specks and pinhole voids alike) and the vertices only they used; keeps attributes
// of the kept vertices. Returns the number of shells removed. A mesh with one shell is untouched.
std::size_t removeSmallShells(Mesh& mesh, double relativeVolume);

}  // namespace lf

#pragma once
// SDF grids <-> triangle meshes. Contouring extracts the zero level set with VTK's flying edges;
// the reverse samples a mesh's signed distance with Open3D's RaycastingScene closest-point
// queries (Embree).
#include "core/mesh/Mesh.h"
#include "core/procedural/SdfGrid.h"

namespace lf {

// The zero level set of `grid` (isoValue may pick another level) in the grid's coordinates
// ([-1,1]^3), triangles oriented outward (towards positive values) with vertex normals. An
// all-positive or all-negative grid gives an empty mesh. Surfaces cut by the grid's border stay
// open there. Throws lf::Error for an inconsistent grid (values.size() != resolution^3).
Mesh contourSdfGrid(const SdfGrid& grid, float isoValue = 0.0f);

// How a mesh was mapped into the unit cube: normalised = (original - centre) * scale.
struct MeshNormalisation {
    Vec3f centre{0, 0, 0};
    float scale = 1;
    Vec3f toNormalised(const Vec3f& p) const {
        return {(p[0] - centre[0]) * scale, (p[1] - centre[1]) * scale, (p[2] - centre[2]) * scale};
    }
    Vec3f toOriginal(const Vec3f& p) const {
        return {p[0] / scale + centre[0], p[1] / scale + centre[1], p[2] / scale + centre[2]};
    }
};

struct MeshSdfGrid {
    SdfGrid grid;
    MeshNormalisation normalisation;
};

// Centres the mesh's bounding box and scales its largest half extent to 1 - margin (the same
// normalisation as the procedural shapes), then samples the signed distance on the grid
// (layout of SdfGrid). Distances come from Open3D's RaycastingScene (closest points); the sign
// from angle-weighted pseudonormals, so the mesh must be closed and oriented outward (as
// contourSdfGrid's output is); vertices are welded by position first.
// Throws lf::Error for an empty or degenerate (zero-size) mesh or a bad resolution/truncation.
MeshSdfGrid meshToSdfGrid(const Mesh& mesh, int resolution, float truncation,
                          float margin = 0.1f);

}  // namespace lf

#pragma once
// SDF grids <-> triangle meshes. Contouring extracts the zero level set with VTK's flying edges;
// the reverse samples a mesh's signed distance with Open3D's RaycastingScene closest-point
// queries (Embree).
#include "core/mesh/Mesh.h"
#include "core/procedural/SdfGrid.h"

namespace lf {

// What contourSdfGrid does where the surface meets the grid's border.
enum class SdfContourBorder {
    Open,    // surfaces cut by the border stay open there; samples are contoured as they are
    Closed,  // closed, sliver-free output for printing (see closeSdfGridForContour)
};

// The zero level set of `grid` (isoValue may pick another level) in the grid's coordinates
// ([-1,1]^3), triangles oriented outward (towards positive values) with vertex normals. An
// all-positive or all-negative grid gives an empty mesh. With SdfContourBorder::Open, surfaces
// cut by the grid's border stay open there; with Closed the contour is of a copy prepared by
// closeSdfGridForContour. Throws lf::Error for an inconsistent grid (values.size() != resolution^3).
Mesh contourSdfGrid(const SdfGrid& grid, float isoValue = 0.0f,
                    SdfContourBorder border = SdfContourBorder::Open);

// Prepares a grid (e.g. a network's decode) for contouring into a printable mesh:
// - a shape may reach the grid's faces, where contouring leaves it open: the outermost samples
//   are set outside (at least isoValue + truncation), so the surface is capped half a voxel
//   inside the cube and always closed;
// - samples within 1% of a voxel of the iso value are pushed off it. Flying edges puts a vertex
//   almost exactly on such a sample for each of its edges; those sliver triangles (measured on
//   decodes resampled to 64^3/96^3) made Open3D's self-intersection test fail, i.e. the export
//   "not watertight". The surface moves by at most 1% of a voxel.
void closeSdfGridForContour(SdfGrid& grid, float isoValue = 0.0f);

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

// Between two sizes a and b > 0 geometrically (a steady size ratio per step), exactly a at t = 0
// and b at t = 1.
double interpolateScale(double a, double b, double t);
// Between two placements: centres linearly, scales by interpolateScale.
MeshNormalisation interpolatePlacement(const MeshNormalisation& a, const MeshNormalisation& b, double t);

struct MeshSdfGrid {
    SdfGrid grid;
    MeshNormalisation normalisation;
};

// Centres the mesh's bounding box and scales its largest half extent to 1 - margin (the same
// normalisation as the procedural shapes), then samples the signed distance on the grid
// (layout of SdfGrid). Distances come from Open3D's RaycastingScene (closest points); the sign
// from angle-weighted pseudonormals, so the mesh must be closed; shells facing inward (a
// flipped export, or one part of a file saved the wrong way round) are turned outward first
// (orientShellsOutward); vertices are welded by position.
// Throws lf::Error for an empty or degenerate (zero-size) mesh or a bad resolution/truncation.
MeshSdfGrid meshToSdfGrid(const Mesh& mesh, int resolution, float truncation,
                          float margin = 0.1f);

}  // namespace lf

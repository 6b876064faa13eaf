#include "core/geometry/SdfContour.h"

#include "core/geometry/MeshShells.h"

#include "core/util/Error.h"

#include <open3d/core/Tensor.h>
#include <open3d/t/geometry/RaycastingScene.h>
#include <vtkCellArray.h>
#include <vtkFloatArray.h>
#include <vtkFlyingEdges3D.h>
#include <vtkIdList.h>
#include <vtkImageData.h>
#include <vtkNew.h>
#include <vtkPointData.h>
#include <vtkPoints.h>
#include <vtkPolyData.h>

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace lf {
namespace {

// Angle-weighted pseudonormals (Baerentzen & Aanaes 2005): for a closed, outward-oriented mesh,
// the sign of dot(p - closest, pseudonormal of the closest feature) is the inside/outside sign,
// also when the closest point is on an edge or a vertex. Vertices are welded by position first,
// so meshes with split vertices (STL) work too.
class PseudoNormals {
public:
    explicit PseudoNormals(const Mesh& mesh) : triangles_(mesh.triangles) {
        const PositionWeld welded = weldByPosition(mesh);
        weld_ = welded.index;
        vertexNormals_.assign(welded.count, Vec3f{0, 0, 0});
        faceNormals_.resize(triangles_.size());
        for (std::size_t t = 0; t < triangles_.size(); ++t) {
            const Triangle& tri = triangles_[t];
            const Vec3f n = unit(cross(sub(mesh.vertices[tri[1]], mesh.vertices[tri[0]]),
                                       sub(mesh.vertices[tri[2]], mesh.vertices[tri[0]])));
            faceNormals_[t] = n;
            for (int k = 0; k < 3; ++k) {
                const Vec3f& a = mesh.vertices[tri[k]];
                const Vec3f e1 = unit(sub(mesh.vertices[tri[(k + 1) % 3]], a));
                const Vec3f e2 = unit(sub(mesh.vertices[tri[(k + 2) % 3]], a));
                const float angle = std::acos(std::clamp(dot(e1, e2), -1.f, 1.f));
                Vec3f& vn = vertexNormals_[weld_[tri[k]]];
                for (int c = 0; c < 3; ++c) vn[c] += angle * n[c];
                Vec3f& en = edgeNormals_[edgeKey(tri[k], tri[(k + 1) % 3])];
                for (int c = 0; c < 3; ++c) en[c] += n[c];
            }
        }
    }
    // Pseudonormal at the closest point given by triangle and Embree barycentrics
    // (point = (1 - u - v) a + u b + v c).
    Vec3f at(std::uint32_t triangle, float u, float v) const {
        if (triangle >= triangles_.size()) return {0, 0, 0};
        const Triangle& tri = triangles_[triangle];
        const float w[3] = {1 - u - v, u, v};
        constexpr float eps = 1e-5f;
        int onFeature[3], count = 0;
        for (int k = 0; k < 3; ++k)
            if (w[k] > eps) onFeature[count++] = k;
        if (count == 1) return vertexNormals_[weld_[tri[onFeature[0]]]];
        if (count == 2) {
            const auto it = edgeNormals_.find(edgeKey(tri[onFeature[0]], tri[onFeature[1]]));
            if (it != edgeNormals_.end()) return it->second;
        }
        return faceNormals_[triangle];
    }

private:
    static Vec3f sub(const Vec3f& a, const Vec3f& b) { return {a[0] - b[0], a[1] - b[1], a[2] - b[2]}; }
    static Vec3f cross(const Vec3f& a, const Vec3f& b) {
        return {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }
    static float dot(const Vec3f& a, const Vec3f& b) { return a[0] * b[0] + a[1] * b[1] + a[2] * b[2]; }
    static Vec3f unit(const Vec3f& a) {
        const float l = std::sqrt(dot(a, a));
        return l > 0 ? Vec3f{a[0] / l, a[1] / l, a[2] / l} : Vec3f{0, 0, 0};
    }
    std::uint64_t edgeKey(std::uint32_t a, std::uint32_t b) const {
        a = weld_[a], b = weld_[b];
        return (std::uint64_t(std::min(a, b)) << 32) | std::max(a, b);
    }

    const std::vector<Triangle>& triangles_;
    std::vector<std::uint32_t> weld_;
    std::vector<Vec3f> faceNormals_, vertexNormals_;
    std::unordered_map<std::uint64_t, Vec3f> edgeNormals_;
};

}  // namespace

void closeSdfGridForContour(SdfGrid& grid, float isoValue) {
    const int r = grid.resolution;
    if (r < 2 || grid.values.size() != std::size_t(r) * r * r)
        throw Error("SDF grid: " + std::to_string(grid.values.size()) +
                    " values do not match resolution " + std::to_string(r));
    const float outside = isoValue + (grid.truncation > 0 ? grid.truncation : 1.0f);
    const float eps = 0.01f * grid.spacing();
    for (float& v : grid.values)
        if (std::abs(v - isoValue) < eps) v = v < isoValue ? isoValue - eps : isoValue + eps;
    for (int z = 0; z < r; ++z)
        for (int y = 0; y < r; ++y)
            for (int x = 0; x < r; ++x) {
                if (x != 0 && y != 0 && z != 0 && x != r - 1 && y != r - 1 && z != r - 1) {
                    x = r - 2;  // skip the interior of this row
                    continue;
                }
                float& v = grid.values[grid.index(x, y, z)];
                v = std::max(v, outside);
            }
}

Mesh contourSdfGrid(const SdfGrid& grid, float isoValue, SdfContourBorder border) {
    if (border == SdfContourBorder::Closed) {
        SdfGrid closed = grid;
        closeSdfGridForContour(closed, isoValue);
        return contourSdfGrid(closed, isoValue, SdfContourBorder::Open);
    }
    const int R = grid.resolution;
    if (R < 2 || grid.values.size() != std::size_t(R) * R * R)
        throw Error("SDF grid: " + std::to_string(grid.values.size()) +
                    " values do not match resolution " + std::to_string(R));

    vtkNew<vtkImageData> image;
    image->SetDimensions(R, R, R);
    // Cell-centred samples: the first sits half a voxel inside the cube.
    const double h = grid.spacing();
    image->SetSpacing(h, h, h);
    image->SetOrigin(grid.coordinate(0), grid.coordinate(0), grid.coordinate(0));
    vtkNew<vtkFloatArray> scalars;
    scalars->SetName("sdf");
    scalars->SetNumberOfComponents(1);
    scalars->SetNumberOfTuples(vtkIdType(grid.values.size()));
    // Same x-fastest order as SdfGrid.
    std::copy(grid.values.begin(), grid.values.end(), scalars->GetPointer(0));
    image->GetPointData()->SetScalars(scalars);

    vtkNew<vtkFlyingEdges3D> contour;
    contour->SetInputData(image);
    contour->SetValue(0, isoValue);
    contour->ComputeNormalsOff();  // ours are computed from the final, oriented triangles
    contour->ComputeGradientsOff();
    contour->ComputeScalarsOff();
    contour->Update();
    vtkPolyData* poly = contour->GetOutput();

    Mesh mesh;
    vtkPoints* points = poly->GetPoints();
    const vtkIdType pointCount = points ? points->GetNumberOfPoints() : 0;
    mesh.vertices.resize(std::size_t(pointCount));
    for (vtkIdType i = 0; i < pointCount; ++i) {
        double p[3];
        points->GetPoint(i, p);
        mesh.vertices[std::size_t(i)] = {float(p[0]), float(p[1]), float(p[2])};
    }
    vtkCellArray* polys = poly->GetPolys();
    vtkNew<vtkIdList> ids;
    polys->InitTraversal();
    while (polys->GetNextCell(ids)) {
        if (ids->GetNumberOfIds() != 3) continue;  // flying edges emits triangles only
        mesh.triangles.push_back({std::uint32_t(ids->GetId(0)), std::uint32_t(ids->GetId(1)),
                                  std::uint32_t(ids->GetId(2))});
    }
    if (mesh.triangles.empty()) return mesh;

    // Orientation: check each triangle's winding against the SDF gradient (outward = towards
    // larger values), by majority, so the result does not depend on VTK's case-table convention.
    long agree = 0;
    const auto sample = [&](float x, float y, float z) {
        const auto idx = [&](float c) {
            return std::clamp(int(std::floor((c + 1.0f) / float(h) - 0.5f)), 0, R - 2);
        };
        // Trilinear interpolation of the grid at (x, y, z).
        const int ix = idx(x), iy = idx(y), iz = idx(z);
        const float fx = std::clamp((x - grid.coordinate(ix)) / float(h), 0.f, 1.f);
        const float fy = std::clamp((y - grid.coordinate(iy)) / float(h), 0.f, 1.f);
        const float fz = std::clamp((z - grid.coordinate(iz)) / float(h), 0.f, 1.f);
        float v = 0;
        for (int c = 0; c < 8; ++c) {
            const int dx = c & 1, dy = (c >> 1) & 1, dz = (c >> 2) & 1;
            v += grid.at(ix + dx, iy + dy, iz + dz) * (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy) *
                 (dz ? fz : 1 - fz);
        }
        return v;
    };
    for (std::size_t t = 0; t < mesh.triangles.size(); t += 7) {  // a sparse sample suffices
        const Vec3f& a = mesh.vertices[mesh.triangles[t][0]];
        const Vec3f& b = mesh.vertices[mesh.triangles[t][1]];
        const Vec3f& c = mesh.vertices[mesh.triangles[t][2]];
        const float ux = b[0] - a[0], uy = b[1] - a[1], uz = b[2] - a[2];
        const float vx = c[0] - a[0], vy = c[1] - a[1], vz = c[2] - a[2];
        float nx = uy * vz - uz * vy, ny = uz * vx - ux * vz, nz = ux * vy - uy * vx;
        const float len = std::sqrt(nx * nx + ny * ny + nz * nz);
        if (len <= 0) continue;
        const float step = 0.25f * float(h) / len;
        nx *= step, ny *= step, nz *= step;
        const float cx = (a[0] + b[0] + c[0]) / 3, cy = (a[1] + b[1] + c[1]) / 3,
                    cz = (a[2] + b[2] + c[2]) / 3;
        agree += sample(cx + nx, cy + ny, cz + nz) > sample(cx - nx, cy - ny, cz - nz) ? 1 : -1;
    }
    if (agree < 0)
        for (Triangle& t : mesh.triangles) std::swap(t[1], t[2]);
    mesh.computeVertexNormals();
    return mesh;
}

MeshSdfGrid meshToSdfGrid(const Mesh& input, int resolution, float truncation, float margin) {
    if (input.empty()) throw Error("mesh to SDF: the mesh has no triangles");
    input.validate();
    if (resolution < 2 || resolution > 1024)
        throw Error("mesh to SDF: resolution " + std::to_string(resolution) + " is outside [2, 1024]");
    if (!(truncation > 0)) throw Error("mesh to SDF: truncation must be positive");
    if (!(margin >= 0 && margin < 1)) throw Error("mesh to SDF: margin must be in [0, 1)");

    // Pseudonormals (below) need every shell facing outward: a shell saved the wrong way round
    // (or all of them, a flipped export) would get its signs the wrong way round.
    Mesh mesh = input;
    orientShellsOutward(mesh);

    const BoundingBox box = mesh.bounds();
    const Vec3f size = box.size();
    const float halfExtent = std::max({size[0], size[1], size[2]}) / 2;
    if (!(halfExtent > 0)) throw Error("mesh to SDF: the mesh has zero size");
    MeshSdfGrid result;
    result.normalisation.centre = box.center();
    result.normalisation.scale = (1.0f - margin) / halfExtent;

    namespace core = open3d::core;
    const std::int64_t nv = std::int64_t(mesh.vertices.size());
    const std::int64_t nt = std::int64_t(mesh.triangles.size());
    core::Tensor vertices({nv, 3}, core::Float32);
    float* v = vertices.GetDataPtr<float>();
    for (std::int64_t i = 0; i < nv; ++i) {
        const Vec3f p = result.normalisation.toNormalised(mesh.vertices[std::size_t(i)]);
        std::copy(p.begin(), p.end(), v + 3 * i);
    }
    core::Tensor triangles({nt, 3}, core::UInt32);
    std::uint32_t* t = triangles.GetDataPtr<std::uint32_t>();
    for (std::int64_t i = 0; i < nt; ++i)
        std::copy(mesh.triangles[std::size_t(i)].begin(), mesh.triangles[std::size_t(i)].end(),
                  t + 3 * i);

    SdfGrid& grid = result.grid;
    grid.resolution = resolution;
    grid.truncation = truncation;
    const std::int64_t cells = std::int64_t(resolution) * resolution * resolution;
    core::Tensor queries({cells, 3}, core::Float32);
    float* q = queries.GetDataPtr<float>();
    for (int iz = 0; iz < resolution; ++iz)
        for (int iy = 0; iy < resolution; ++iy)
            for (int ix = 0; ix < resolution; ++ix) {
                float* out = q + 3 * grid.index(ix, iy, iz);
                out[0] = grid.coordinate(ix), out[1] = grid.coordinate(iy), out[2] = grid.coordinate(iz);
            }

    open3d::t::geometry::RaycastingScene scene;
    scene.AddTriangles(vertices, triangles);
    // Distance and closest triangle from Open3D; the sign from angle-weighted pseudonormals.
    // (Open3D's own ComputeSignedDistance counts ray hits, and ray casting finds no hits with
    // Debian's Embree 3.13 build - every sign came out positive.)
    const auto closest = scene.ComputeClosestPoints(queries);
    const core::Tensor points = closest.at("points").Contiguous();
    const core::Tensor primitives = closest.at("primitive_ids").Contiguous();
    const core::Tensor uvs = closest.at("primitive_uvs").Contiguous();
    const float* cp = points.GetDataPtr<float>();
    const std::uint32_t* prim = primitives.GetDataPtr<std::uint32_t>();
    const float* uv = uvs.GetDataPtr<float>();
    const PseudoNormals normals(mesh);
    grid.values.resize(std::size_t(cells));
    for (std::int64_t i = 0; i < cells; ++i) {
        const float dx = q[3 * i] - cp[3 * i], dy = q[3 * i + 1] - cp[3 * i + 1],
                    dz = q[3 * i + 2] - cp[3 * i + 2];
        const float distance = std::sqrt(dx * dx + dy * dy + dz * dz);
        const Vec3f n = normals.at(prim[i], uv[2 * i], uv[2 * i + 1]);
        const float side = dx * n[0] + dy * n[1] + dz * n[2];
        grid.values[std::size_t(i)] = std::clamp(side < 0 ? -distance : distance, -truncation, truncation);
    }
    return result;
}

double interpolateScale(double a, double b, double t) {
    if (t == 0) return a;  // exact endpoints: the ends of an interpolation are the decodes of its ends
    if (t == 1) return b;
    return a * std::pow(b / a, t);
}

MeshNormalisation interpolatePlacement(const MeshNormalisation& a, const MeshNormalisation& b, double t) {
    if (t == 0) return a;
    if (t == 1) return b;
    MeshNormalisation m;
    for (int i = 0; i < 3; ++i) m.centre[i] = float(a.centre[i] + t * (b.centre[i] - a.centre[i]));
    m.scale = float(interpolateScale(a.scale, b.scale, t));
    return m;
}

}  // namespace lf

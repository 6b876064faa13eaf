#include "core/geometry/MeshReport.h"

#include "core/geometry/MeshShells.h"

#include <nlohmann/json.hpp>
#include <open3d/geometry/IntersectionTest.h>
#include <open3d/geometry/TriangleMesh.h>
#include <open3d/utility/Logging.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <tuple>

namespace lf {
namespace {

using Vec3d = Eigen::Vector3d;

bool repeatsAVertex(const Triangle& t) { return t[0] == t[1] || t[1] == t[2] || t[0] == t[2]; }

// Triangles that repeat a vertex index are left out: they have no area and no edges of their
// own, and Open3D's vertex-manifold test dereferences an empty edge map on them (segfault,
// found by fuzzing STL files whose facets repeat a corner).
open3d::geometry::TriangleMesh toOpen3d(const Mesh& mesh) {
    open3d::geometry::TriangleMesh o3d;
    o3d.vertices_.reserve(mesh.vertices.size());
    for (const Vec3f& v : mesh.vertices) o3d.vertices_.emplace_back(v[0], v[1], v[2]);
    o3d.triangles_.reserve(mesh.triangles.size());
    for (const Triangle& t : mesh.triangles)
        if (!repeatsAVertex(t))
            o3d.triangles_.emplace_back(static_cast<int>(t[0]), static_cast<int>(t[1]),
                                        static_cast<int>(t[2]));
    return o3d;
}

// Same question as Open3D's IsSelfIntersecting (any two triangles that share no vertex and
// intersect, decided by Open3D's triangle-triangle test), but with a uniform grid instead of
// testing all n^2 pairs: Open3D takes hours on the million-triangle meshes the models produce.
class SelfIntersectionFinder {
public:
    explicit SelfIntersectionFinder(const open3d::geometry::TriangleMesh& mesh) : m_(mesh) {}

    bool run() {
        const std::size_t n = m_.triangles_.size();
        if (n < 2) return false;
        boxMin_.resize(n);
        boxMax_.resize(n);
        Vec3d lo = Vec3d::Constant(std::numeric_limits<double>::infinity());
        Vec3d hi = -lo;
        double extentSum = 0;
        for (std::size_t t = 0; t < n; ++t) {
            const auto& tri = m_.triangles_[t];
            const Vec3d& a = m_.vertices_[tri(0)];
            const Vec3d& b = m_.vertices_[tri(1)];
            const Vec3d& c = m_.vertices_[tri(2)];
            boxMin_[t] = a.cwiseMin(b).cwiseMin(c);
            boxMax_[t] = a.cwiseMax(b).cwiseMax(c);
            lo = lo.cwiseMin(boxMin_[t]);
            hi = hi.cwiseMax(boxMax_[t]);
            extentSum += (boxMax_[t] - boxMin_[t]).maxCoeff();
        }
        origin_ = lo;
        // Cells about twice the mean triangle size, but never more than 2^20 per axis.
        const double span = (hi - lo).maxCoeff();
        cell_ = std::max({2 * extentSum / static_cast<double>(n), span / double(1 << 20), 1e-12});

        // (cell key, triangle) for every cell a triangle's box overlaps; triangles spanning very
        // many cells are tested against everyone instead (rare: long slivers, huge faces).
        std::vector<std::pair<std::uint64_t, std::uint32_t>> entries;
        entries.reserve(n * 2);
        std::vector<std::uint32_t> large;
        for (std::size_t t = 0; t < n; ++t) {
            const auto c0 = cellOf(boxMin_[t]), c1 = cellOf(boxMax_[t]);
            const std::uint64_t cells = std::uint64_t(c1[0] - c0[0] + 1) *
                                        std::uint64_t(c1[1] - c0[1] + 1) *
                                        std::uint64_t(c1[2] - c0[2] + 1);
            if (cells > 64) {
                large.push_back(static_cast<std::uint32_t>(t));
                continue;
            }
            for (std::uint32_t x = c0[0]; x <= c1[0]; ++x)
                for (std::uint32_t y = c0[1]; y <= c1[1]; ++y)
                    for (std::uint32_t z = c0[2]; z <= c1[2]; ++z)
                        entries.emplace_back(key({x, y, z}), static_cast<std::uint32_t>(t));
        }
        for (std::uint32_t big : large)
            for (std::size_t t = 0; t < n; ++t)
                if (t != big && intersect(big, static_cast<std::uint32_t>(t))) return true;

        std::sort(entries.begin(), entries.end());
        for (std::size_t begin = 0; begin < entries.size();) {
            std::size_t end = begin;
            while (end < entries.size() && entries[end].first == entries[begin].first) ++end;
            for (std::size_t i = begin; i < end; ++i)
                for (std::size_t j = i + 1; j < end; ++j) {
                    const std::uint32_t a = entries[i].second, b = entries[j].second;
                    // Test each pair once: in the cell holding the low corner of the boxes'
                    // overlap (both boxes cover that cell, so every pair has exactly one).
                    if (key(cellOf(boxMin_[a].cwiseMax(boxMin_[b]))) != entries[begin].first)
                        continue;
                    if (intersect(a, b)) return true;
                }
            begin = end;
        }
        return false;
    }

private:
    std::array<std::uint32_t, 3> cellOf(const Vec3d& p) const {
        std::array<std::uint32_t, 3> c{};
        for (int k = 0; k < 3; ++k) {
            const double i = std::floor((p[k] - origin_[k]) / cell_);
            c[k] = static_cast<std::uint32_t>(std::clamp(i, 0.0, double((1 << 21) - 1)));
        }
        return c;
    }
    static std::uint64_t key(const std::array<std::uint32_t, 3>& c) {
        return (std::uint64_t(c[0]) << 42) | (std::uint64_t(c[1]) << 21) | c[2];
    }
    bool intersect(std::uint32_t a, std::uint32_t b) const {
        const auto& p = m_.triangles_[a];
        const auto& q = m_.triangles_[b];
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                if (p(i) == q(j)) return false;  // neighbours touch by construction
        if (!open3d::geometry::IntersectionTest::AABBAABB(boxMin_[a], boxMax_[a], boxMin_[b],
                                                          boxMax_[b]))
            return false;
        const auto& v = m_.vertices_;
        return open3d::geometry::IntersectionTest::TriangleTriangle3d(
            v[p(0)], v[p(1)], v[p(2)], v[q(0)], v[q(1)], v[q(2)]);
    }

    const open3d::geometry::TriangleMesh& m_;
    std::vector<Vec3d> boxMin_, boxMax_;
    Vec3d origin_;
    double cell_ = 1;
};

nlohmann::json toJson(const Vec3f& v) { return nlohmann::json::array({v[0], v[1], v[2]}); }

}  // namespace

bool MeshReport::printable() const {
    return watertight && edgeManifold && vertexManifold && orientable && shellsFacingInward == 0 &&
           !selfIntersecting;
}

MeshReport computeMeshReport(const Mesh& mesh) {
    // Open3D logs warnings on stdout, which would corrupt the CLI's JSON output.
    open3d::utility::SetVerbosityLevel(open3d::utility::VerbosityLevel::Error);
    MeshReport r;
    r.vertices = mesh.vertexCount();
    r.triangles = mesh.triangleCount();
    r.bounds = mesh.bounds();
    r.degenerateTriangles = static_cast<std::size_t>(
        std::count_if(mesh.triangles.begin(), mesh.triangles.end(), repeatsAVertex));
    const open3d::geometry::TriangleMesh o3d = toOpen3d(mesh);
    if (o3d.triangles_.empty()) return r;

    r.surfaceArea = o3d.GetSurfaceArea();
    // Each Open3D check builds its own edge map (seconds on a million triangles), so the
    // closed-surface check runs first and the boundary-tolerant one only when it fails.
    const bool closedEdgeManifold = o3d.IsEdgeManifold(/*allow_boundary_edges=*/false);
    r.edgeManifold = closedEdgeManifold || o3d.IsEdgeManifold(/*allow_boundary_edges=*/true);
    r.vertexManifold = o3d.IsVertexManifold();
    r.orientable = o3d.IsOrientable();
    r.selfIntersecting = SelfIntersectionFinder(o3d).run();
    // Open3D's definition of watertight, with the self-intersection test computed above.
    r.watertight = closedEdgeManifold && r.vertexManifold && !r.selfIntersecting;
    r.connectedComponents = std::get<1>(o3d.ClusterConnectedTriangles()).size();
    if (r.watertight && r.orientable) {
        // Volumes by the divergence theorem, shell by shell (Open3D's GetVolume would re-run its
        // O(n^2) watertightness test).
        const BodyCount count = countBodies(mesh, meshShells(mesh));
        r.volume = count.volume;
        r.bodies = count.bodies;
        r.innerVoids = count.voids;
        r.shellsFacingInward = count.facingInward;
        r.insideOut = count.facingInward > 0 && count.facingInward == count.bodies + count.voids;
    }
    return r;
}

nlohmann::json toJson(const MeshReport& r) {
    nlohmann::json j;
    j["vertices"] = r.vertices;
    j["triangles"] = r.triangles;
    j["bounds"] = {{"min", toJson(r.bounds.min)},
                   {"max", toJson(r.bounds.max)},
                   {"size", toJson(r.bounds.size())}};
    j["surfaceArea"] = r.surfaceArea;
    j["volume"] = r.volume ? nlohmann::json(*r.volume) : nlohmann::json(nullptr);
    j["watertight"] = r.watertight;
    j["edgeManifold"] = r.edgeManifold;
    j["vertexManifold"] = r.vertexManifold;
    j["selfIntersecting"] = r.selfIntersecting;
    j["orientable"] = r.orientable;
    j["insideOut"] = r.insideOut;
    j["shellsFacingInward"] = r.shellsFacingInward;
    j["connectedComponents"] = r.connectedComponents;
    j["bodies"] = r.bodies;
    j["innerVoids"] = r.innerVoids;
    j["degenerateTriangles"] = r.degenerateTriangles;
    j["printable"] = r.printable();
    return j;
}

}  // namespace lf

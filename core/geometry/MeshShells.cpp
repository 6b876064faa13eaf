#include "core/geometry/MeshShells.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <map>
#include <numeric>
#include <optional>
#include <utility>

namespace lf {
namespace {

std::uint32_t findRoot(std::vector<std::uint32_t>& parent, std::uint32_t i) {
    while (parent[i] != i) i = parent[i] = parent[parent[i]];
    return i;
}

double sixTimesSignedVolume(const Mesh& mesh, const Triangle& t) {
    const Vec3f &a = mesh.vertices[t[0]], &b = mesh.vertices[t[1]], &c = mesh.vertices[t[2]];
    const double cx = double(b[1]) * c[2] - double(b[2]) * c[1];
    const double cy = double(b[2]) * c[0] - double(b[0]) * c[2];
    const double cz = double(b[0]) * c[1] - double(b[1]) * c[0];
    return a[0] * cx + a[1] * cy + a[2] * cz;
}

struct Point {
    double x, y, z;
};
Point operator-(const Point& a, const Point& b) { return {a.x - b.x, a.y - b.y, a.z - b.z}; }
Point cross(const Point& a, const Point& b) {
    return {a.y * b.z - a.z * b.y, a.z * b.x - a.x * b.z, a.x * b.y - a.y * b.x};
}
double dot(const Point& a, const Point& b) { return a.x * b.x + a.y * b.y + a.z * b.z; }
Point pointOf(const Vec3f& v) { return {v[0], v[1], v[2]}; }

// Whether the ray from p along a fixed direction crosses triangle t (Moller-Trumbore). The
// direction is oblique to every axis, so rays from points of grid-aligned meshes do not graze
// edges or vertices. (Open3D's RaycastingScene finds no hits with Debian's Embree build; see
// SdfContour.cpp.)
bool rayCrosses(const Mesh& mesh, const Triangle& t, const Point& p) {
    static constexpr Point dir{0.5377, 0.7231, 0.4339};
    const Point a = pointOf(mesh.vertices[t[0]]);
    const Point e1 = pointOf(mesh.vertices[t[1]]) - a, e2 = pointOf(mesh.vertices[t[2]]) - a;
    const Point h = cross(dir, e2);
    const double det = dot(e1, h);
    if (det == 0) return false;
    const Point s = p - a;
    const double u = dot(s, h) / det;
    if (u < 0 || u > 1) return false;
    const Point q = cross(s, e1);
    const double v = dot(dir, q) / det;
    if (v < 0 || u + v > 1) return false;
    return dot(e2, q) / det > 0;
}

// Whether every edge of the shell is shared by exactly two of its triangles: only such a shell
// has an inside that a ray's crossings can count.
bool isClosed(const Mesh& mesh, const MeshShell& shell) {
    std::vector<std::pair<std::uint32_t, std::uint32_t>> edges;
    edges.reserve(3 * shell.triangles.size());
    for (std::size_t t : shell.triangles) {
        const Triangle& tri = mesh.triangles[t];
        for (int k = 0; k < 3; ++k) edges.push_back(std::minmax(tri[k], tri[(k + 1) % 3]));
    }
    std::sort(edges.begin(), edges.end());
    for (std::size_t i = 0; i < edges.size();) {
        std::size_t j = i;
        while (j < edges.size() && edges[j] == edges[i]) ++j;
        if (j - i != 2) return false;
        i = j;
    }
    return true;
}

// Facing outward, a body (even depth) encloses positive volume and a void (odd depth, its faces
// pointing into it) negative volume.
bool facesInward(const MeshShell& shell, int depth) {
    return shell.signedVolume != 0 && (shell.signedVolume > 0) != (depth % 2 == 0);
}

}  // namespace

PositionWeld weldByPosition(const Mesh& mesh) {
    PositionWeld weld;
    std::map<Vec3f, std::uint32_t> first;
    weld.index.resize(mesh.vertices.size());
    for (std::size_t i = 0; i < mesh.vertices.size(); ++i)
        weld.index[i] = first.emplace(mesh.vertices[i], std::uint32_t(first.size())).first->second;
    weld.count = first.size();
    return weld;
}

double signedVolume(const Mesh& mesh) {
    double six = 0;
    for (const Triangle& t : mesh.triangles) six += sixTimesSignedVolume(mesh, t);
    return six / 6.0;
}

std::vector<MeshShell> meshShells(const Mesh& mesh) {
    std::vector<std::uint32_t> parent(mesh.vertices.size());
    std::iota(parent.begin(), parent.end(), 0u);
    for (const Triangle& t : mesh.triangles) {
        const std::uint32_t r0 = findRoot(parent, t[0]);
        parent[findRoot(parent, t[1])] = r0;
        parent[findRoot(parent, t[2])] = r0;
    }
    std::vector<std::int64_t> shellOfRoot(mesh.vertices.size(), -1);
    std::vector<MeshShell> shells;
    for (std::size_t i = 0; i < mesh.triangles.size(); ++i) {
        const Triangle& t = mesh.triangles[i];
        const std::uint32_t root = findRoot(parent, t[0]);
        if (shellOfRoot[root] < 0) {
            shellOfRoot[root] = std::int64_t(shells.size());
            shells.emplace_back();
        }
        MeshShell& shell = shells[std::size_t(shellOfRoot[root])];
        shell.triangles.push_back(i);
        shell.signedVolume += sixTimesSignedVolume(mesh, t) / 6.0;
    }
    return shells;
}

std::vector<int> shellDepths(const Mesh& mesh, const std::vector<MeshShell>& shells) {
    // Bounding boxes first: a shell can only enclose another whose box lies inside its own.
    std::vector<std::array<double, 6>> boxes;  // min x, y, z, max x, y, z
    for (const MeshShell& s : shells) {
        std::array<double, 6> b{HUGE_VAL, HUGE_VAL, HUGE_VAL, -HUGE_VAL, -HUGE_VAL, -HUGE_VAL};
        for (std::size_t t : s.triangles)
            for (std::uint32_t v : mesh.triangles[t])
                for (int k = 0; k < 3; ++k) {
                    b[k] = std::min(b[k], double(mesh.vertices[v][k]));
                    b[k + 3] = std::max(b[k + 3], double(mesh.vertices[v][k]));
                }
        boxes.push_back(b);
    }
    auto boxInside = [&](std::size_t inner, std::size_t outer) {
        for (int k = 0; k < 3; ++k)
            if (boxes[inner][k] < boxes[outer][k] || boxes[inner][k + 3] > boxes[outer][k + 3]) return false;
        return true;
    };
    // An open shell (a file with a hole) encloses nothing; it still gets a depth of its own.
    // Checked only for shells that could enclose another (a one-shell mesh needs no edge sort).
    std::vector<std::optional<bool>> closed(shells.size());
    auto encloses = [&](std::size_t j) {
        if (!closed[j]) closed[j] = isClosed(mesh, shells[j]);
        return *closed[j];
    };
    std::vector<int> depths(shells.size(), 0);
    for (std::size_t i = 0; i < shells.size(); ++i) {
        // A point of shell i: the centroid of its first triangle (on no other shell, as shells
        // do not cross).
        const Triangle& first = mesh.triangles[shells[i].triangles.front()];
        const Point a = pointOf(mesh.vertices[first[0]]), b = pointOf(mesh.vertices[first[1]]),
                    c = pointOf(mesh.vertices[first[2]]);
        const Point p{(a.x + b.x + c.x) / 3, (a.y + b.y + c.y) / 3, (a.z + b.z + c.z) / 3};
        for (std::size_t j = 0; j < shells.size(); ++j) {
            if (j == i || !boxInside(i, j) || !encloses(j)) continue;
            int crossings = 0;
            for (std::size_t t : shells[j].triangles) crossings += rayCrosses(mesh, mesh.triangles[t], p);
            depths[i] += crossings % 2;
        }
    }
    return depths;
}

BodyCount countBodies(const Mesh& mesh, const std::vector<MeshShell>& shells) {
    const std::vector<int> depths = shellDepths(mesh, shells);
    BodyCount count;
    for (std::size_t i = 0; i < shells.size(); ++i) {
        if (shells[i].signedVolume == 0) continue;
        const bool body = depths[i] % 2 == 0;
        (body ? count.bodies : count.voids) += 1;
        count.volume += (body ? 1 : -1) * std::abs(shells[i].signedVolume);
        count.facingInward += facesInward(shells[i], depths[i]);
    }
    return count;
}

std::size_t orientShellsOutward(Mesh& mesh) {
    // Shells by position, not by index: an imported file keeps a vertex once per normal or
    // texture coordinate, which would cut a part into one piece per face.
    const PositionWeld weld = weldByPosition(mesh);
    Mesh welded;
    welded.vertices.resize(weld.count);
    for (std::size_t i = 0; i < mesh.vertices.size(); ++i) welded.vertices[weld.index[i]] = mesh.vertices[i];
    welded.triangles = mesh.triangles;
    for (Triangle& t : welded.triangles)
        for (auto& v : t) v = weld.index[v];
    const std::vector<MeshShell> shells = meshShells(welded);
    const std::vector<int> depths = shellDepths(welded, shells);
    std::vector<bool> turnVertex(mesh.vertices.size(), false);
    std::size_t turned = 0;
    for (std::size_t i = 0; i < shells.size(); ++i) {
        if (!facesInward(shells[i], depths[i])) continue;
        ++turned;
        for (std::size_t t : shells[i].triangles) {
            Triangle& tri = mesh.triangles[t];
            std::swap(tri[1], tri[2]);
            for (std::uint32_t v : tri) turnVertex[v] = true;
        }
    }
    if (!mesh.normals.empty())
        for (std::size_t v = 0; v < mesh.vertices.size(); ++v)
            if (turnVertex[v])
                for (float& x : mesh.normals[v]) x = -x;
    return turned;
}

std::size_t removeSmallShells(Mesh& mesh, double relativeVolume) {
    const std::vector<MeshShell> shells = meshShells(mesh);
    if (shells.size() < 2) return 0;
    double largest = 0;
    for (const MeshShell& s : shells) largest = std::max(largest, std::abs(s.signedVolume));
    std::vector<bool> keepTriangle(mesh.triangles.size(), true);
    std::size_t removed = 0;
    for (const MeshShell& s : shells) {
        if (std::abs(s.signedVolume) >= relativeVolume * largest) continue;
        ++removed;
        for (std::size_t t : s.triangles) keepTriangle[t] = false;
    }
    if (removed == 0) return 0;

    std::vector<std::int64_t> newIndex(mesh.vertices.size(), -1);
    Mesh out;
    out.name = mesh.name;
    auto copyAttribute = [](const auto& from, auto& to, std::size_t i) {
        if (!from.empty()) to.push_back(from[i]);
    };
    for (std::size_t i = 0; i < mesh.triangles.size(); ++i) {
        if (!keepTriangle[i]) continue;
        Triangle t = mesh.triangles[i];
        for (auto& v : t) {
            if (newIndex[v] < 0) {
                newIndex[v] = std::int64_t(out.vertices.size());
                out.vertices.push_back(mesh.vertices[v]);
                copyAttribute(mesh.normals, out.normals, v);
                copyAttribute(mesh.uvs, out.uvs, v);
                copyAttribute(mesh.colors, out.colors, v);
            }
            v = std::uint32_t(newIndex[v]);
        }
        out.triangles.push_back(t);
    }
    mesh = std::move(out);
    return removed;
}

}  // namespace lf

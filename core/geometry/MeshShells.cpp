#include "core/geometry/MeshShells.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

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

}  // namespace

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

BodyCount countBodies(const std::vector<MeshShell>& shells) {
    // Facing outward, a shell around material encloses positive volume and a shell around a void
    // (faces pointing into it) negative volume.
    double total = 0;
    for (const MeshShell& s : shells) total += s.signedVolume;
    const double facing = total < 0 ? -1.0 : 1.0;  // an inside-out mesh: flip every shell
    BodyCount count;
    for (const MeshShell& s : shells)
        if (std::abs(s.signedVolume) > 0) (s.signedVolume * facing > 0 ? count.bodies : count.voids) += 1;
    return count;
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

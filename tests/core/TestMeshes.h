#pragma once
// Small closed meshes built in code for the mesh I/O and report tests.
#include "core/mesh/Mesh.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>
#include <map>
#include <utility>

namespace lf::test {

// Axis-aligned box from `lo` with edge length `size`: 8 vertices, 12 outward-facing triangles.
inline Mesh box(float size = 1.0f, Vec3f lo = {0, 0, 0}) {
    Mesh m;
    for (int i = 0; i < 8; ++i)
        m.vertices.push_back({lo[0] + (i & 1) * size, lo[1] + ((i >> 1) & 1) * size,
                              lo[2] + ((i >> 2) & 1) * size});
    m.triangles = {{0, 2, 1}, {1, 2, 3}, {4, 5, 6}, {5, 7, 6}, {0, 1, 4}, {1, 5, 4},
                   {2, 6, 3}, {3, 6, 7}, {0, 4, 2}, {2, 4, 6}, {1, 3, 5}, {3, 7, 5}};
    return m;
}

// Appends b to a (disjoint union).
inline Mesh merged(Mesh a, const Mesh& b) {
    const auto base = static_cast<std::uint32_t>(a.vertices.size());
    a.vertices.insert(a.vertices.end(), b.vertices.begin(), b.vertices.end());
    for (Triangle t : b.triangles) a.triangles.push_back({t[0] + base, t[1] + base, t[2] + base});
    return a;
}

// Unit icosphere (radius `radius`), 20 * 4^subdivisions triangles, closed and outward-facing.
inline Mesh icosphere(int subdivisions, float radius = 1.0f) {
    const float t = (1.0f + std::sqrt(5.0f)) / 2.0f;
    Mesh m;
    m.vertices = {{-1, t, 0}, {1, t, 0}, {-1, -t, 0}, {1, -t, 0}, {0, -1, t}, {0, 1, t},
                  {0, -1, -t}, {0, 1, -t}, {t, 0, -1}, {t, 0, 1}, {-t, 0, -1}, {-t, 0, 1}};
    m.triangles = {{0, 11, 5}, {0, 5, 1},  {0, 1, 7},   {0, 7, 10}, {0, 10, 11},
                   {1, 5, 9},  {5, 11, 4}, {11, 10, 2}, {10, 7, 6}, {7, 1, 8},
                   {3, 9, 4},  {3, 4, 2},  {3, 2, 6},   {3, 6, 8},  {3, 8, 9},
                   {4, 9, 5},  {2, 4, 11}, {6, 2, 10},  {8, 6, 7},  {9, 8, 1}};
    auto normalise = [](Vec3f v) {
        const float l = std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
        return Vec3f{v[0] / l, v[1] / l, v[2] / l};
    };
    for (Vec3f& v : m.vertices) v = normalise(v);
    for (int s = 0; s < subdivisions; ++s) {
        std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> midpoints;
        auto mid = [&](std::uint32_t a, std::uint32_t b) {
            const auto key = std::minmax(a, b);
            if (auto it = midpoints.find(key); it != midpoints.end()) return it->second;
            const Vec3f& p = m.vertices[a];
            const Vec3f& q = m.vertices[b];
            m.vertices.push_back(normalise({(p[0] + q[0]) / 2, (p[1] + q[1]) / 2, (p[2] + q[2]) / 2}));
            return midpoints[key] = static_cast<std::uint32_t>(m.vertices.size() - 1);
        };
        std::vector<Triangle> next;
        for (const Triangle& tr : m.triangles) {
            const std::uint32_t a = mid(tr[0], tr[1]), b = mid(tr[1], tr[2]), c = mid(tr[2], tr[0]);
            next.push_back({tr[0], a, c});
            next.push_back({tr[1], b, a});
            next.push_back({tr[2], c, b});
            next.push_back({a, b, c});
        }
        m.triangles = std::move(next);
    }
    m.scale(radius);
    return m;
}

}  // namespace lf::test

#include "TestMeshes.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace lf::test {

Mesh icosphere(int subdivisions, float radius, Vec3f center)
{
    const float t = (1.0f + std::sqrt(5.0f)) / 2.0f;
    std::vector<Vec3f> v = {{-1, t, 0}, {1, t, 0}, {-1, -t, 0}, {1, -t, 0},
                            {0, -1, t}, {0, 1, t}, {0, -1, -t}, {0, 1, -t},
                            {t, 0, -1}, {t, 0, 1}, {-t, 0, -1}, {-t, 0, 1}};
    std::vector<Triangle> f = {{0, 11, 5}, {0, 5, 1},  {0, 1, 7},   {0, 7, 10}, {0, 10, 11},
                               {1, 5, 9},  {5, 11, 4}, {11, 10, 2}, {10, 7, 6}, {7, 1, 8},
                               {3, 9, 4},  {3, 4, 2},  {3, 2, 6},   {3, 6, 8},  {3, 8, 9},
                               {4, 9, 5},  {2, 4, 11}, {6, 2, 10},  {8, 6, 7},  {9, 8, 1}};
    auto normalize = [](Vec3f p) {
        const float l = std::sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        return Vec3f{p[0] / l, p[1] / l, p[2] / l};
    };
    for (Vec3f& p : v) p = normalize(p);
    for (int s = 0; s < subdivisions; ++s) {
        std::map<std::pair<std::uint32_t, std::uint32_t>, std::uint32_t> midpoints;
        auto midpoint = [&](std::uint32_t a, std::uint32_t b) {
            const auto key = std::minmax(a, b);
            if (auto it = midpoints.find(key); it != midpoints.end()) return it->second;
            v.push_back(normalize({(v[a][0] + v[b][0]) / 2, (v[a][1] + v[b][1]) / 2,
                                   (v[a][2] + v[b][2]) / 2}));
            const auto index = static_cast<std::uint32_t>(v.size() - 1);
            midpoints.emplace(key, index);
            return index;
        };
        std::vector<Triangle> next;
        for (const Triangle& tri : f) {
            const std::uint32_t a = midpoint(tri[0], tri[1]);
            const std::uint32_t b = midpoint(tri[1], tri[2]);
            const std::uint32_t c = midpoint(tri[2], tri[0]);
            next.push_back({tri[0], a, c});
            next.push_back({tri[1], b, a});
            next.push_back({tri[2], c, b});
            next.push_back({a, b, c});
        }
        f = std::move(next);
    }
    Mesh mesh;
    mesh.name = "icosphere";
    for (const Vec3f& p : v)
        mesh.vertices.push_back({p[0] * radius + center[0], p[1] * radius + center[1],
                                 p[2] * radius + center[2]});
    mesh.triangles = std::move(f);
    return mesh;
}

}  // namespace lf::test

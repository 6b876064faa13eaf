#pragma once
// The triangle mesh shared by import, export, reporting, contouring and the 3D view.
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace lf {

using Vec3f = std::array<float, 3>;
using Vec2f = std::array<float, 2>;
using Vec4f = std::array<float, 4>;
using Triangle = std::array<std::uint32_t, 3>;

struct BoundingBox {
    Vec3f min{0, 0, 0};
    Vec3f max{0, 0, 0};
    Vec3f size() const { return {max[0] - min[0], max[1] - min[1], max[2] - min[2]}; }
    Vec3f center() const {
        return {(min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2};
    }
    float diagonal() const;
};

struct Mesh {
    std::vector<Vec3f> vertices;
    std::vector<Triangle> triangles;
    // Optional per-vertex attributes: each is either empty or has vertices.size() entries.
    std::vector<Vec3f> normals;
    std::vector<Vec2f> uvs;
    std::vector<Vec4f> colors;  // RGBA in [0, 1]
    std::string name;

    std::size_t vertexCount() const { return vertices.size(); }
    std::size_t triangleCount() const { return triangles.size(); }
    bool empty() const { return triangles.empty(); }

    BoundingBox bounds() const;
    // Area-weighted smooth vertex normals (replaces any existing normals).
    void computeVertexNormals();
    // Throws lf::Error naming the first inconsistency (index out of range, attribute size, NaN).
    void validate() const;
    // Uniform scale about the origin (units conversion on export).
    void scale(float factor);
};

}  // namespace lf

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

// Which axis points up. The app's world is +z up: its 3D view stands parts on an x-y floor, and
// STL, OBJ and PLY are written as CAD and printing tools read them. glTF 2.0 is +y up by its
// specification, and so is the shape models' training frame (docs/SHAPES.md).
enum class UpAxis { Y, Z };

// A quarter turn about x taking `from`'s up axis to `to`'s (a proper rotation, so windings and
// outward normals stay outward); the identity when they are the same.
inline Vec3f convertUpAxis(const Vec3f& p, UpAxis from, UpAxis to) {
    if (from == to) return p;
    return from == UpAxis::Y ? Vec3f{p[0], -p[2], p[1]} : Vec3f{p[0], p[2], -p[1]};
}

// How the app's coordinates (+z up, millimetres) become a file's: turned to the file's up axis,
// then times the file's unit scale. Normals only turn.
struct FileFrame {
    float scale = 1;
    UpAxis up = UpAxis::Z;
    Vec3f point(const Vec3f& p) const {
        const Vec3f q = convertUpAxis(p, UpAxis::Z, up);
        return {q[0] * scale, q[1] * scale, q[2] * scale};
    }
    Vec3f direction(const Vec3f& n) const { return convertUpAxis(n, UpAxis::Z, up); }
};

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
    // Rotates vertices and normals from one up-axis convention to the other (convertUpAxis).
    void convertUpAxis(UpAxis from, UpAxis to);
    // Reverses every triangle's winding and every normal, as a flipped export does (to turn
    // only the shells that face inward: orientShellsOutward, core/geometry/MeshShells.h).
    void flipFaces();
};

}  // namespace lf

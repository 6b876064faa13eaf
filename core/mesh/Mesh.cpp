#include "core/mesh/Mesh.h"

#include "core/util/Error.h"

#include <cmath>
#include <limits>
#include <utility>

namespace lf {

float BoundingBox::diagonal() const {
    const Vec3f s = size();
    return std::sqrt(s[0] * s[0] + s[1] * s[1] + s[2] * s[2]);
}

BoundingBox Mesh::bounds() const {
    BoundingBox b;
    if (vertices.empty()) return b;
    constexpr float inf = std::numeric_limits<float>::infinity();
    b.min = {inf, inf, inf};
    b.max = {-inf, -inf, -inf};
    for (const Vec3f& v : vertices) {
        for (int k = 0; k < 3; ++k) {
            b.min[k] = std::min(b.min[k], v[k]);
            b.max[k] = std::max(b.max[k], v[k]);
        }
    }
    return b;
}

void Mesh::computeVertexNormals() {
    normals.assign(vertices.size(), Vec3f{0, 0, 0});
    for (const Triangle& t : triangles) {
        const Vec3f& a = vertices[t[0]];
        const Vec3f& b = vertices[t[1]];
        const Vec3f& c = vertices[t[2]];
        const float e1[3] = {b[0] - a[0], b[1] - a[1], b[2] - a[2]};
        const float e2[3] = {c[0] - a[0], c[1] - a[1], c[2] - a[2]};
        // Unnormalised cross product: its length is twice the area, which gives area weighting.
        const Vec3f n = {e1[1] * e2[2] - e1[2] * e2[1], e1[2] * e2[0] - e1[0] * e2[2],
                         e1[0] * e2[1] - e1[1] * e2[0]};
        for (std::uint32_t i : t)
            for (int k = 0; k < 3; ++k) normals[i][k] += n[k];
    }
    for (Vec3f& n : normals) {
        const float len = std::sqrt(n[0] * n[0] + n[1] * n[1] + n[2] * n[2]);
        if (len > 0) {
            for (float& x : n) x /= len;
        } else {
            n = {0, 0, 1};
        }
    }
}

void Mesh::validate() const {
    const std::size_t nv = vertices.size();
    for (std::size_t i = 0; i < triangles.size(); ++i)
        for (std::uint32_t idx : triangles[i])
            if (idx >= nv)
                throw Error("triangle " + std::to_string(i) + " references vertex " +
                            std::to_string(idx) + " but the mesh has " + std::to_string(nv) +
                            " vertices");
    for (std::size_t i = 0; i < nv; ++i)
        for (float x : vertices[i])
            if (!std::isfinite(x))
                throw Error("vertex " + std::to_string(i) + " has a non-finite coordinate");
    auto checkSize = [nv](std::size_t n, const char* what) {
        if (n != 0 && n != nv)
            throw Error(std::string(what) + " count " + std::to_string(n) +
                        " does not match vertex count " + std::to_string(nv));
    };
    checkSize(normals.size(), "normal");
    checkSize(uvs.size(), "texture coordinate");
    checkSize(colors.size(), "colour");
}

void Mesh::scale(float factor) {
    for (Vec3f& v : vertices)
        for (float& x : v) x *= factor;
}

void Mesh::convertUpAxis(UpAxis from, UpAxis to) {
    if (from == to) return;
    for (Vec3f& v : vertices) v = lf::convertUpAxis(v, from, to);
    for (Vec3f& n : normals) n = lf::convertUpAxis(n, from, to);
}

void Mesh::flipFaces() {
    for (Triangle& t : triangles) std::swap(t[1], t[2]);
    for (Vec3f& n : normals)
        for (float& x : n) x = -x;
}

}  // namespace lf

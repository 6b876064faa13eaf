#pragma once
// Printability report of a mesh, computed with Open3D.
#include "core/mesh/Mesh.h"

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <optional>

namespace lf {

struct MeshReport {
    std::size_t vertices = 0;
    std::size_t triangles = 0;
    BoundingBox bounds;
    double surfaceArea = 0;
    std::optional<double> volume;  // only when watertight and orientable; positive either way
    // Watertight and orientable, but facing inward as a whole (negative signed volume): what a
    // flipped export gives. Slicers and `encode` turn it round; still a defect.
    bool insideOut = false;
    bool watertight = false;
    bool edgeManifold = false;
    bool vertexManifold = false;
    bool selfIntersecting = false;
    bool orientable = false;
    std::size_t connectedComponents = 0;
    // Of a watertight, orientable mesh: closed shells that bound material (positive signed
    // volume once the whole mesh faces outward) and shells that bound a sealed inner void (a
    // capped bottle's cavity). A hollow part is one body with one void; 0/0 when not closed.
    std::size_t bodies = 0;
    std::size_t innerVoids = 0;
    // Triangles that use one vertex twice (zero area); the checks above ignore them.
    std::size_t degenerateTriangles = 0;
    // A plain-words verdict: "printable" when watertight, manifold, orientable, facing outward and
    // not self-intersecting.
    bool printable() const;
};

MeshReport computeMeshReport(const Mesh& mesh);
nlohmann::json toJson(const MeshReport& report);

}  // namespace lf

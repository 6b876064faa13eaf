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
    // Of the material (bodies less voids), whichever way the faces point; only when watertight
    // and orientable.
    std::optional<double> volume;
    // Watertight and orientable, but every shell faces inward: what a flipped export gives.
    // Slicers and `encode` turn it round; still a defect.
    bool insideOut = false;
    // Closed shells whose faces point the wrong way for their place: a body's into its
    // material, a void's out of it (a file with one part flipped). Any of them makes the mesh
    // unprintable: slicers read such a shell as a hole. `convert --orient-outward` and File >
    // Export turn them (orientShellsOutward).
    std::size_t shellsFacingInward = 0;
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
    // A plain-words verdict: "printable" when watertight, manifold, orientable, every shell facing
    // outward and not self-intersecting.
    bool printable() const;
};

MeshReport computeMeshReport(const Mesh& mesh);
nlohmann::json toJson(const MeshReport& report);

}  // namespace lf

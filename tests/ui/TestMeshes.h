#pragma once
// In-memory meshes for the GUI tests (no file I/O involved).
#include "core/mesh/Mesh.h"

namespace lf::test {

// Closed unit-radius icosphere (Loop-free midpoint subdivision, `subdivisions` >= 0), centred
// at `center` and scaled to `radius`.
Mesh icosphere(int subdivisions, float radius = 10.0f, Vec3f center = {0, 0, 0});

}  // namespace lf::test

#pragma once
// Truncated signed distance grids over the cube [-1,1]^3: what the shape VAE trains on and what
// contouring turns back into meshes.
//
// Layout: resolution^3 float32 values, index (iz * R + iy) * R + ix, i.e. a row-major tensor
// [z][y][x] (x fastest, as VTK's vtkImageData stores scalars). Cell-centred samples: sample i
// sits at -1 + (i + 0.5) * 2 / R, so no sample lies on the cube's faces and a grid of
// resolution R is exactly the R^3 voxels of the cube. Values are clamped to +-truncation.
#include <cstdint>
#include <vector>

namespace lf {

class Shape;

struct SdfGrid {
    int resolution = 0;
    float truncation = 0;
    std::vector<float> values;

    float spacing() const { return 2.0f / float(resolution); }
    float coordinate(int i) const { return -1.0f + (float(i) + 0.5f) * spacing(); }
    std::size_t index(int ix, int iy, int iz) const {
        return (std::size_t(iz) * std::size_t(resolution) + std::size_t(iy)) *
                   std::size_t(resolution) + std::size_t(ix);
    }
    float at(int ix, int iy, int iz) const { return values[index(ix, iy, iz)]; }
};

// Samples shape.distance on the grid with `threads` std::threads (z slabs of 4^3 blocks,
// interleaved). Blocks far from the surface are filled with +-truncation without sampling
// every point, which relies on shape.distance being 1-Lipschitz (true for every family).
// Throws lf::Error for resolution < 2 or > 1024, truncation <= 0 or threads < 1.
SdfGrid makeSdfGrid(const Shape& shape, int resolution, float truncation, int threads = 2);

}  // namespace lf

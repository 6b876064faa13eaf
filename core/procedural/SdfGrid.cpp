#include "core/procedural/SdfGrid.h"

#include "core/procedural/ShapeFamily.h"
#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <exception>
#include <thread>

namespace lf {

SdfGrid makeSdfGrid(const Shape& shape, int resolution, float truncation, int threads) {
    if (resolution < 2 || resolution > 1024)
        throw Error("SDF grid: resolution " + std::to_string(resolution) +
                    " is outside [2, 1024]");
    if (!(truncation > 0))
        throw Error("SDF grid: truncation must be positive, not " + std::to_string(truncation));
    if (threads < 1) throw Error("SDF grid: need at least one thread");

    SdfGrid grid;
    grid.resolution = resolution;
    grid.truncation = truncation;
    grid.values.resize(std::size_t(resolution) * resolution * resolution);
    threads = std::min(threads, (resolution + 3) / 4);

    // Work in 4^3 blocks. Every shape's distance is 1-Lipschitz (exact SDFs combined with
    // min/max/smooth-min and isometries), so when the block centre is further than truncation +
    // the block's half diagonal from the surface, every sample in it clamps to the same
    // +-truncation: fill without evaluating. The result is identical to sampling every point.
    constexpr int kBlock = 4;
    const int blocks = (resolution + kBlock - 1) / kBlock;
    const float h = grid.spacing();
    auto fillSlabs = [&](int first) {
        for (int bz = first; bz < blocks; bz += threads)
            for (int by = 0; by < blocks; ++by)
                for (int bx = 0; bx < blocks; ++bx) {
                    const int x0 = bx * kBlock, y0 = by * kBlock, z0 = bz * kBlock;
                    const int x1 = std::min(x0 + kBlock, resolution),
                              y1 = std::min(y0 + kBlock, resolution),
                              z1 = std::min(z0 + kBlock, resolution);
                    const float cx = (grid.coordinate(x0) + grid.coordinate(x1 - 1)) / 2,
                                cy = (grid.coordinate(y0) + grid.coordinate(y1 - 1)) / 2,
                                cz = (grid.coordinate(z0) + grid.coordinate(z1 - 1)) / 2;
                    const float halfDiagonal =
                        0.5f * h * sdf::length(float(x1 - x0 - 1), float(y1 - y0 - 1), float(z1 - z0 - 1));
                    const float centre = shape.distance({cx, cy, cz});
                    const bool uniform =
                        std::fabs(centre) > truncation + halfDiagonal * 1.001f + 1e-6f;
                    const float fill = centre > 0 ? truncation : -truncation;
                    for (int iz = z0; iz < z1; ++iz)
                        for (int iy = y0; iy < y1; ++iy) {
                            float* row = grid.values.data() + grid.index(0, iy, iz);
                            for (int ix = x0; ix < x1; ++ix)
                                row[ix] = uniform
                                    ? fill
                                    : std::clamp(shape.distance({grid.coordinate(ix),
                                                                 grid.coordinate(iy),
                                                                 grid.coordinate(iz)}),
                                                 -truncation, truncation);
                        }
                }
    };
    std::vector<std::thread> workers;
    std::vector<std::exception_ptr> failures(static_cast<std::size_t>(threads));
    for (int t = 1; t < threads; ++t)
        workers.emplace_back([&, t] {
            try {
                fillSlabs(t);
            } catch (...) {
                failures[std::size_t(t)] = std::current_exception();
            }
        });
    try {
        fillSlabs(0);
    } catch (...) {
        failures[0] = std::current_exception();
    }
    for (std::thread& w : workers) w.join();
    for (const std::exception_ptr& f : failures)
        if (f) std::rethrow_exception(f);
    return grid;
}

}  // namespace lf

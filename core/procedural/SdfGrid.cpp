#include "core/procedural/SdfGrid.h"

#include "core/procedural/ShapeFamily.h"
#include "core/util/Error.h"

#include <algorithm>
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
    threads = std::min(threads, resolution);

    // Interleaved z slabs keep the threads' work balanced (shapes are not uniform along z).
    auto fillSlabs = [&](int first) {
        for (int iz = first; iz < resolution; iz += threads) {
            const float z = grid.coordinate(iz);
            for (int iy = 0; iy < resolution; ++iy) {
                const float y = grid.coordinate(iy);
                float* row = grid.values.data() + grid.index(0, iy, iz);
                for (int ix = 0; ix < resolution; ++ix) {
                    const float d = shape.distance({grid.coordinate(ix), y, z});
                    row[ix] = std::clamp(d, -truncation, truncation);
                }
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

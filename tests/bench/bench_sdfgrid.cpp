// SDF grid generation speed at 64^3 per shape family. Baseline, measured in the same run:
// sampling every point on one thread (what makeSdfGrid's block skipping avoids). Prints
// milliseconds and the ratios baseline / makeSdfGrid with 1 and 2 threads.
#include "core/procedural/SdfGrid.h"
#include "core/procedural/ShapeFamily.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace lf;

namespace {

class Ball final : public Shape {
public:
    float distance(sdf::Point3 p) const override { return sdf::length(p.x, p.y, p.z) - 0.5f; }
    std::vector<ShapeProbe> probes() const override { return {}; }
};

// Best of `repeats` wall-clock runs, in milliseconds.
template <typename F>
double bestMs(int repeats, F&& run) {
    double best = 1e30;
    for (int i = 0; i < repeats; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        run();
        best = std::min(best, std::chrono::duration<double, std::milli>(
                                  std::chrono::steady_clock::now() - t0).count());
    }
    return best;
}

}  // namespace

int main() {
    constexpr int R = 64;
    const double sphere1 = bestMs(5, [] { makeSdfGrid(Ball(), R, 0.1f, 1); });
    const double sphere2 = bestMs(5, [] { makeSdfGrid(Ball(), R, 0.1f, 2); });
    std::printf("64^3 grid        every-point ms  1 thread ms  2 threads ms  ratio 1t  ratio 2t\n");
    std::printf("%-16s %14s %12.2f %13.2f\n", "sphere", "", sphere1, sphere2);
    for (const auto& f : shapeFamilies()) {
        double t0 = 0, t1 = 0, t2 = 0;
        const int shapes = 4;
        for (int seed = 0; seed < shapes; ++seed) {
            const auto shape = f->build(f->sample(std::uint64_t(seed)));
            t0 += bestMs(1, [&] {
                std::vector<float> values(std::size_t(R) * R * R);
                const float h = 2.0f / R;
                std::size_t i = 0;
                for (int z = 0; z < R; ++z)
                    for (int y = 0; y < R; ++y)
                        for (int x = 0; x < R; ++x)
                            values[i++] = std::clamp(
                                shape->distance({-1 + (x + 0.5f) * h, -1 + (y + 0.5f) * h,
                                                 -1 + (z + 0.5f) * h}), -0.1f, 0.1f);
                volatile float sink = values[values.size() / 2];
                (void)sink;
            });
            t1 += bestMs(2, [&] { makeSdfGrid(*shape, R, 0.1f, 1); });
            t2 += bestMs(2, [&] { makeSdfGrid(*shape, R, 0.1f, 2); });
        }
        t0 /= shapes, t1 /= shapes, t2 /= shapes;
        std::printf("%-16s %14.2f %12.2f %13.2f %9.2f %9.2f\n", f->name().c_str(), t0, t1, t2,
                    t0 / t1, t0 / t2);
    }
    return 0;
}

// Throughput of the process simulator: images per second on one thread (wall and CPU time),
// the 2-thread dataset speed-up against 1 thread, and the cost of the effect measures, all
// measured in the same run. Not a test: prints numbers and ratios.
#include "core/process/EffectMeasures.h"
#include "core/process/ProcessDataset.h"
#include "core/process/ProcessSimulator.h"

#include <chrono>
#include <cstdio>
#include <ctime>

using namespace lf::process;

namespace {

double cpuSeconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

double wallSeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void renderRate(int size, int count)
{
    const double wall0 = wallSeconds(), cpu0 = cpuSeconds();
    double checksum = 0.0;
    for (int i = 0; i < count; ++i)
        checksum += simulateProcess(processSampleParameters(7, i), processSampleSeed(7, i),
                                    {size, size}).pixels[0];
    const double wall = wallSeconds() - wall0, cpu = cpuSeconds() - cpu0;
    std::printf("render %dx%d, 1 thread: %.0f images/s wall, %.0f images/s per CPU second "
                "(%.0f per CPU minute)  [checksum %.3f]\n",
                size, size, count / wall, count / cpu, 60.0 * count / cpu, checksum);
}

}  // namespace

int main()
{
    renderRate(64, 600);
    renderRate(128, 150);

    ProcessDatasetOptions options;
    options.count = 800;
    double times[2] = {};
    for (int threads : {1, 2}) {
        options.threads = threads;
        const double t0 = wallSeconds();
        const auto contents = makeProcessDataset(options);
        times[threads - 1] = wallSeconds() - t0;
        std::printf("dataset of %d 64x64 images, %d thread(s): %.2f s wall (%.0f images/min)\n",
                    options.count, threads, times[threads - 1], 60.0 * options.count / times[threads - 1]);
    }
    std::printf("2-thread speed-up over 1 thread: %.2fx (2.0 = perfect; less on a loaded machine)\n",
                times[0] / times[1]);

    const ImageF image = simulateProcess(ProcessParameters::nominal(), 3);
    const double t0 = cpuSeconds();
    double sum = 0.0;
    for (int i = 0; i < 300; ++i)
        sum += measureEffects(image).values[0];
    const double measureCpu = (cpuSeconds() - t0) / 300;
    std::printf("measureEffects on 64x64: %.2f ms per image (CPU)  [checksum %.3f]\n",
                1e3 * measureCpu, sum);
    return 0;
}

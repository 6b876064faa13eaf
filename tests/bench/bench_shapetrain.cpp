// Shape VAE training step time (forward + backward + Adam, batch of 64^3 grids) for the shipped
// default architecture, as ms per shape, the training-time estimate it implies, and the
// achieved FLOP/s as a share of a same-run float matmul, and (2 threads) the step with the
// decoder run as its modules' own forwards, for the speed-up of ShapeDecoder's forms.
//
//   build/tests/bench/bench_shapetrain [steps=4] [batch=32] [shapes=3000] [epochs=30]
// Uses the losses of the real trainer's model (ShapeVae) on synthetic spheres.
#include "core/ml/ShapeVae.h"
#include "core/ml/TrainingCheckpoint.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <vector>

using namespace lf::ml;
using Clock = std::chrono::steady_clock;
namespace F = torch::nn::functional;

namespace {

double encoderFlops(const ShapeVaeConfig& c) {
    double flops = 0, side = c.gridResolution, in = 1;
    for (const int out : c.encoderWidths) {
        side /= 2;
        flops += 2.0 * side * side * side * in * out * 64;
        in = out;
    }
    return flops + 2.0 * in * 64 * 2 * c.latentSize;
}

double decoderFlops(const ShapeVaeConfig& c) {
    double flops = 2.0 * c.latentSize * c.decoderWidths[0] * 64, side = 4;
    for (std::size_t i = 0; i + 1 < c.decoderWidths.size(); ++i) {
        flops += 2.0 * side * side * side * c.decoderWidths[i] * c.decoderWidths[i + 1] * 64;
        side *= 2;
    }
    return flops + 2.0 * side * side * side * c.decoderWidths.back() * 27 * 9;
}

}  // namespace

int main(int argc, char** argv) {
    const int steps = argc > 1 ? std::max(2, std::atoi(argv[1])) : 4;
    const int batch = argc > 2 ? std::max(1, std::atoi(argv[2])) : 32;
    const int shapes = argc > 3 ? std::atoi(argv[3]) : 3000;
    const int epochs = argc > 4 ? std::atoi(argv[4]) : 30;
    const ShapeVaeConfig config = ShapeVaeConfig::defaults();
    const int r = config.gridResolution;
    torch::manual_seed(1);

    const auto c = (torch::arange(r, torch::kFloat32) + 0.5) * (2.0 / r) - 1.0;
    const auto g = torch::meshgrid({c, c, c}, "ij");
    const auto radii = torch::rand({batch, 1, 1, 1, 1}) * 0.5 + 0.3;
    const auto x = (torch::sqrt(g[0] * g[0] + g[1] * g[1] + g[2] * g[2]).unsqueeze(0).unsqueeze(0) - radii)
                       .clamp(-0.1, 0.1);

    std::printf("shape VAE training step, R=%d L=%d encoder widths", r, config.latentSize);
    for (int w : config.encoderWidths) std::printf(" %d", w);
    std::printf(", decoder widths");
    for (int w : config.decoderWidths) std::printf(" %d", w);
    std::printf(", batch %d (machine shared with other jobs)\n", batch);
    const double flops = 3.0 * batch * (encoderFlops(config) + decoderFlops(config));
    // One training step's time (p50 of `steps`) with the decoder given as `decode`.
    using Decode = std::function<std::pair<torch::Tensor, torch::Tensor>(ShapeVae&, const torch::Tensor&)>;
    const auto stepSeconds = [&](const Decode& decode) {
        torch::manual_seed(1);
        ShapeVae vae(config);
        torch::optim::Adam adam(vae->parameters(), torch::optim::AdamOptions(1e-3));
        std::vector<double> seconds;
        for (int s = 0; s < steps + 1; ++s) {
            const auto t0 = Clock::now();
            adam.zero_grad();
            auto [mu, logvar] = vae->encoder->forward(x);
            const auto z = mu + torch::exp(0.5 * logvar) * torch::randn_like(mu);
            auto [coarse, fine] = decode(vae, z);
            const auto loss = (fine - x).abs().mean() +
                              0.5 * (coarse - F::avg_pool3d(x, F::AvgPool3dFuncOptions(2))).abs().mean() +
                              1e-4 * (-0.5 * (1 + logvar - mu.pow(2) - logvar.exp()).sum(1)).mean();
            loss.backward();
            adam.step();
            if (s > 0) seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
        }
        std::sort(seconds.begin(), seconds.end());
        return seconds[seconds.size() / 2];
    };
    const Decode ours = [](ShapeVae& vae, const torch::Tensor& z) { return vae->decoder->forwardBoth(z); };
    // The same network run as its modules' own forwards: LibTorch's ConvTranspose3d kernel and
    // one Conv3d per head (what ShapeDecoder did before its sub-pixel and fused-head forms).
    const Decode modules = [](ShapeVae& vae, const torch::Tensor& z) {
        auto& d = vae->decoder;
        const auto leaky = [](const torch::Tensor& t) { return torch::leaky_relu(t, 0.2); };
        auto h = leaky(d->project->forward(z)).view({z.size(0), d->bottleneckChannels, 4, 4, 4});
        for (auto& up : d->ups) h = leaky(up->forward(h));
        auto coarse = d->coarseHead->forward(h);
        return std::pair{coarse, d->fineFrom(d->fineHead->forward(h), coarse)};
    };
    for (const int threads : {1, 2}) {
        setUpTrainingProcess(threads);  // as the trainer runs
        const double step = stepSeconds(ours);
        const double reference = threads == 2 ? stepSeconds(modules) : 0;
        // Baseline: square matmul of about one step's FLOPs / 8, timed the same way.
        const auto n = std::llround(std::cbrt(flops / 8 / 2));
        const auto a = torch::rand({n, n}), b = torch::rand({n, n});
        (void)torch::mm(a, b);
        const auto m0 = Clock::now();
        for (int i = 0; i < 8; ++i) (void)torch::mm(a, b);
        const double mm = std::chrono::duration<double>(Clock::now() - m0).count() * (flops / (16.0 * n * n * n));
        const double perShape = step / batch;
        std::printf("threads %d: step p50 %.2f s, %.1f ms/shape, %.1f GFLOP/s (%.0f%% of matmul); "
                    "%d shapes x %d epochs ~ %.0f min\n",
                    threads, step, perShape * 1e3, flops / step / 1e9, 100.0 * mm / step, shapes,
                    epochs, perShape * shapes * epochs / 60);
        if (reference > 0) {
            std::printf("  same network as module forwards (ConvTranspose3d, two heads): step p50 %.2f s, "
                        "ours %.2fx faster\n",
                        reference, reference / step);
        }
    }
    return 0;
}

#include "core/ml/BlasCheck.h"

#include <torch/torch.h>

#include <chrono>
#include <fstream>

namespace lf::ml {
namespace {

bool looksLikeBlas(const std::string& path) {
    const auto slash = path.rfind('/');
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    return name.find("blas") != std::string::npos || name.find("mkl_rt") != std::string::npos ||
           name.find("blis") != std::string::npos;
}

}  // namespace

BlasInfo probeBlas() {
    BlasInfo info;
    torch::NoGradGuard noGrad;
    const auto a = torch::rand({512, 512});
    const auto b = torch::rand({512, 512});
    (void)torch::mm(a, b);  // warm-up, also makes sure the BLAS is loaded
    const int reps = 4;
    const auto t0 = std::chrono::steady_clock::now();
    for (int i = 0; i < reps; ++i) (void)torch::mm(a, b);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    info.matmulGflops = reps * 2.0 * 512 * 512 * 512 / s / 1e9;

    std::ifstream maps("/proc/self/maps");
    std::string line;
    while (std::getline(maps, line)) {
        const auto pos = line.find('/');
        if (pos == std::string::npos) continue;
        const std::string path = line.substr(pos);
        if (!looksLikeBlas(path)) continue;
        info.library = path;
        // The alternatives system maps Debian's reference BLAS from .../blas/libblas.so.3.
        if (path.find("openblas") != std::string::npos || path.find("mkl") != std::string::npos ||
            path.find("blis") != std::string::npos) {
            info.optimized = true;
            break;
        }
    }
    return info;
}

std::string blasWarning(const BlasInfo& info) {
    if (info.optimized) return {};
    return "LibTorch is running on the reference BLAS (" +
           (info.library.empty() ? std::string("none found") : info.library) +
           "): models will be ~25x slower. Install libopenblas0-pthread.";
}

}  // namespace lf::ml

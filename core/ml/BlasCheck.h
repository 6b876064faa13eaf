#pragma once
// Which BLAS LibTorch really runs on. Debian's libtorch falls back to the reference BLAS unless
// libopenblas0-pthread is installed, which makes every model about 25x slower.
#include <string>

namespace lf::ml {

struct BlasInfo {
    std::string library;   // path of the BLAS shared object mapped into this process
    bool optimized = false;  // OpenBLAS (or another tuned BLAS), not the reference one
    double matmulGflops = 0; // measured 512x512 fp32 matmul throughput
};

// Runs a small torch matmul (which loads the BLAS) and inspects the process's mapped libraries.
BlasInfo probeBlas();

// Empty when optimized; otherwise a one-line warning suitable for a log or status bar.
std::string blasWarning(const BlasInfo& info);

}  // namespace lf::ml

#include "app/cli/commands/CommandSupport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace lf::cli {

std::string formatDuration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    char buf[32];
    if (s >= 3600) std::snprintf(buf, sizeof buf, "%ldh%02ldm", s / 3600, (s / 60) % 60);
    else std::snprintf(buf, sizeof buf, "%ldm%02lds", s / 60, s % 60);
    return buf;
}

std::string joinComma(const std::vector<int>& values) {
    std::ostringstream s;
    for (std::size_t i = 0; i < values.size(); ++i) s << (i ? "," : "") << values[i];
    return s.str();
}

bool ProgressThrottle::due() {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < interval_) return false;
    last_ = now;
    return true;
}

}  // namespace lf::cli

#include "app/cli/commands/CommandSupport.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iostream>
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

std::string paceText(const ml::TrainingProgress& p, const char* items) {
    char line[96];
    std::snprintf(line, sizeof line, "%.1f %s/s, ETA %s", p.itemsPerSecond, items, formatDuration(p.etaSeconds).c_str());
    return line;
}

std::string checkpointText(const ml::TrainingProgress& p) {
    return "checkpoint at step " + std::to_string(p.step) + ": " + p.message;
}

bool reportStoppedEarly(bool finished, std::int64_t steps, const std::string& checkpoint) {
    if (finished) return false;
    std::cout << "stopped at step " << steps << "; continue with --resume (" << checkpoint << ")\n";
    return true;
}

bool ProgressThrottle::due() {
    const auto now = std::chrono::steady_clock::now();
    if (now - last_ < interval_) return false;
    last_ = now;
    return true;
}

}  // namespace lf::cli

#include "app/cli/commands/CommandSupport.h"

#include "core/util/Error.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <iostream>
#include <sstream>

namespace lf::cli {

std::string formatted(const char* format, ...) {
    va_list args, again;
    va_start(args, format);
    va_copy(again, args);
    const int size = std::vsnprintf(nullptr, 0, format, args);
    va_end(args);
    std::string text(std::size_t(std::max(size, 0)), '\0');
    std::vsnprintf(text.data(), text.size() + 1, format, again);
    va_end(again);
    return text;
}

std::string formatDuration(double seconds) {
    const long s = std::lround(std::max(0.0, seconds));
    if (s >= 3600) return formatted("%ldh%02ldm", s / 3600, (s / 60) % 60);
    return formatted("%ldm%02lds", s / 60, s % 60);
}

void requireFolderOf(const std::filesystem::path& file) {
    const auto folder = file.parent_path().empty() ? std::filesystem::path(".") : file.parent_path();
    std::error_code ec;
    if (!std::filesystem::is_directory(folder, ec))
        throw Error("cannot write " + file.string() + ": the folder " + folder.string() + " does not exist");
}

std::string joinComma(const std::vector<int>& values) {
    std::ostringstream s;
    for (std::size_t i = 0; i < values.size(); ++i) s << (i ? "," : "") << values[i];
    return s.str();
}

std::string paceText(const ml::TrainingProgress& p, const char* items) {
    return formatted("%.1f %s/s, ETA %s", p.itemsPerSecond, items, formatDuration(p.etaSeconds).c_str());
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

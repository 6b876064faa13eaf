#pragma once
// Helpers shared by every command (process-specific ones are in ProcessCommandSupport.h).
#include <chrono>
#include <string>
#include <vector>

namespace lf::cli {

// "12m05s" below an hour, "3h07m" above.
std::string formatDuration(double seconds);

// "1,2,4" (as --flag values with delimiter ',' take them back).
std::string joinComma(const std::vector<int>& values);

// Lets a progress line through at most once per `interval` (the first one always).
class ProgressThrottle {
public:
    explicit ProgressThrottle(std::chrono::seconds interval = std::chrono::seconds(10)) : interval_(interval) {}
    bool due();

private:
    std::chrono::seconds interval_;
    std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now() - std::chrono::hours(1);
};

}  // namespace lf::cli

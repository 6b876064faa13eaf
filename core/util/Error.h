#pragma once
// One exception type for user-facing failures: the message is complete enough to show as is
// (it names the file, the format and what was wrong), so callers never need to add context.
#include <stdexcept>
#include <string>

namespace lf {

class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace lf

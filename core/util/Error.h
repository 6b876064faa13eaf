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

// A job stopped because its caller asked (a Cancel button, a newer request): not a failure, so
// callers show no error for it.
class Cancelled : public Error {
public:
    using Error::Error;
};

}  // namespace lf
